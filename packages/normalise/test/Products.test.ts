import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { cloudIdOf, makeProductIndex, parseAri, productFromWorkspace } from "../src/index.js"

const cloud = "a436116f-02ce-4520-8fbb-7301462a1674"
const jira = Either.getOrThrow(
  productFromWorkspace({
    id: `ari:cloud:jira-software::site/${cloud}`,
    type: "workspace",
    attributes: {
      name: "acme",
      typeKey: "jira-software",
      capacity: 50,
      hostUrl: "https://acme.atlassian.net",
      status: "online"
    },
    relationships: {
      entitlements: [
        { id: "e1", type: "entitlement", attributes: { key: "jira-software", plan: "STANDARD" } }
      ]
    }
  })
)
const confluence = Either.getOrThrow(
  productFromWorkspace({
    id: `ari:cloud:confluence::site/${cloud}`,
    attributes: { name: "acme wiki", typeKey: "confluence", hostUrl: "https://acme.atlassian.net" }
  })
)

describe("ARIs", () => {
  it("parses product key and cloudId", () => {
    expect(parseAri(`ari:cloud:confluence::site/${cloud}`)).toEqual({
      productKey: "confluence",
      resourceType: "site",
      cloudId: cloud
    })
    expect(parseAri("not-an-ari")).toBeUndefined()
    expect(cloudIdOf(cloud)).toBe(cloud)
  })
})

describe("productFromWorkspace", () => {
  it("keeps key, cloudId, capacity, plan and url", () => {
    expect({ ...jira }).toEqual({
      productId: `ari:cloud:jira-software::site/${cloud}`,
      productKey: "jira-software",
      cloudId: cloud,
      name: "acme",
      url: "https://acme.atlassian.net",
      capacity: 50,
      plan: "STANDARD",
      status: "online"
    })
    expect(confluence.capacity).toBeNull()
    expect(confluence.plan).toBeNull()
  })

  it("rejects a workspace whose id is not an ARI", () => {
    const rejected = Either.getLeft(productFromWorkspace({ id: "12345" }))
    expect(rejected._tag === "Some" && rejected.value.reason).toBe("id is not an ARI: 12345")
  })
})

describe("makeProductIndex", () => {
  const index = makeProductIndex([jira, confluence])
  it("joins ARIs, cloudIds and v1 urls to the canonical product id", () => {
    expect(index.resolve(`ari:cloud:confluence::site/${cloud}`)).toBe(confluence.productId)
    expect(index.resolve(cloud, "jira-software")).toBe(jira.productId)
    // Two products share the cloudId: without a key it is ambiguous.
    expect(index.resolve(cloud)).toBeUndefined()
    expect(index.resolve("ari:cloud:jira-software::site/other")).toBeUndefined()
    expect(index.resolveByUrl("confluence", "acme.atlassian.net")).toBe(confluence.productId)
  })
})
