/**
 * Migration 0006: what the seats cost. `product_price` holds, per connection and product, the price per
 * seat a finance team entered — currency, billing period (monthly or annual) and, for annual plans, the
 * renewal date — with the day it takes effect. A change of price is a new row, never an update of the old
 * one, so that a report on a past day prices it at the price in force then.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  // Keyed by product id, not by the live product row: a price outlives a product that is soft-deleted
  // (its ledger days keep their cost) and may be entered before the first sync of a renamed site.
  yield* sql.unsafe(`
    CREATE TABLE seatsync.product_price (
      connection_id integer NOT NULL REFERENCES seatsync.connection (id) ON DELETE CASCADE,
      product_id text NOT NULL,
      effective_from date NOT NULL,
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      price_per_seat numeric(14, 4) NOT NULL CHECK (price_per_seat >= 0),
      billing_period text NOT NULL CHECK (billing_period IN ('monthly', 'annual')),
      renewal_date date,
      set_at timestamptz NOT NULL DEFAULT now(),
      set_by text,
      CHECK ((billing_period = 'annual') = (renewal_date IS NOT NULL)),
      PRIMARY KEY (connection_id, product_id, effective_from)
    )`)
})
