#!/usr/bin/env node
// Regenerates src/core/netfilter/xt/modules/extra/testdata/ from the REAL tools.
//
// For every case in scripts/gen-xt-extra-fixtures.cases.mjs the rules are loaded with
// iptables-legacy-restore (ip6tables-legacy-restore for IPv6) in a throw-away network namespace,
// then printed back with iptables-legacy-save; the same is done with the nft backend in a second
// namespace. Rules the kernel refuses are retried one by one so that one missing module does not
// hide the others, and each refusal is recorded with the tool's own message. Rules listed as
// invalid are checked to be refused, and by whom: `userspace` when `--test` (parse only) already
// fails, `kernel` when only the commit fails.
//
// Needs root, iproute2, iptables 1.8.9 (legacy + nft) and ipset. Only namespaces named
// kpath-h2-<pid>-* are created, and they are deleted on exit. The root namespace is not touched.
//
// Usage: node scripts/gen-xt-extra-fixtures.mjs [case-name ...]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CASES } from './gen-xt-extra-fixtures.cases.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'src/core/netfilter/xt/modules/extra/testdata')
const NS_LEGACY = `kpath-h2-${process.pid}-l`
const NS_NFT = `kpath-h2-${process.pid}-n`

function run(argv, stdin) {
  const r = spawnSync(argv[0], argv.slice(1), { input: stdin ?? '', encoding: 'utf8' })
  if (r.error) throw r.error
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

function inNs(ns, argv, stdin) {
  return run(['ip', 'netns', 'exec', ns, ...argv], stdin)
}

function tool(family, backend, verb) {
  return `${family === 6 ? 'ip6tables' : 'iptables'}-${backend}-${verb}`
}

function restoreText(c, rules) {
  const chains = (c.chains ?? []).map((ch) => `:${ch} - [0:0]\n`).join('')
  return `*${c.table}\n${chains}${rules.map((r) => `${r}\n`).join('')}COMMIT\n`
}

/** The saved table without the `# Generated`/`# Completed` lines, which carry a date. */
function save(ns, c, backend) {
  const r = inNs(ns, [tool(c.family, backend, 'save'), '-t', c.table])
  if (r.code !== 0) throw new Error(`${tool(c.family, backend, 'save')} failed: ${r.stderr}`)
  return r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('# Generated') && !l.startsWith('# Completed'))
    .join('\n')
}

function firstLine(s) {
  return s.trim().split('\n')[0] ?? ''
}

/** The tool's error, skipping warnings printed before it (e.g. about --localtz). */
function errorLine(s) {
  const lines = s
    .trim()
    .split('\n')
    .filter((l) => l !== '')
  return lines.find((l) => !/^warning/i.test(l)) ?? lines[0] ?? ''
}

/** Load the rules; on failure, find which rules are refused and load the others. */
function load(ns, c, backend) {
  const restore = tool(c.family, backend, 'restore')
  const all = inNs(ns, [restore], restoreText(c, c.rules))
  if (all.code === 0) return { loaded: c.rules, refused: [] }
  const loaded = []
  const refused = []
  for (const rule of c.rules) {
    const one = inNs(ns, [restore], restoreText(c, [rule]))
    if (one.code === 0) loaded.push(rule)
    else {
      const test = inNs(ns, [restore, '--test'], restoreText(c, [rule]))
      refused.push({
        rule,
        by: test.code === 0 ? 'kernel' : 'userspace',
        error: errorLine(one.stderr),
      })
    }
  }
  const rest = inNs(ns, [restore], restoreText(c, loaded))
  if (rest.code !== 0) throw new Error(`${c.name}: loadable rules failed together: ${rest.stderr}`)
  return { loaded, refused }
}

