/**
 * Resolves the ids other endpoints use for a product (an ARI spelt differently, a bare cloudId, a v1
 * `key` + `url`) to the product's canonical id, by way of the cloudId every ARI ends with.
 */
import { cloudIdOf, parseAri } from "./Ari.js"
import type { Product } from "./Product.js"

export interface ProductIndex {
  /** The canonical product id for an ARI or cloudId (and, when known, its product key). */
  readonly resolve: (idOrAri: string, productKey?: string) => string | undefined
  /** The canonical product id for a v1 product `key` and site `url` (`acme.atlassian.net` or a full URL). */
  readonly resolveByUrl: (productKey: string, url: string) => string | undefined
}

const hostOf = (url: string): string => {
  const trimmed = url.trim().toLowerCase()
  try {
    return new URL(trimmed.includes("://") ? trimmed : `https://${trimmed}`).host
  } catch {
    return trimmed
  }
}

/**
 * Builds the index. Resolution order: the exact ARI; the (product key, cloudId) pair; the only product on
 * that cloudId. Anything ambiguous or unknown resolves to undefined (the caller quarantines it).
 */
export const makeProductIndex = (products: ReadonlyArray<Product>): ProductIndex => {
  const byId = new Map(products.map((product) => [product.productId, product.productId] as const))
  const byKeyAndCloud = new Map<string, string>()
  const byCloud = new Map<string, Array<string>>()
  const byKeyAndHost = new Map<string, string>()
  const byHost = new Map<string, Array<string>>()
  for (const product of products) {
    byKeyAndCloud.set(`${product.productKey}|${product.cloudId}`, product.productId)
    byCloud.set(product.cloudId, [...(byCloud.get(product.cloudId) ?? []), product.productId])
    if (product.url !== null) {
      const host = hostOf(product.url)
      byKeyAndHost.set(`${product.productKey}|${host}`, product.productId)
      byHost.set(host, [...(byHost.get(host) ?? []), product.productId])
    }
  }
  const only = (ids: ReadonlyArray<string> | undefined) => (ids?.length === 1 ? ids[0] : undefined)
  return {
    resolve: (idOrAri, productKey) => {
      const exact = byId.get(idOrAri.trim())
      if (exact !== undefined) return exact
      const cloudId = cloudIdOf(idOrAri)
      const key = productKey ?? parseAri(idOrAri)?.productKey
      return (
        (key === undefined ? undefined : byKeyAndCloud.get(`${key}|${cloudId}`)) ?? only(byCloud.get(cloudId))
      )
    },
    resolveByUrl: (productKey, url) => {
      const host = hostOf(url)
      return byKeyAndHost.get(`${productKey}|${host}`) ?? only(byHost.get(host))
    }
  }
}
