#!/usr/bin/env node
// Regenerates src/core/netfilter/nft/testdata/ from the REAL nft.
//
// Every hand-written input in testdata/inputs/*.nft is loaded with `nft -f` into a fresh
// throw-away network namespace and listed back with `nft list ruleset` (<name>.list.txt) and
// `nft -a list ruleset` (<name>.handles.txt). Every kube-proxy conformance dump
// (../shared/conformance/kube-proxy/**/nft-list.txt and overall/expected-nft-list.txt) is loaded
// the same way and listed back into testdata/kube-proxy/<case>.list.txt, which shows that nft
// re-lists them unchanged.
//
// Needs root, iproute2 and nftables 1.0.6. Only namespaces named kpath-h9-<pid>-<n> are created,
// each deleted before the next one is made. The root namespace is never touched.
//
// Usage: node scripts/gen-nft-fixtures.mjs
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'src/core/netfilter/nft/testdata')
const CONFORMANCE = join(ROOT, '..', 'shared', 'conformance', 'kube-proxy')
let counter = 0

function run(argv, stdin) {
  const r = spawnSync(argv[0], argv.slice(1), {
    input: stdin ?? '',
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  })
  if (r.error) throw r.error
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

function must(argv, stdin) {
  const r = run(argv, stdin)
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr}`)
  return r.stdout
}

/** Run `fn(exec)` inside a fresh namespace that is deleted afterwards, whatever happens. */
function inNamespace(fn) {
  const ns = `kpath-h9-${process.pid}-${++counter}`
  must(['ip', 'netns', 'add', ns])
  try {
    // netdev chains in the inputs attach to lo.
    must(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up'])
    return fn((argv, stdin) => must(['ip', 'netns', 'exec', ns, ...argv], stdin))
  } finally {
    run(['ip', 'netns', 'del', ns])
  }
}

/** Load `text` with nft -f and return what `nft list ruleset` (and -a) print. */
function loadAndList(text) {
  return inNamespace((x) => {
    x(['nft', '-f', '-'], text)
    return { list: x(['nft', 'list', 'ruleset']), handles: x(['nft', '-a', 'list', 'ruleset']) }
  })
}

function main() {
  const version = must(['nft', '--version']).trim()
  if (!version.includes('v1.0.6'))
    console.warn(`warning: fixtures are for nft 1.0.6, found ${version}`)
  const inputs = join(OUT, 'inputs')
  for (const f of readdirSync(inputs)
    .filter((n) => n.endsWith('.nft'))
    .sort()) {
    const name = basename(f, '.nft')
    const { list, handles } = loadAndList(readFileSync(join(inputs, f), 'utf8'))
    writeFileSync(join(OUT, `${name}.list.txt`), list)
    writeFileSync(join(OUT, `${name}.handles.txt`), handles)
    console.log(`${name}: ${list.split('\n').length - 1} lines`)
  }
  const kp = join(OUT, 'kube-proxy')
  mkdirSync(kp, { recursive: true })
  const dumps = [['overall', join(CONFORMANCE, 'overall', 'expected-nft-list.txt')]]
  for (const slug of readdirSync(join(CONFORMANCE, 'cases')).sort()) {
    const p = join(CONFORMANCE, 'cases', slug, 'nft-list.txt')
    if (existsSync(p)) dumps.push([slug, p])
  }
  for (const [slug, p] of dumps) {
    const original = readFileSync(p, 'utf8')
    const { list } = loadAndList(original)
    writeFileSync(join(kp, `${slug}.list.txt`), list)
    console.log(`${slug}: ${list === original ? 'nft re-lists it unchanged' : 'CHANGED by nft'}`)
  }
  writeFileSync(join(OUT, 'versions.txt'), `${version}\n${must(['uname', '-sr']).trim()}\n`)
}

main()
