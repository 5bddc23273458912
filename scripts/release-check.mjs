#!/usr/bin/env node
/**
 * Owns the release rehearsal: in a throwaway copy of the repository's tracked files it runs `changeset version`
 * (the versions and CHANGELOGs the pending changesets would produce) and `npm publish --dry-run` for every
 * public package, and checks what each tarball ships. Nothing is published and the working tree is untouched.
 *
 * Usage: node scripts/release-check.mjs   (needs `npm run build` first: the tarballs ship dist/)
 * Fails when: `changeset version` fails, a public package gets no CHANGELOG.md, `npm publish --dry-run` fails, or a
 * library tarball lacks LICENSE / README.md / CHANGELOG.md / dist/index.js / dist/index.d.ts, ships tests, or
 * ships a dist/*.js with no src/*.ts behind it (stale output of a deleted module).
 */
import { execFileSync, spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const libraries = ["atlassian-client", "normalise", "store", "sync", "atlassian-simulator"]
const copy = mkdtempSync(join(tmpdir(), "seatsync-release-"))
const problems = []

// 1. The repository's files (tracked and not ignored: on a clean CI clone, the commit; locally, also the new files
// dist/ was built from), the installed node_modules linked in, each package's dist copied.
const tracked = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
  cwd: repo,
  encoding: "utf8"
})
  .split("\0")
  .filter(Boolean)
for (const file of tracked) {
  if (!existsSync(join(repo, file))) continue // deleted in the working tree, not yet committed
  mkdirSync(dirname(join(copy, file)), { recursive: true })
  cpSync(join(repo, file), join(copy, file))
}
symlinkSync(join(repo, "node_modules"), join(copy, "node_modules"))
const workspaces = execFileSync("npm", ["query", ".workspace"], { cwd: repo, encoding: "utf8" })
const publicPackages = JSON.parse(workspaces)
  .filter((w) => w.private !== true)
  .map((w) => ({ name: w.name, dir: w.location }))
for (const { dir } of publicPackages) {
  if (existsSync(join(repo, dir, "dist")))
    cpSync(join(repo, dir, "dist"), join(copy, dir, "dist"), { recursive: true })
}

// 2. changeset version: the pending changesets become versions and CHANGELOGs (in the copy only).
console.log("== changeset version (throwaway copy)")
const version = spawnSync(join(copy, "node_modules", ".bin", "changeset"), ["version"], {
  cwd: copy,
  encoding: "utf8"
})
if (version.status !== 0) {
  console.error(version.stdout, version.stderr)
  problems.push("changeset version failed")
}
for (const { name, dir } of publicPackages) {
  const manifest = JSON.parse(readFileSync(join(copy, dir, "package.json"), "utf8"))
  const changelog = existsSync(join(copy, dir, "CHANGELOG.md"))
  console.log(`  ${name} → ${manifest.version}${changelog ? ", CHANGELOG.md" : ", no CHANGELOG.md"}`)
  if (!changelog) problems.push(`${name}: changeset version wrote no CHANGELOG.md`)
}

// 3. npm publish --dry-run, and what each library tarball ships.
console.log("\n== npm publish --dry-run")
for (const { name, dir } of publicPackages) {
  const publish = spawnSync("npm", ["publish", "--dry-run", "--json", "--ignore-scripts=false"], {
    cwd: join(copy, dir),
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" }
  })
  if (publish.status !== 0) {
    problems.push(
      `${name}: npm publish --dry-run failed:\n${publish.stderr.split("\n").slice(-15).join("\n")}`
    )
    continue
  }
  const report = JSON.parse(publish.stdout.slice(publish.stdout.indexOf("{")))
  const files = (report.files ?? report[name]?.files ?? []).map((f) => f.path)
  console.log(`  ${name}@${report.version ?? report[name]?.version}: ${files.length} files`)
  if (!libraries.some((lib) => dir === `packages/${lib}`)) continue
  for (const needed of [
    "LICENSE",
    "README.md",
    "CHANGELOG.md",
    "package.json",
    "dist/index.js",
    "dist/index.d.ts"
  ]) {
    if (!files.includes(needed)) problems.push(`${name}: the tarball lacks ${needed}`)
  }
  for (const file of files) {
    if (/^(test|tests|examples)\//.test(file) || /\.test\.[cm]?[jt]s$/.test(file))
      problems.push(`${name}: ships ${file}`)
    const stale = file.match(/^dist\/(.+)\.js$/)
    if (stale && !existsSync(join(copy, dir, "src", `${stale[1]}.ts`)))
      problems.push(`${name}: ships ${file} but src/${stale[1]}.ts does not exist (stale build output)`)
  }
}

rmSync(copy, { recursive: true, force: true })
if (problems.length > 0) {
  console.error(`\nrelease check FAILED:\n- ${problems.join("\n- ")}`)
  process.exit(1)
}
console.log(
  `\nrelease check passed: ${publicPackages.length} public packages version, pack and dry-run publish cleanly`
)
