/** Products: every workspace of the organisation, staged, and indexed so that other sources can name them. */
import { makeProductIndex, type Product, type ProductIndex, productFromWorkspace } from "@seatsync/normalise"
import { Chunk, Effect, Stream } from "effect"
import { type ExtractContext, pageReporter, partition } from "./ExtractContext.js"

export const extractProducts = (context: ExtractContext) =>
  Effect.gen(function* () {
    const report = pageReporter(context, "products")
    const products: Array<Product> = []
    yield* Stream.runForEach(Stream.chunks(context.client.workspaces(context.orgId)), (page) =>
      Effect.gen(function* () {
        const { records, rejected } = partition(Chunk.toReadonlyArray(page).map(productFromWorkspace))
        products.push(...records)
        yield* context.buffer.add("product", records)
        yield* report(records.length, rejected)
      })
    )
    return { products, index: makeProductIndex(products) as ProductIndex }
  })
