/**
 * Regenerates src/core/dump/testdata/: node dumps written BY `kpath collect`'s script, run inside
 * real namespaces built from kpath examples (one per CNI model). Every namespace of the
 * assembled cluster is built for real (cluster/testing/lab.ts `labPlan`, as the cluster live test
 * does; names `kpath-d7-<pid>-<n>`), each node gets its ipsets (`ipset restore`) and its rules
 * (`iptables-restore`, the machine's default variant, as kube-proxy would; `nft -f` for
 * kube-proxy's nftables mode), then the collect script runs in the node's namespace with the
 * node's name as hostname (in a private UTS namespace: `unshare -u`). The namespaces are deleted
 * afterwards. Nothing runs in the root network namespace.
 *
 * Run as root: npx tsx scripts/capture-dumps.ts
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assembleCluster } from '../src/core/cluster/index.js'
import { labPlan } from '../src/core/cluster/testing/lab.js'
import { collectScript } from '../src/core/dump/collect-script.js'
import { printIpsetSave } from '../src/core/ipset/index.js'
import { loadCluster } from '../src/core/kube/load/index.js'
import { printIptablesSave } from '../src/core/netfilter/iptables-save/index.js'
import { printNftRuleset } from '../src/core/netfilter/nft/index.js'
import { DUMP_CASES } from '../test/support/dump-fixtures.js'

const ROOT = new URL('..', import.meta.url).pathname
const OUT = join(ROOT, 'src/core/dump/testdata')

/** Run one lab command; returns `keep` (the namespace a create made, to delete it later). */
function run(argv: readonly string[], keep = ''): string {
  const [cmd = '', ...args] = argv
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] })
  return keep
}

/**
 * kube-proxy creates its nfacct counter (`ct_state_invalid_dropped_pkts`) before it restores
 * the rule using it; without the nfacct tool here, one NFNL_MSG_ACCT_NEW message over
 * NETLINK_NETFILTER does the same (subsystem 7, attribute NFACCT_NAME), inside the namespace.
 */
const NFACCT_NEW = `import socket, struct, sys
name = sys.argv[1].encode() + b'\\0'
attr = struct.pack('HH', 4 + len(name), 1) + name
attr += b'\\0' * ((4 - len(attr) % 4) % 4)
body = struct.pack('BBH', 0, 0, 0) + attr
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)
s.send(struct.pack('IHHII', 16 + len(body), 7 << 8, 1 | 4 | 0x400, 1, 0) + body)
sys.exit(0 if struct.unpack('i', s.recv(4096)[16:20])[0] == 0 else 1)`

function nfacctNames(rules: string): string[] {
  return [...new Set([...rules.matchAll(/--nfacct-name +(\S+)/g)].map((m) => m[1] ?? ''))]
}

function inNs(ns: string, argv: readonly string[], stdin?: string): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...argv], {
    input: stdin ?? '',
    encoding: 'utf8',
  })
}

async function capture(c: (typeof DUMP_CASES)[number], n: number): Promise<void> {
  const text = readFileSync(join(ROOT, c.example), 'utf8')
  const state = assembleCluster(loadCluster([{ file: c.example, text }]))
  const plan = labPlan(
    state.namespaces,
    (name) =>
      `kpath-d7-${process.pid}-${n}-${[...state.namespaces.map((x) => x.name)].indexOf(name)}`,
  )
  const made: string[] = []
  const script = join(mkdtempSync(join(tmpdir(), 'kpath-collect-')), 'collect.sh')
  writeFileSync(script, collectScript())
  try {
    for (const argv of plan.create) made.push(run(argv, argv[3] ?? ''))
    for (const argv of plan.setup) run(argv)
    for (const s of state.namespaces) {
      if (s.role?.kind !== 'node') continue
      const ns = plan.names.get(s.name) ?? ''
      if (s.ipsets.length > 0) inNs(ns, ['ipset', 'restore'], printIpsetSave(s.ipsets))
      const v4 = s.iptables.ipv4 ? printIptablesSave(s.iptables.ipv4) : undefined
      for (const name of nfacctNames(v4 ?? '')) inNs(ns, ['python3', '-c', NFACCT_NEW, name])
      if (v4 !== undefined) inNs(ns, ['iptables-restore'], v4)
      if (s.iptables.ipv6) inNs(ns, ['ip6tables-restore'], printIptablesSave(s.iptables.ipv6))
      // kube-proxy in nftables mode: its tables, as `nft -f` loads them.
      if (s.nftables) inNs(ns, ['nft', '-f', '-'], printNftRuleset(s.nftables))
      const tmp = mkdtempSync(join(tmpdir(), 'kpath-dump-'))
      const dir = join(tmp, 'dump')
      inNs(ns, [
        'unshare',
        '-u',
        'sh',
        '-c',
        'hostname "$1" && sh "$2" "$3"',
        'sh',
        s.role.node,
        script,
        dir,
      ])
      const dest = join(OUT, c.name, s.role.node)
      rmSync(dest, { recursive: true, force: true })
      mkdirSync(dest, { recursive: true })
      cpSync(dir, dest, { recursive: true })
      rmSync(tmp, { recursive: true, force: true })
      process.stdout.write(`${c.name}/${s.role.node}: captured in ${ns}\n`)
    }
  } finally {
    for (const ns of made) execFileSync('ip', ['netns', 'del', ns])
  }
}

if (process.getuid?.() !== 0) throw new Error('run as root: network namespaces need CAP_SYS_ADMIN')
const only = process.argv[2]
for (const [n, c] of DUMP_CASES.entries())
  if (only === undefined || only === c.name) await capture(c, n)
