#!/usr/bin/env node
/**
 * Makes an app's tarball self-contained: the `prepack` step of apps/cli and apps/worker. npm only bundles
 * `bundleDependencies` found as real directories in the package's own node_modules, but in this workspace
 * they are symlinks hoisted to the root; so before packing, each bundled `@seatsync/*` package is copied —
 * the files it would publish (`files`, and its package.json without dependency lists) — into
 * `<app>/node_modules/@seatsync/<name>`, and `--clean` (the `postpack` step) removes the copies again. Run in the app's directory (npm does that).
 *
 * npm does not install the dependencies of bundled packages, so the app must list every dependency and peer
 * dependency of the packages it bundles (type-only `@types/*` aside); packing fails, naming them, when one is
 * missing.
 */
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const appDir = process.cwd()
const manifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"))
const bundled = manifest.bundleDependencies ?? []
const clean = process.argv.includes("--clean")
const missing = new Set()

for (const name of bundled) {
  const target = join(appDir, "node_modules", name)
  rmSync(target, { recursive: true, force: true })
  if (clean) continue
  // The workspace link npm made at install time, e.g. node_modules/@seatsync/store -> packages/store.
  const source = realpathSync(join(appDir, "..", "..", "node_modules", name))
  const packageJson = JSON.parse(readFileSync(join(source, "package.json"), "utf8"))
  if (!existsSync(join(source, "dist"))) {
    console.error(`${name} is not built: run \`npm run build\` before packing ${manifest.name}.`)
    process.exit(1)
  }
  for (const entry of packageJson.files ?? []) {
    if (existsSync(join(source, entry))) cpSync(join(source, entry), join(target, entry), { recursive: true })
  }
  // Without its dependency lists: npm would take a bundled package's dependencies to be in the bundle too
  // and install none of them; the app lists them all instead (checked below), and node finds them there.
  const { dependencies, peerDependencies, devDependencies, scripts, ...bundledManifest } = packageJson
  writeFileSync(join(target, "package.json"), `${JSON.stringify(bundledManifest, null, 2)}\n`)
  for (const dependency of Object.keys({ ...packageJson.dependencies, ...packageJson.peerDependencies })) {
    const provided = bundled.includes(dependency) || manifest.dependencies?.[dependency] !== undefined
    if (!provided && !dependency.startsWith("@types/")) missing.add(`${dependency} (for ${name})`)
  }
}
const scope = join(appDir, "node_modules", "@seatsync")
if (clean && existsSync(scope) && readdirSync(scope).length === 0) rmSync(scope, { recursive: true })
if (missing.size > 0) {
  console.error(`${manifest.name} must list these in its dependencies: ${[...missing].join(", ")}.`)
  process.exit(1)
}
