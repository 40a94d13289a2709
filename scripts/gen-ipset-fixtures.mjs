#!/usr/bin/env node
// Regenerates src/core/ipset/testdata/ from the REAL ipset.
//
// For every case in scripts/gen-ipset-fixtures.cases.mjs the input is fed to `ipset restore`
// (with -exist when the case asks) in a fresh throw-away network namespace, and the result is
// captured with
// `ipset save`, `ipset list` and `ipset list -t`. Every invalid input is checked to be refused,
// and ipset's message is recorded. A last fixture lists every ICMP/ICMPv6 type/code pair that has
// a name, as `ipset save` prints it.
//
// Needs root, iproute2 and ipset 7.17. Only namespaces named kpath-h3-<pid>-<n> are created, and
// each is deleted before the next one is made. The root namespace is never touched.
//
// Usage: node scripts/gen-ipset-fixtures.mjs
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CASES, INVALID } from './gen-ipset-fixtures.cases.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'src/core/ipset/testdata')
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

/** Run `fn(ns)` inside a fresh namespace that is deleted afterwards, whatever happens. */
function inNamespace(fn) {
  const ns = `kpath-h3-${process.pid}-${++counter}`
  must(['ip', 'netns', 'add', ns])
  try {
    return fn((argv, stdin) => run(['ip', 'netns', 'exec', ns, ...argv], stdin))
  } finally {
    run(['ip', 'netns', 'del', ns])
  }
}

function capture(c) {
  return inNamespace((x) => {
    const r = x(['ipset', 'restore', ...(c.exist ? ['-exist'] : [])], c.input)
    if (r.code !== 0) throw new Error(`case ${c.name}: ipset restore failed: ${r.stderr}`)
    const save = x(['ipset', 'save'])
    const list = x(['ipset', 'list'])
    const terse = x(['ipset', 'list', '-t'])
    return {
      name: c.name,
      exist: c.exist === true,
      input: c.input,
      save: save.stdout,
      list: list.stdout,
      terse: terse.stdout,
    }
  })
}

function refusal([name, input, exist]) {
  return inNamespace((x) => {
    const r = x(['ipset', 'restore', ...(exist ? ['-exist'] : [])], input)
    if (r.code === 0) throw new Error(`invalid case ${name} was accepted by ipset`)
    return { name, exist: exist === true, input, message: r.stderr.trim() }
  })
}

/** Every type/code pair in one set per family; the named ones are kept. */
function icmpNames() {
  return inNamespace((x) => {
    const lines = [
      'create s4 hash:ip,port maxelem 70000 hashsize 65536',
      'create s6 hash:ip,port family inet6 maxelem 70000 hashsize 65536',
    ]
    for (let t = 0; t < 256; t++) {
      for (let c = 0; c < 256; c++)
        lines.push(`add s4 1.1.1.1,icmp:${t}/${c}`, `add s6 ::1,icmpv6:${t}/${c}`)
    }
    const r = x(['ipset', 'restore'], `${lines.join('\n')}\n`)
    if (r.code !== 0) throw new Error(`icmp enumeration failed: ${r.stderr}`)
    return x(['ipset', 'save'])
      .stdout.split('\n')
      .filter((l) => l.startsWith('add ') && !/\d+\/\d+$/.test(l))
  })
}

if (process.getuid?.() !== 0) {
  console.error('gen-ipset-fixtures: needs root (network namespaces)')
  process.exit(1)
}
const version = must(['ipset', 'version']).trim()
mkdirSync(OUT, { recursive: true })
const fixtures = {
  tool: version,
  kernel: must(['uname', '-r']).trim(),
  cases: CASES.map(capture),
  invalid: INVALID.map(refusal),
  icmp: icmpNames(),
}
writeFileSync(join(OUT, 'ipset-fixtures.json'), `${JSON.stringify(fixtures, null, 2)}\n`)
console.log(
  `wrote ${fixtures.cases.length} cases, ${fixtures.invalid.length} refusals, ${fixtures.icmp.length} icmp names (${version})`,
)
