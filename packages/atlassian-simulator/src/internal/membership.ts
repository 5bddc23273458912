/**
 * The team-group membership rule, invertible in O(1): a member of a directory with T team groups joins the
 * slots `(index + k·S) mod T` for k < min(groupsPerUser, T), S = ⌊T / min(groupsPerUser, T)⌋, so the members
 * of slot j are exactly the users of that directory whose index is ≡ j − k·S (mod T).
 */

const effectiveCount = (teamCount: number, groupsPerUser: number) => Math.min(groupsPerUser, teamCount)

/** The team slots (positions in the directory's team list) user `index` joins, ascending. */
export const teamSlotsOf = (index: number, teamCount: number, groupsPerUser: number): Array<number> => {
  const count = effectiveCount(teamCount, groupsPerUser)
  if (count === 0) return []
  const stride = Math.floor(teamCount / count)
  const slots: Array<number> = []
  for (let k = 0; k < count; k++) slots.push((index + k * stride) % teamCount)
  return slots.sort((a, b) => a - b)
}

/**
 * Every user index (below `userCount`, ascending) whose slots include `slot`, regardless of directory: the
 * candidates a caller still filters by directory membership.
 */
export const teamSlotCandidates = (
  slot: number,
  teamCount: number,
  groupsPerUser: number,
  userCount: number
): Array<number> => {
  const count = effectiveCount(teamCount, groupsPerUser)
  if (count === 0) return []
  const stride = Math.floor(teamCount / count)
  const candidates: Array<number> = []
  for (let k = 0; k < count; k++) {
    const residue = (((slot - k * stride) % teamCount) + teamCount) % teamCount
    for (let index = residue; index < userCount; index += teamCount) candidates.push(index)
  }
  return candidates.sort((a, b) => a - b)
}
