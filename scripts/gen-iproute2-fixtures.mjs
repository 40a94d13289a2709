#!/usr/bin/env node
// Regenerates src/core/iproute2/testdata/ and src/core/sysctl/testdata/ from the REAL tools
// (iproute2 `ip` and `bridge` 6.1, procps `sysctl`).
//
// It builds a small node in throw-away namespaces: a `node` namespace with a veth to `ext`, a
// bridge (cni0) with two pod veths (one in hairpin mode), a flannel-style VXLAN with static
// FDB/neighbour entries and onlink routes, a multicast VXLAN, a TUN device, a macvlan, a
// bridge left down, v4 and v6 addresses (secondary, labelled, peer), routes of every type in
// several tables (via, onlink, src, metric, proto bird/static/numeric, mtu, tos, multipath,
// blackhole, unreachable, prohibit, throw, local), policy rules (fwmark, from/to, iif/oif,
// not, tos, blackhole/unreachable/prohibit, goto, nop, suppress_prefixlength) and neighbours
// (permanent, noarp, stale, router, proxy). Every listing format kpath reads or prints is
// captured, plus `ip route get` for a set of destinations and `sysctl -a` (net.* lines) of the
// node and of a fresh namespace, and (read only) the root namespace's values of the sysctls a
// new namespace inherits. The model-built lab is scripts/gen-iproute2-fixtures.lab.ts.
//
// MAC addresses are pinned with `address`, and IPv6 DAD is switched off in the node before any
// link exists, so link-local addresses are the EUI-64 of the pinned MACs and never tentative.
// Bridge timers, learned FDB entries and neighbour states depend on timing: the tests only
// round-trip them.
//
// Needs root and iproute2. Only namespaces named kpath-h11-<pid>-<name> are created; they are
// deleted at the end, whatever happens. The root namespace is never touched: every command
// runs as `ip -n NS …`, `bridge -n NS …` or `ip netns exec NS …`.
//
// Usage: node scripts/gen-iproute2-fixtures.mjs
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'src/core/iproute2/testdata')
const SYSCTL_OUT = join(ROOT, 'src/core/sysctl/testdata')
const NS = (name) => `kpath-h11-${process.pid}-${name}`
const NODE = NS('node')
const created = []

