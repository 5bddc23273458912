/** Turns a v2 directory user (`MultiDirectoryUser`) into a canonical `OrgUser`. Pure. */
import type { DirectoryUser } from "@seatsync/atlassian-client"
import { Either } from "effect"
import { OrgUser } from "./OrgUser.js"
import { Rejected } from "./Rejected.js"

const reject = (user: DirectoryUser, reason: string) =>
  Either.left(new Rejected({ entity: "org_user", sourceKey: user.accountId ?? null, reason, record: user }))

const text = (value: string | undefined): string | null => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? null : trimmed
}

/**
 * Normalises one directory user. Emails are lower-cased (Atlassian compares them case-insensitively);
 * platform roles are sorted so that the same set always compares equal; a user without an account id or
 * with an unreadable `addedToOrg` is rejected with the reason.
 */
export const orgUserFromDirectoryUser = (user: DirectoryUser): Either.Either<OrgUser, Rejected> => {
  const accountId = text(user.accountId)
  if (accountId === null) return reject(user, "accountId is missing")
  let addedToOrg: Date | null = null
  if (user.addedToOrg !== undefined && user.addedToOrg !== "") {
    const parsed = new Date(user.addedToOrg)
    if (Number.isNaN(parsed.getTime())) return reject(user, `addedToOrg is not a date: ${user.addedToOrg}`)
    addedToOrg = parsed
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
