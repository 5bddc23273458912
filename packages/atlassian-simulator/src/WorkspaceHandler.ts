/**
 * `queryWorkspacesV2`: filters, sorts and pages the rendered workspaces; later pages are requested with a
 * body of only `{cursor}` and `links.next` is that bare token; `meta` gives page size, indices and total.
 */
import { Either } from "effect"
import { decodeCursor, encodeCursor } from "./Cursor.js"
import { failure, type OperationResult, ok } from "./Exchange.js"
import type { Organisation } from "./Organisation.js"
import {
  isWorkspaceListing,
  maxWorkspaceLimit,
  parseWorkspaceRequest,
  type WorkspaceListing,
  type WorkspaceQuery
} from "./WorkspaceRequest.js"
import { type RenderedWorkspace, renderWorkspaces } from "./WorkspaceView.js"

const fieldValue = (workspace: RenderedWorkspace, name: string): string => {
  const json = workspace.json
  if (name === "id" || name === "type") return String(json[name] ?? "")
  const attributes = json.attributes as Record<string, unknown>
  const value = attributes[name.replace(/^attributes\./, "")]
  return value === undefined || value === null ? "" : String(value)
}

export const matchesWorkspace = (workspace: RenderedWorkspace, query: WorkspaceQuery | null): boolean => {
  if (query === null) return true
  if ("and" in query) return query.and.every((nested) => matchesWorkspace(workspace, nested))
  if ("nor" in query) return !query.nor.some((nested) => matchesWorkspace(workspace, nested))
  if ("field" in query) {
    // "Absent of values makes this operator no-op."
    if (query.field.values.length === 0) return true
    const actual = fieldValue(workspace, query.field.name).toLowerCase()
    return query.field.values.some((value) => value.toLowerCase() === actual)
  }
  if ("searchWorkspaces" in query) {
    const term = query.searchWorkspaces.toLowerCase()
    return (
      fieldValue(workspace, "attributes.name").toLowerCase().includes(term) ||
      fieldValue(workspace, "attributes.hostUrl").toLowerCase().includes(term)
    )
  }
  // No simulated workspace has features or policies.
  if ("features" in query) return query.features.length === 0
  return query.policies.length === 0
}

export const makeWorkspaceHandler = (organisation: Organisation, adminBaseUrl: string) => {
  let rendered: ReadonlyArray<RenderedWorkspace> | undefined
  const workspaces = () => {
    if (rendered === undefined) rendered = renderWorkspaces(organisation, adminBaseUrl)
    return rendered
  }

  return (orgId: string, body: string): OperationResult => {
    if (orgId !== organisation.orgId) return failure(404, `Organization not found: ${orgId}`, "ADMIN-404-2")
    const parsed = parseWorkspaceRequest(body)
    if (Either.isLeft(parsed)) return failure(400, parsed.left, "ADMIN-400-24")
    const scope = `queryWorkspacesV2:${orgId}`
    let listing: WorkspaceListing
    let limit: number
    let position = 0
    if (parsed.right._tag === "Cursor") {
      const state = decodeCursor(parsed.right.cursor, scope, isWorkspaceListing, maxWorkspaceLimit)
      if (state === undefined) return failure(400, "Invalid page cursor", "ADMIN-400-1")
      listing = state.query
      limit = state.limit
      position = state.position
    } else {
      listing = parsed.right.listing
      limit = parsed.right.limit
    }
    const matches = workspaces().filter((workspace) => matchesWorkspace(workspace, listing.query))
    if (listing.sort.length > 0) {
      matches.sort((a, b) => {
        for (const { field, order } of listing.sort) {
          const left = fieldValue(a, field).toLowerCase()
          const right = fieldValue(b, field).toLowerCase()
          if (left !== right) return (left < right ? -1 : 1) * (order === "asc" ? 1 : -1)
        }
        return a.product.position - b.product.position
      })
    }
    const data = matches.slice(position, position + limit).map((workspace) => workspace.json)
    const end = position + data.length
    const self = encodeCursor({ scope, query: listing, limit, position })
    return ok({
      data,
      // Declared as URLs (LinkPageModel), but Atlassian hands out bare tokens to send back as `cursor`.
      links:
        end < matches.length
          ? { self, next: encodeCursor({ scope, query: listing, limit, position: end }) }
          : { self },
      meta: {
        pageSize: limit,
        startIndex: data.length === 0 ? null : position,
        endIndex: data.length === 0 ? null : end - 1,
        total: matches.length
      }
    })
  }
}