function checkInvalid(ns, c, loaded) {
  const restore = tool(c.family, 'legacy', 'restore')
  return (c.invalid ?? []).map((rule) => {
    // The loadable rules of the case come first, so that references (rate estimators) resolve.
    const text = restoreText(c, [...loaded, rule])
    const test = inNs(ns, [restore, '--test'], text)
    if (test.code !== 0) return { rule, by: 'userspace', error: errorLine(test.stderr) }
    const real = inNs(ns, [restore], text)
    if (real.code !== 0) return { rule, by: 'kernel', error: errorLine(real.stderr) }
    return { rule, by: 'accepted', error: '' }
  })
}

function setup(c) {
  for (const ns of [NS_LEGACY, NS_NFT]) {
    for (const argv of c.setup ?? []) {
      inNs(ns, ['ipset', 'destroy', argv[2]])
      const r = inNs(ns, argv)
      if (r.code !== 0) throw new Error(`${c.name}: setup ${argv.join(' ')} failed: ${r.stderr}`)
    }
  }
}

function version(argv) {
  return firstLine(run(argv).stdout)
}

function generateCase(c, manifest) {
  setup(c)
  const legacy = load(NS_LEGACY, c, 'legacy')
  const legacyText = save(NS_LEGACY, c, 'legacy')
  const invalid = checkInvalid(NS_LEGACY, c, legacy.loaded)
  // Reload the valid rules only: a kernel-refused invalid rule may leave nothing behind, but a
  // wrongly accepted one must not linger in the table.
  inNs(NS_LEGACY, [tool(c.family, 'legacy', 'restore')], restoreText(c, legacy.loaded))
  const nft = load(NS_NFT, c, 'nft')
  const nftText = save(NS_NFT, c, 'nft')
  writeFileSync(join(OUT, `${c.name}.rules`), restoreText(c, c.rules))
  writeFileSync(join(OUT, `${c.name}.legacy.expected`), legacyText)
  writeFileSync(join(OUT, `${c.name}.nft.expected`), nftText)
  manifest.cases.push({
    name: c.name,
    family: c.family,
    table: c.table,
    loaded: legacy.loaded.length,
    refused: legacy.refused,
    nftRefused: nft.refused,
    invalid,
  })
  const bad = invalid.filter((i) => i.by === 'accepted')
  const note = `${legacy.loaded.length}/${c.rules.length} loaded, ${legacy.refused.length} refused`
  console.log(`${c.name}: ${note}${bad.length ? `, ${bad.length} invalid rules ACCEPTED` : ''}`)
}

function main() {
  if (process.getuid?.() !== 0) {
    console.error('skipped: not root (network namespaces need CAP_SYS_ADMIN)')
    process.exit(2)
  }
  const only = new Set(process.argv.slice(2))
  mkdirSync(OUT, { recursive: true })
  const manifest = {
    generator: 'scripts/gen-xt-extra-fixtures.mjs',
    iptables: version(['iptables-legacy', '--version']),
    iptablesNft: version(['iptables-nft', '--version']),
    kernel: firstLine(run(['uname', '-r']).stdout),
    cases: [],
  }
  for (const ns of [NS_LEGACY, NS_NFT]) {
    const r = run(['ip', 'netns', 'add', ns])
    if (r.code !== 0) throw new Error(`ip netns add ${ns}: ${r.stderr}`)
  }
  try {
    for (const c of CASES) if (only.size === 0 || only.has(c.name)) generateCase(c, manifest)
  } finally {
    for (const ns of [NS_LEGACY, NS_NFT]) run(['ip', 'netns', 'del', ns])
  }
  // A partial run replaces its cases in the existing manifest and keeps the others.
  const file = join(OUT, 'manifest.json')
  if (only.size > 0 && existsSync(file)) {
    const old = JSON.parse(readFileSync(file, 'utf8'))
    const fresh = new Map(manifest.cases.map((c) => [c.name, c]))
    manifest.cases = CASES.map(
      (c) => fresh.get(c.name) ?? old.cases.find((o) => o.name === c.name),
    ).filter(Boolean)
  }
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`)
}

main()
