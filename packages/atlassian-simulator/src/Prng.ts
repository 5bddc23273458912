/**
 * Stateless pseudo-random numbers keyed by (seed, index, field): every value of the synthetic organisation
 * is a pure function of its key, so any user can be derived in O(1) without generating the others.
 */

/** 32-bit FNV-1a of a string; turns field names into numeric salts. */
export const hashString = (text: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** The splitmix32 finaliser: a strong 32-bit avalanche mix. */
const mix32 = (value: number): number => {
  let z = (value + 0x9e3779b9) | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

/** A 32-bit unsigned hash of a sequence of integers. */
export const hash32 = (...parts: ReadonlyArray<number>): number => {
  let acc = 0x2545f491
  for (const part of parts) acc = mix32(acc ^ mix32(part | 0))
  return acc
}

/** `hash32(a, b, c)` without the rest-array allocation: the hot path of every draw. */
const hash3 = (a: number, b: number, c: number): number =>
  mix32(mix32(mix32(0x2545f491 ^ mix32(a | 0)) ^ mix32(b | 0)) ^ mix32(c | 0))

/** Draws for one entity: `draw.float("status")` is the same number every time for the same key. */
export interface Draw {
  /** A 32-bit unsigned integer. */
  readonly u32: (field: string, salt?: number) => number
  /** A float in [0, 1). */
  readonly float: (field: string, salt?: number) => number
  /** An integer in [min, max] (inclusive). */
  readonly int: (field: string, min: number, max: number, salt?: number) => number
  /** One element of a non-empty list. */
  readonly pick: <A>(field: string, items: ReadonlyArray<A>, salt?: number) => A
  /** True with the given probability. */
  readonly chance: (field: string, probability: number, salt?: number) => boolean
  /** `count` lowercase hex digits. */
  readonly hex: (field: string, count: number) => string
  /** A version-4-shaped UUID. */
  readonly uuid: (field: string) => string
}

/** The draws of entity `index` of kind `kind` (e.g. "user", 42) under `seed`. */
// Field names form a small fixed set, so their hashes are computed once.
const fieldHashes = new Map<string, number>()
const fieldHash = (field: string) => {
  let hash = fieldHashes.get(field)
  if (hash === undefined) {
    hash = hashString(field)
    fieldHashes.set(field, hash)
  }
  return hash
}

const byteHex: ReadonlyArray<string> = Array.from({ length: 256 }, (_, byte) =>
  byte.toString(16).padStart(2, "0")
)

export const draw = (seed: number, kind: string, index: number): Draw => {
  const base = hash3(seed, fieldHash(kind), index)
  const u32 = (field: string, salt = 0) => hash3(base, fieldHash(field), salt)
  const float = (field: string, salt = 0) => u32(field, salt) / 4294967296
  const hex = (field: string, count: number) => {
    let out = ""
    for (let block = 0; out.length < count; block++) {
      const value = u32(field, block)
      out +=
        byteHex[value >>> 24]! +
        byteHex[(value >>> 16) & 0xff]! +
        byteHex[(value >>> 8) & 0xff]! +
        byteHex[value & 0xff]!
    }
    return out.length === count ? out : out.slice(0, count)
  }
  return {
    u32,
    float,
    int: (field, min, max, salt = 0) => min + Math.floor(float(field, salt) * (max - min + 1)),
    pick: (field, items, salt = 0) => {
      const item = items[Math.floor(float(field, salt) * items.length)]
      if (item === undefined) throw new RangeError(`pick from an empty list (${field})`)
      return item
    },
    chance: (field, probability, salt = 0) => float(field, salt) < probability,
    hex,
    uuid: (field) => {
      const h = hex(field, 32)
      const variant = ((Number.parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16)
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
    }
  }
}