function run(argv, stdin) {
  const r = spawnSync(argv[0], argv.slice(1), { input: stdin ?? '', encoding: 'utf8' })
  if (r.error) throw r.error
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

function must(argv, stdin) {
  const r = run(argv, stdin)
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr}`)
  return r.stdout
}

function addNs(name) {
  const ns = NS(name)
  must(['ip', 'netns', 'add', ns])
  created.push(ns)
  return ns
}

/**
 * `ip -n NS -batch -`: one command per line, all in the namespace. Batch lines cannot carry
 * `-6`, so lines written `-6 …` go to a second batch run as `ip -6`.
 */
function ipBatch(ns, lines) {
  const v6 = lines.filter((l) => l.startsWith('-6 ')).map((l) => l.slice(3))
  const v4 = lines.filter((l) => !l.startsWith('-6 '))
  if (v4.length) must(['ip', '-n', ns, '-batch', '-'], `${v4.join('\n')}\n`)
  if (v6.length) must(['ip', '-6', '-n', ns, '-batch', '-'], `${v6.join('\n')}\n`)
}

function sysctls(ns, settings) {
  for (const s of settings) must(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', s])
}

/** `sysctl -a` of a namespace, net.* lines only (kernel.*, vm.* … are not per namespace). */
function netSysctls(ns) {
  const out = must(['ip', 'netns', 'exec', ns, 'sysctl', '-a'])
  return `${out
    .split('\n')
    .filter((l) => l.startsWith('net.'))
    .join('\n')}\n`
}

function buildNode() {
  const ext = addNs('ext')
  const pod1 = addNs('pod1')
  const pod2 = addNs('pod2')
  addNs('node')
  sysctls(NODE, [
    'net.ipv4.ip_forward=1',
    'net.ipv4.conf.all.rp_filter=0',
    'net.ipv4.conf.default.rp_filter=2',
    'net.ipv4.conf.all.route_localnet=1',
    'net.ipv6.conf.all.accept_dad=0',
    'net.ipv6.conf.default.accept_dad=0',
    'net.ipv6.conf.all.forwarding=1',
    'net.bridge.bridge-nf-call-iptables=1',
  ])
  for (const pod of [pod1, pod2]) {
    sysctls(pod, ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'])
  }
  sysctls(ext, ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'])
  ipBatch(NODE, [
    'link set lo up',
    `link add eth0 address 02:42:c0:a8:32:32 type veth peer name eth0 address 02:42:c0:a8:32:01 netns ${ext}`,
    'link add cni0 address 02:42:0a:f4:00:01 type bridge',
    `link add veth-p1 address 02:42:0a:f4:00:a1 type veth peer name eth0 address 02:42:0a:f4:00:02 netns ${pod1}`,
    `link add veth-p2 address 02:42:0a:f4:00:a2 type veth peer name eth0 address 02:42:0a:f4:00:03 netns ${pod2}`,
    'link set veth-p1 master cni0',
    'link set veth-p2 master cni0',
    'link set veth-p1 type bridge_slave hairpin on',
    'link set veth-p2 type bridge_slave learning off flood off',
    'link add flannel.1 address 0e:00:00:00:00:01 type vxlan id 1 local 192.168.50.50 dev eth0 dstport 8472 nolearning',
    'link set flannel.1 mtu 1450',
    'tuntap add mode tun name flannel0',
    'link add mv0 link eth0 address 02:42:c0:a8:32:3c type macvlan mode bridge',
    'link add vx42 address 0e:00:00:00:2a:01 type vxlan id 42 group 239.1.1.1 dev eth0 dstport 4789 ttl 8',
    'link add br-down address 02:42:0a:f5:00:01 type bridge',
    ...['eth0', 'cni0', 'veth-p1', 'veth-p2', 'flannel.1', 'flannel0', 'mv0', 'vx42'].map(
      (l) => `link set ${l} up`,
    ),
  ])
  for (const [pod, ip] of [
    [pod1, '10.244.0.2'],
    [pod2, '10.244.0.3'],
  ]) {
    ipBatch(pod, [
      'link set lo up',
      'link set eth0 up',
      `addr add ${ip}/24 brd + dev eth0`,
      'route add default via 10.244.0.1 dev eth0',
    ])
  }
  ipBatch(ext, [
    'link set lo up',
    'link set eth0 up',
    'addr add 192.168.50.1/24 brd + dev eth0',
    'addr add fd00::1/64 dev eth0',
  ])
  ipBatch(NODE, [
    'addr add 192.168.50.50/24 brd + dev eth0',
    'addr add 192.168.50.60/24 dev eth0',
    'addr add 192.168.50.70/24 dev eth0 label eth0:1',
    'addr add 10.244.0.1/24 brd + dev cni0',
    'addr add 10.244.0.0/32 dev flannel.1',
    'addr add 10.245.0.0 peer 10.245.0.1/32 dev flannel0',
    'addr add 192.168.100.1/32 dev lo scope host',
    'addr add fd00::50/64 dev eth0',
    'addr add fd00:244::1/64 dev cni0',
    'addr add 2001:db8::1/128 dev lo',
    'route add default via 192.168.50.1 dev eth0 proto static metric 100',
    'route add 10.2.0.0/24 via 192.168.50.2 dev eth0 proto bird',
    'route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink',
    'route add 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
    'route add blackhole 10.3.0.0/24',
    'route add unreachable 10.4.0.0/24 metric 5',
    'route add prohibit 10.7.0.0/24',
    'route add 10.5.0.0/24 nexthop via 192.168.50.3 weight 1 nexthop via 192.168.50.4 weight 2',
    'route add 10.6.0.0/24 dev eth0 src 192.168.50.50 table 100',
    'route add throw 10.8.0.0/16 table 100',
    'route add default via 192.168.50.254 dev eth0 table 200',
    'route add 10.9.0.0/24 via 192.168.50.9 dev eth0 mtu 1400',
    'route add 10.10.0.0/24 dev cni0 scope link proto 42',
    'route add 10.11.0.0/24 via 192.168.50.11 dev eth0 tos 0x10',
    'route add local 10.96.0.0/12 dev lo table local',
    '-6 route add default via fd00::1 dev eth0 metric 1024',
    '-6 route add blackhole 2001:db8:dead::/48',
    '-6 route add 2001:db8:1::/64 nexthop via fd00::3 dev eth0 weight 1 nexthop via fd00::4 dev eth0 weight 1',
    '-6 route add 2001:db8:2::/64 dev cni0 metric 10 table 100',
    '-6 route add unreachable 2001:db8:3::/64',
    'rule add fwmark 0x4000/0x4000 lookup 100 priority 100',
    'rule add not from 10.0.0.0/8 iif eth0 lookup main priority 200',
    'rule add from 10.244.0.0/16 to 10.96.0.0/12 lookup 200 priority 300',
    'rule add oif cni0 lookup 100 priority 400',
    'rule add tos 0x10 lookup 100 priority 500',
    'rule add fwmark 0x1 lookup 200 priority 600',
    'rule add from 192.168.0.0/16 blackhole priority 700',
    'rule add from 192.168.1.0/24 unreachable priority 701',
    'rule add from 192.168.2.0/24 prohibit priority 702',
    'rule add priority 800 goto 900',
    'rule add priority 900 nop',
    'rule add lookup main suppress_prefixlength 0 priority 1000',
    'rule add from 1.2.3.4 lookup 100 priority 1100',
    '-6 rule add from fd00::/64 lookup 100 priority 100',
    '-6 rule add fwmark 0x8000 lookup 200 priority 200',
    'neigh add 10.244.1.0 lladdr 0e:00:00:00:00:02 dev flannel.1 nud permanent',
    'neigh add 10.244.2.0 lladdr 0e:00:00:00:00:03 dev flannel.1 nud permanent',
    'neigh add 192.168.50.1 lladdr 02:42:c0:a8:32:01 dev eth0 nud noarp',
    'neigh add 192.168.50.2 lladdr 02:42:c0:a8:32:02 dev eth0 nud stale',
    'neigh add fd00::1 lladdr 02:42:c0:a8:32:01 dev eth0 nud permanent router',
    'neigh add proxy 192.168.50.99 dev eth0',
    'neigh add proxy fd00::99 dev eth0',
  ])
  must(
    ['bridge', '-n', NODE, '-batch', '-'],
    [
      'fdb append 0e:00:00:00:00:02 dev flannel.1 dst 192.168.50.51 self permanent',
      'fdb append 0e:00:00:00:00:03 dev flannel.1 dst 192.168.50.52 self permanent',
      'fdb append 00:00:00:00:00:00 dev flannel.1 dst 192.168.50.53 self permanent',
      'fdb add 02:42:0a:f4:00:99 dev veth-p1 master static',
      'fdb add 02:42:0a:f4:00:98 dev veth-p2 master permanent',
      '',
    ].join('\n'),
  )
}

/** The listings, by fixture file name. */
const LISTINGS = [
  ['link.json', ['ip', '-j', '-d', 'link']],
  ['link.txt', ['ip', '-d', 'link']],
  ['link-plain.json', ['ip', '-j', 'link']],
  ['link-plain.txt', ['ip', 'link']],
  ['addr.json', ['ip', '-j', 'addr']],
  ['addr-d.json', ['ip', '-j', '-d', 'addr']],
  ['addr.txt', ['ip', 'addr']],
  ['route.json', ['ip', '-j', 'route', 'show', 'table', 'all']],
  ['route.txt', ['ip', 'route', 'show', 'table', 'all']],
  ['route6.json', ['ip', '-j', '-6', 'route', 'show', 'table', 'all']],
  ['route6.txt', ['ip', '-6', 'route', 'show', 'table', 'all']],
  ['rule.json', ['ip', '-j', 'rule']],
  ['rule.txt', ['ip', 'rule']],
  ['rule6.json', ['ip', '-j', '-6', 'rule']],
  ['rule6.txt', ['ip', '-6', 'rule']],
  ['neigh.json', ['ip', '-j', 'neigh']],
  ['neigh.txt', ['ip', 'neigh']],
  ['neigh-proxy.json', ['ip', '-j', 'neigh', 'show', 'proxy']],
  ['neigh-proxy.txt', ['ip', 'neigh', 'show', 'proxy']],
  ['fdb.json', ['bridge', '-j', 'fdb']],
  ['fdb.txt', ['bridge', 'fdb']],
  ['brlink.json', ['bridge', '-j', 'link']],
  ['brlink.txt', ['bridge', 'link']],
  ['brlink-d.json', ['bridge', '-j', '-d', 'link']],
  ['brlink-d.txt', ['bridge', '-d', 'link']],
]

/** `ip route get` arguments: unicast, gateway, onlink, multipath, local, broadcast, marks, v6, errors. */
const ROUTE_GETS = [
  ['192.168.50.1'],
  ['10.2.0.9'],
  ['10.244.1.5'],
  ['10.5.0.1'],
  ['192.168.50.50'],
  ['127.0.0.1'],
  ['192.168.50.255'],
  ['10.244.0.2'],
  ['8.8.8.8'],
  ['10.6.0.1', 'mark', '0x4000'],
  ['10.6.0.1', 'from', '192.168.50.50', 'mark', '0x4000'],
  ['10.3.0.1'],
  ['10.4.0.1'],
  ['10.7.0.1'],
  ['10.96.0.10'],
  ['fd00::1'],
  ['2001:db8:2::1', 'mark', '0x4000'],
  ['::1'],
  ['2001:db8:dead::1'],
]

function captureListings(ns, prefix) {
  for (const [file, argv] of LISTINGS) {
    const [tool, ...rest] = argv
    const out = must([tool, '-n', ns, ...rest])
    writeFileSync(join(OUT, `${prefix}.${file}`), out)
  }
}

function captureRouteGets(ns) {
  const cases = []
  for (const args of ROUTE_GETS) {
    const text = run(['ip', '-n', ns, 'route', 'get', ...args])
    const json = run(['ip', '-n', ns, '-j', 'route', 'get', ...args])
    cases.push({
      args,
      code: text.code,
      stdout: text.stdout,
      stderr: text.stderr,
      json: json.stdout,
    })
  }
  writeFileSync(join(OUT, 'node.route-get.json'), `${JSON.stringify(cases, null, 2)}\n`)
}

/**
 * The root namespace's values of the sysctls a new namespace inherits (IPv4 conf.all and
 * conf.default, devconf_inherit_init_net 0): read only, with `sysctl NAME`.
 */
const INHERITED = [
  'rp_filter',
  'proxy_arp',
  'arp_ignore',
  'arp_announce',
  'route_localnet',
  'accept_local',
  'forwarding',
]
function captureRootInherited() {
  const names = [
    'net.core.devconf_inherit_init_net',
    'net.ipv4.ip_forward',
    ...['all', 'default'].flatMap((s) => INHERITED.map((k) => `net.ipv4.conf.${s}.${k}`)),
  ]
  writeFileSync(join(SYSCTL_OUT, 'root-inherited.sysctl.txt'), must(['sysctl', ...names]))
}

/** A namespace nothing was done to, then the per-interface conf a new link gets in it. */
function captureFresh() {
  const fresh = addNs('fresh')
  captureListings(fresh, 'fresh')
  writeFileSync(join(SYSCTL_OUT, 'fresh.sysctl.txt'), netSysctls(fresh))
  ipBatch(fresh, ['link add veth0 type veth peer name veth1', 'link add br0 type bridge'])
  writeFileSync(join(SYSCTL_OUT, 'fresh-links.sysctl.txt'), netSysctls(fresh))
}

function cleanup() {
  for (const ns of created.reverse()) run(['ip', 'netns', 'del', ns])
}

if (process.getuid?.() !== 0) {
  console.error('gen-iproute2-fixtures: needs root (network namespaces)')
  process.exit(1)
}
mkdirSync(OUT, { recursive: true })
mkdirSync(SYSCTL_OUT, { recursive: true })
try {
  captureRootInherited()
  captureFresh()
  buildNode()
  // Let the kernel finish what link-up starts (IPv6 link-locals, multicast joins).
  await new Promise((r) => setTimeout(r, 1500))
  captureListings(NODE, 'node')
  captureRouteGets(NODE)
  writeFileSync(join(SYSCTL_OUT, 'node.sysctl.txt'), netSysctls(NODE))
  writeFileSync(join(OUT, 'node.netns-ids.txt'), must(['ip', '-n', NODE, 'netns', 'list-id']))
  const versions = [
    must(['ip', '-V']).trim(),
    must(['bridge', '-V']).trim(),
    must(['sysctl', '--version']).trim(),
    `kernel ${must(['uname', '-r']).trim()}`,
    `namespaces kpath-h11-${process.pid}-*`,
  ]
  writeFileSync(join(OUT, 'versions.txt'), `${versions.join('\n')}\n`)
  writeFileSync(join(SYSCTL_OUT, 'versions.txt'), `${versions.join('\n')}\n`)
  console.log(`wrote ${LISTINGS.length * 2 + 2} listings and ${ROUTE_GETS.length} route gets`)
} finally {
  cleanup()
}
