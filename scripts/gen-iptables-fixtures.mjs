#!/usr/bin/env node
// Regenerates src/core/netfilter/iptables-save/testdata/ from the REAL tools (iptables 1.8.9).
//
// For every case of scripts/gen-iptables-fixtures.cases.mjs and for each backend (legacy, nft):
// create a fresh network namespace named kpath-h1-<pid>-<n>, create the ipsets and nfacct
// objects the case needs, load the input with iptables-<backend>-restore (ip6tables-… for IPv6;
// --counters when the case keeps counters), print it with iptables-<backend>-save (-c), drop the
// `# Generated`/`# Completed`/`# Warning` lines (they carry dates and host state) and write
// `<name>.<backend>.expected`. A refused input writes `<name>.<backend>.error` with the tool's
// message instead. The root namespace is never touched; every namespace is deleted afterwards.
//
// Needs root, iproute2, iptables 1.8.9 (legacy and nft), ipset and python3 (to create nfacct
// objects over netlink, as the nfacct tool is not installed).
//
// Usage: node scripts/gen-iptables-fixtures.mjs [case-name ...]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CASES } from './gen-iptables-fixtures.cases.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'src/core/netfilter/iptables-save/testdata')
let counter = 0

/** Creates nfacct accounting objects (NFNL_SUBSYS_ACCT / NFNL_MSG_ACCT_NEW) in the current netns. */
const NFACCT_PY = `
import socket, struct, sys
for name in sys.argv[1:]:
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)
    n = name.encode() + b'\\0'
    attr = struct.pack('HH', 4 + len(n), 1) + n
    attr += b'\\0' * ((4 - len(attr) % 4) % 4)
    body = struct.pack('BBH', 0, 0, 0) + attr
    s.sendto(struct.pack('IHHII', 16 + len(body), 7 << 8, 0x405, 1, 0) + body, (0, 0))
    err = struct.unpack('i', s.recv(4096)[16:20])[0]
    if err != 0: sys.exit('nfacct %s: error %d' % (name, err))
`

function run(argv, stdin) {
  const r = spawnSync(argv[0], argv.slice(1), { input: stdin ?? '', encoding: 'utf8' })
  if (r.error) throw r.error
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

function must(argv, stdin) {
  const r = run(argv, stdin)
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`)
  return r
}

function tool(family, backend, verb) {
  return `${family === 6 ? 'ip6tables' : 'iptables'}-${backend}-${verb}`
}

function strip(text) {
  return text
    .split('\n')
    .filter(
      (l) =>
        !l.startsWith('# Generated') && !l.startsWith('# Completed') && !l.startsWith('# Warning'),
    )
    .join('\n')
}

/** Load one case with one backend in its own namespace. */
function runCase(c, backend) {
  const ns = `kpath-h1-${process.pid}-${++counter}`
  must(['ip', 'netns', 'add', ns])
  try {
    const inNs = (argv, stdin) => run(['ip', 'netns', 'exec', ns, ...argv], stdin)
    for (const set of c.ipsets ?? []) {
      const [name, type, family] = set.split(' ')
      const r = inNs(['ipset', 'create', name, type, 'family', family])
      if (r.code !== 0) throw new Error(`ipset create ${set}: ${r.stderr}`)
    }
    if (c.nfacct?.length) {
      const r = inNs(['python3', '-c', NFACCT_PY, ...c.nfacct])
      if (r.code !== 0) throw new Error(`nfacct: ${r.stderr}`)
    }
    const restore = inNs(
      [tool(c.family, backend, 'restore'), ...(c.counters ? ['--counters'] : [])],
      c.input,
    )
    if (restore.code !== 0) return { ok: false, error: `exit ${restore.code}\n${restore.stderr}` }
    const save = inNs([tool(c.family, backend, 'save'), ...(c.counters ? ['-c'] : [])])
    if (save.code !== 0) throw new Error(`${tool(c.family, backend, 'save')}: ${save.stderr}`)
    return { ok: true, expected: strip(save.stdout) }
  } finally {
    run(['ip', 'netns', 'del', ns])
  }
}

function version(argv) {
  return run(argv).stdout.trim().split('\n')[0] ?? ''
}

function main() {
  if (process.getuid?.() !== 0) throw new Error('needs root (network namespaces)')
  const only = new Set(process.argv.slice(2))
  mkdirSync(OUT, { recursive: true })
  const manifest = []
  for (const c of CASES) {
    if (only.size > 0 && !only.has(c.name)) continue
    writeFileSync(join(OUT, `${c.name}.input`), c.input)
    const entry = {
      name: c.name,
      family: c.family,
      counters: c.counters ?? false,
      error: c.error ?? false,
    }
    for (const backend of ['legacy', 'nft']) {
      const r = runCase(c, backend)
      for (const ext of ['expected', 'error']) {
        const f = join(OUT, `${c.name}.${backend}.${ext}`)
        if (existsSync(f)) rmSync(f)
      }
      if (r.ok) writeFileSync(join(OUT, `${c.name}.${backend}.expected`), r.expected)
      else writeFileSync(join(OUT, `${c.name}.${backend}.error`), r.error)
      entry[backend] = r.ok ? 'ok' : 'error'
      const flag = r.ok === !c.error ? 'ok' : 'UNEXPECTED'
      console.log(
        `${flag.padEnd(10)} ${c.name} ${backend}${r.ok ? '' : `: ${r.error.split('\n')[1] ?? ''}`}`,
      )
    }
    manifest.push(entry)
  }
  if (only.size === 0) {
    const versions = {
      legacy: version(['iptables-legacy', '--version']),
      nft: version(['iptables-nft', '--version']),
      ipset: version(['ipset', '--version']),
    }
    writeFileSync(
      join(OUT, 'cases.json'),
      `${JSON.stringify({ versions, cases: manifest }, null, 2)}\n`,
    )
  }
}

main()
