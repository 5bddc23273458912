/**
 * `RepeatedRecords`: a listing named the same record twice in one run — a protocol error of that listing
 * (a page repeated under a fresh cursor would otherwise make the run miss a page's records and soft-delete
 * them). The run fails and changes no live row.
 */
import { Schema } from "effect"

export class RepeatedRecords extends Schema.TaggedError<RepeatedRecords>()("RepeatedRecords", {
  /** The listing, e.g. `POST /v2/orgs/{orgId}/directories/{directoryId}/users/search`. */
  listing: Schema.String,
  /** The stored entity its records become, e.g. `org_user`. */
  entity: Schema.String,
  /** Records of the listing repeated so far in the batch that revealed it (at least 1). */
  repeated: Schema.Number,
  /** One repeated key (key fields joined by `/`). */
  key: Schema.String
}) {
  override get message() {
    return `${this.listing} returned the same record twice in one run (${this.entity} ${this.key}, ${this.repeated} repeated); its enumeration cannot be trusted, so nothing was changed`
  }
}

const usersSearch = "POST /v2/orgs/{orgId}/directories/{directoryId}/users/search"

/** The listing whose records become `entity`'s rows, as an error names it. */
export const listingOf = (entity: string): string => {
  switch (entity) {
    case "product":
      return "POST /v2/orgs/{orgId}/workspaces"
    case "org_group":
      return "POST /v2/orgs/{orgId}/directories/{directoryId}/groups/search"
    case "product_role":
      return `${usersSearch} (by product and role)`
    default:
      return usersSearch
  }
}
