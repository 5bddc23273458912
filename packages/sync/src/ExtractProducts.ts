/**
 * Products: every workspace of the organisation, staged, and indexed so that other sources can name them.
 * With the connection's Jira site seats, Jira products carry their licence's exact seat count. A workspace
 * that cannot be decoded or normalised is quarantined and the page goes on.
 */
import {
  makeProductIndex,
  type Product,
  type ProductIndex,
  productFromWorkspace,
  rejectedFromInvalidRecord
} from "@seatsync/normalise"
import { Chunk, Effect, Either, Option, Stream } from "effect"
import { type ExtractContext, pageReporter, partition } from "./ExtractContext.js"
import { applySiteSeats, type SiteSeats } from "./SiteSeats.js"

export const extractProducts = (
  context: ExtractContext,
  siteSeats: Option.Option<SiteSeats> = Option.none()
) =>
  Effect.gen(function* () {
    const report = pageReporter(context, "products")
    const products: Array<Product> = []
    yield* Stream.runForEach(Stream.chunks(context.client.workspaceRecords(context.orgId)), (page) =>
      Effect.gen(function* () {
        const normalised = partition(
          Chunk.toReadonlyArray(page).map((listed) =>
            Either.isLeft(listed)
              ? Either.left(rejectedFromInvalidRecord("product", "id", listed.left))
              : productFromWorkspace(listed.right)
          )
        )
        const records = Option.match(siteSeats, {
          onNone: () => normalised.records,
          onSome: (seats) => applySiteSeats(normalised.records, seats)
        })
        const rejected = normalised.rejected
        products.push(...records)
        yield* context.buffer.add("product", records)
        yield* report(records.length, rejected)
      })
    )
    return { products, index: makeProductIndex(products) as ProductIndex }
  })
