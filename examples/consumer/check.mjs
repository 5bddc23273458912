#!/usr/bin/env node
/**
 * Owns the consumer check: installs the packed @seatsync packages into a fresh project outside the repository
 * (so nothing hoisted in the workspace can be borrowed), then compiles every ```ts block of every package
 * README with strict settings (`skipLibCheck: false`, `moduleResolution: NodeNext`) and runs the runnable
 * ones against the simulator and an embedded PostgreSQL.
 *
 * A README block's info string says what it is:
 *   ```ts               a complete program: compiled and run (it must exit 0)
 *   ```ts compile-only  a complete program that needs something we cannot give it here (a server that never
 *                       ends, a test file, a stored connection): compiled, not run
 *   ```ts sketch        an outline of an API or a fragment, not a program: neither compiled nor run
 *
 * Usage: node examples/consumer/check.mjs [--keep]   (needs `npm run build` first; --keep leaves the temp dir)
 * Fails on: an ERESOLVE warning while installing the tarballs, more than one version of `effect`, a type
 * error in any compiled block, a runnable block that exits non-zero or runs longer than 3 minutes.
 */
import { execFileSync, spawnSync } from "node:child_process"
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, "..", "..")
const packages = ["atlassian-client", "normalise", "store", "sync", "atlassian-simulator"]
const keep = process.argv.includes("--keep")

const work = mkdtempSync(join(tmpdir(), "seatsync-consumer-"))
// The embedded PostgreSQL runs as an unprivileged OS user when we are root: it must reach node_modules.
chmodSync(work, 0o755)
const project = join(work, "project")
const tarballs = join(work, "tarballs")
mkdirSync(project)
mkdirSync(tarballs)

const step = (title) => console.log(`\n== ${title}`)
const fail = (message) => {
  console.error(`\nconsumer check FAILED: ${message}`)
  console.error(`(the project is kept in ${project})`)
  process.exit(1)
}
const npm = (args, cwd) =>
  spawnSync("npm", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      npm_config_fund: "false",
      npm_config_audit: "false",
      npm_config_update_notifier: "false"
    }
  })

// 1. Pack exactly what npm would publish.
step("packing the packages")
for (const name of packages) {
  const dir = join(repo, "packages", name)
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", tarballs], {
    cwd: dir,
    encoding: "utf8"
  })
  console.log(`  ${out.trim()}`)
}

