/** Turns a v2 directory user (`MultiDirectoryUser`) into a canonical `OrgUser`. Pure. */
import type { DirectoryUser } from "@seatsync/atlassian-client"
import { Either } from "effect"
import { identifierProblem } from "./Identifier.js"
import { instant, text } from "./internal/text.js"
import { OrgUser } from "./OrgUser.js"
import { Rejected } from "./Rejected.js"

const reject = (user: DirectoryUser, reason: string) =>
  Either.left(new Rejected({ entity: "org_user", sourceKey: user.accountId ?? null, reason, record: user }))

/**
 * Normalises one directory user. Emails are lower-cased (Atlassian compares them case-insensitively);
 * platform roles are sorted so that the same set always compares equal. A user is rejected with the reason
 * when its account id is missing or cannot be one path segment (empty, `.`, `..`: seatsync puts it into
 * `…/users/{accountId}/…` paths), or when `addedToOrg` is not a strict ISO-8601 date (never guessed).
 */
export const orgUserFromDirectoryUser = (user: DirectoryUser): Either.Either<OrgUser, Rejected> => {
  const accountId = text(user.accountId)
  if (accountId === null) return reject(user, "accountId is missing")
  const idProblem = identifierProblem(accountId)
  if (idProblem !== undefined) return reject(user, `accountId ${idProblem}`)
  const addedToOrg = instant(user.addedToOrg)
  if (addedToOrg === undefined) {
    return reject(user, `addedToOrg is not an ISO-8601 date: ${user.addedToOrg ?? ""}`)
  }
  const email = text(user.email)?.toLowerCase() ?? null
  const at = email?.lastIndexOf("@") ?? -1
  return Either.right(
    new OrgUser({
      accountId,
      accountType: user.accountType ?? "atlassian",
      name: text(user.name) ?? text(user.nickname) ?? accountId,
      nickname: text(user.nickname),
      email,
      emailDomain: email !== null && at > 0 ? email.slice(at + 1) : null,
      status: user.status ?? null,
      accountStatus: user.accountStatus ?? null,
      membershipStatus: user.membershipStatus ?? null,
      claimStatus: user.claimStatus ?? null,
      managementSource: user.managementSource ?? null,
      mfaEnabled: user.mfaEnabled ?? null,
      addedToOrg,
      jobTitle: text(user.jobTitle),
      department: text(user.department),
      timeZone: text(user.timeZone),
      platformRoles: [...(user.platformRoles ?? [])].sort()
    })
  )
}
