/** The canonical group of an organisation directory, and the transform from a v2 `DirectoryGroup`. */
import type { DirectoryGroup } from "@seatsync/atlassian-client"
import { Either, Schema } from "effect"
import { identifierProblem } from "./Identifier.js"
import { text } from "./internal/text.js"
import { Rejected } from "./Rejected.js"

export class OrgGroup extends Schema.Class<OrgGroup>("OrgGroup")({
  /** The group id, the natural key within an organisation. */
  groupId: Schema.NonEmptyTrimmedString,
  name: Schema.String,
  description: Schema.NullOr(Schema.String),
  directoryId: Schema.NullOr(Schema.String),
  /** Created by identity-provider sync. */
  externalSynced: Schema.NullOr(Schema.Boolean),
  /** `external | admins | team-members | open`, as Atlassian reports it. */
  managedBy: Schema.NullOr(Schema.String)
}) {}

/**
 * Normalises one directory group; a group without an id, or with one that cannot be a path segment (its
 * role assignments are read at `…/groups/{groupId}/role-assignments`), is rejected.
 */
export const orgGroupFromDirectoryGroup = (group: DirectoryGroup): Either.Either<OrgGroup, Rejected> => {
  const groupId = text(group.id)
  if (groupId === null) {
    return Either.left(
      new Rejected({ entity: "org_group", sourceKey: null, reason: "id is missing", record: group })
    )
  }
  const idProblem = identifierProblem(groupId)
  if (idProblem !== undefined) {
    return Either.left(
      new Rejected({ entity: "org_group", sourceKey: groupId, reason: `id ${idProblem}`, record: group })
    )
  }
  return Either.right(
    new OrgGroup({
      groupId,
      name: text(group.name) ?? groupId,
      description: text(group.description ?? undefined),
      directoryId: text(group.directoryId),
      externalSynced: group.externalSynced ?? null,
      managedBy: text(group.managedBy)
    })
  )
}