// 2. The consumer's own project: Effect 3 already installed, as a team that uses Effect would have it.
step("installing the consumer's own dependencies (Effect 3, TypeScript)")
for (const file of ["package.json", "tsconfig.json"]) cpSync(join(here, file), join(project, file))
let started = Date.now()
let result = npm(["install", "--no-package-lock"], project)
if (result.status !== 0) fail(`npm install of the consumer's own dependencies failed:\n${result.stderr}`)
console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`)

// 3. Our tarballs next to them: no ERESOLVE, one copy of effect.
step("installing the packed tarballs")
const packed = readdirSync(tarballs)
  .filter((f) => f.endsWith(".tgz"))
  .map((f) => join(tarballs, f))
started = Date.now()
result = npm(["install", "--no-package-lock", ...packed], project)
const seconds = (Date.now() - started) / 1000
const installLog = `${result.stdout}\n${result.stderr}`
if (result.status !== 0) fail(`npm install of the tarballs failed:\n${installLog}`)
const eresolve = installLog.split("\n").filter((line) => line.includes("ERESOLVE"))
if (eresolve.length > 0)
  fail(
    `${eresolve.length} ERESOLVE lines while installing the tarballs:\n${eresolve.slice(0, 20).join("\n")}`
  )
console.log(
  `  done in ${seconds.toFixed(1)} s, no ERESOLVE${seconds > 60 ? " (slower than the one-minute goal)" : ""}`
)
const ls = npm(["ls", "effect", "--all", "--json"], project)
const versions = new Set()
const walk = (node) => {
  for (const [name, child] of Object.entries(node.dependencies ?? {})) {
    if (name === "effect" && child.version) versions.add(child.version)
    walk(child)
  }
}
walk(JSON.parse(ls.stdout))
if (versions.size !== 1) fail(`npm ls effect shows ${versions.size} versions: ${[...versions].join(", ")}`)
console.log(`  npm ls effect: one version, ${[...versions][0]}`)

// 4. Every ```ts block of every README, as the consumer's source files.
step("extracting the README examples")
const fence = /^```ts([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm
const blocks = []
for (const name of packages) {
  const readme = readFileSync(join(repo, "packages", name, "README.md"), "utf8")
  for (const match of readme.matchAll(fence)) {
    const kind = match[1].trim() === "" ? "run" : match[1].trim()
    if (!["run", "compile-only", "sketch"].includes(kind)) {
      fail(
        `packages/${name}/README.md: unknown block kind \`\`\`ts ${kind} (use none, compile-only or sketch)`
      )
    }
    const line = readme.slice(0, match.index).split("\n").length
    blocks.push({ name, line, kind, source: match[2] })
  }
}
for (const block of blocks) {
  block.file = join(block.name, `readme-line-${block.line}.ts`)
  if (block.kind === "sketch") continue
  mkdirSync(join(project, "src", block.name), { recursive: true })
  // `export {}` keeps every block a module of its own, even one without imports.
  writeFileSync(join(project, "src", block.file), `${block.source}\nexport {}\n`)
}
for (const block of blocks) console.log(`  packages/${block.name}/README.md:${block.line}  ${block.kind}`)

// 5. Compile them all at once, strictly, against the installed tarballs' declarations.
step("compiling (strict, skipLibCheck: false, NodeNext)")
const tsc = spawnSync(join(project, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], {
  cwd: project,
  encoding: "utf8"
})
if (tsc.status !== 0) {
  // Name the README line, not the temp file.
  const output = `${tsc.stdout}${tsc.stderr}`.replace(
    /src\/([\w-]+)\/readme-line-(\d+)\.ts\((\d+),(\d+)\)/g,
    (_, name, line, row, col) => `packages/${name}/README.md:${Number(line) + Number(row)} (col ${col})`
  )
  fail(`the README examples do not compile:\n${output}`)
}
console.log("  every compiled block type-checks")

// 6. Run the runnable ones: simulator and embedded PostgreSQL are started by the examples themselves.
step("running the runnable examples")
for (const block of blocks.filter((b) => b.kind === "run")) {
  const script = join(project, "out", block.file.replace(/\.ts$/, ".js"))
  const env = { ...process.env, SEATSYNC_DATA_DIR: join(work, `pgdata-${block.name}-${block.line}`) }
  delete env.DATABASE_URL
  started = Date.now()
  const run = spawnSync(process.execPath, [script], { cwd: project, env, encoding: "utf8", timeout: 180_000 })
  const took = ((Date.now() - started) / 1000).toFixed(1)
  if (run.status !== 0) {
    fail(
      `packages/${block.name}/README.md:${block.line} exited ${run.status ?? run.signal} after ${took} s:\n${run.stdout}\n${run.stderr}`
    )
  }
  const lastLine = run.stdout.trim().split("\n").at(-1) ?? ""
  console.log(`  packages/${block.name}/README.md:${block.line}  ok in ${took} s  ${lastLine.slice(0, 100)}`)
}

const counts = { run: 0, "compile-only": 0, sketch: 0 }
for (const block of blocks) counts[block.kind]++
console.log(
  `\nconsumer check passed: ${blocks.length} README blocks — ${counts.run} compiled and run, ${counts["compile-only"]} compiled only, ${counts.sketch} sketches`
)
if (!keep) rmSync(work, { recursive: true, force: true })
else console.log(`kept ${work}`)
