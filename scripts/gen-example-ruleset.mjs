// Regenerate examples/iptables/kube-proxy-node.rules: a kube-proxy (~v1.33, iptables mode)
// node ruleset for a small cluster, written as kube-proxy writes its restore payload, then
// loaded into real iptables-legacy in a scratch network namespace and printed by
// iptables-legacy-save, so the example is exactly what a node shows. Needs root.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'

const b32 = (buf) => {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0,
    value = 0,
    out = ''
  for (const byte of buf) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += a[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return out
}
const h16 = (s) => b32(createHash('sha256').update(s).digest()).slice(0, 16)

const clusterCIDR = '10.244.0.0/16'
const services = [
  {
    ns: 'default',
    name: 'kubernetes',
    port: 'https',
    proto: 'tcp',
    ip: '10.96.0.1',
    svcPort: 443,
    eps: [['192.168.49.2', 8443]],
  },
  {
    ns: 'kube-system',
    name: 'kube-dns',
    port: 'dns',
    proto: 'udp',
    ip: '10.96.0.10',
    svcPort: 53,
    eps: [
      ['10.244.0.2', 53],
      ['10.244.0.3', 53],
    ],
  },
  {
    ns: 'kube-system',
    name: 'kube-dns',
    port: 'dns-tcp',
    proto: 'tcp',
    ip: '10.96.0.10',
    svcPort: 53,
    eps: [
      ['10.244.0.2', 53],
      ['10.244.0.3', 53],
    ],
  },
  {
    ns: 'default',
    name: 'web',
    port: 'http',
    proto: 'tcp',
    ip: '10.96.100.50',
    svcPort: 80,
    nodePort: 30080,
    eps: [
      ['10.244.1.5', 8080],
      ['10.244.1.6', 8080],
      ['10.244.2.7', 8080],
    ],
  },
  {
    ns: 'default',
    name: 'empty',
    port: 'http',
    proto: 'tcp',
    ip: '10.96.200.7',
    svcPort: 80,
    eps: [],
  },
]

const filter = [
  '*filter',
  ':INPUT ACCEPT [0:0]',
  ':FORWARD ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':KUBE-EXTERNAL-SERVICES - [0:0]',
  ':KUBE-FIREWALL - [0:0]',
  ':KUBE-FORWARD - [0:0]',
  ':KUBE-NODEPORTS - [0:0]',
  ':KUBE-PROXY-FIREWALL - [0:0]',
  ':KUBE-SERVICES - [0:0]',
  '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
  '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
  '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
  '-A INPUT -j KUBE-FIREWALL',
  '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
  '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
  '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
  '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
  '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A OUTPUT -j KUBE-FIREWALL',
  '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
  '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
  '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
  '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
]
const nat = [
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':INPUT ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':POSTROUTING ACCEPT [0:0]',
  ':KUBE-MARK-MASQ - [0:0]',
  ':KUBE-NODEPORTS - [0:0]',
  ':KUBE-POSTROUTING - [0:0]',
  ':KUBE-SERVICES - [0:0]',
  '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
  '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
  '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
  '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
  '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
]
const natServices = [],
  natNodePorts = [],
  natChains = []
for (const s of services) {
  const spn = `${s.ns}/${s.name}:${s.port}`
  const h = h16(spn + s.proto)
  const p = `-p ${s.proto} -m ${s.proto}`
  if (s.eps.length === 0) {
    filter.push(
      `-A KUBE-SERVICES -d ${s.ip}/32 ${p} --dport ${s.svcPort} -m comment --comment "${spn} has no endpoints" -j REJECT`,
    )
    continue
  }
  natChains.push(`:KUBE-SVC-${h} - [0:0]`)
  natServices.push(
    `-A KUBE-SERVICES -m comment --comment "${spn} cluster IP" -m ${s.proto} -p ${s.proto} -d ${s.ip} --dport ${s.svcPort} -j KUBE-SVC-${h}`,
  )
  const svc = [
    `-A KUBE-SVC-${h} -m comment --comment "${spn} cluster IP" -m ${s.proto} -p ${s.proto} -d ${s.ip} --dport ${s.svcPort} ! -s ${clusterCIDR} -j KUBE-MARK-MASQ`,
  ]
  if (s.nodePort) {
    natChains.push(`:KUBE-EXT-${h} - [0:0]`)
    natNodePorts.push(
      `-A KUBE-NODEPORTS -m comment --comment ${spn} -m ${s.proto} -p ${s.proto} --dport ${s.nodePort} -j KUBE-EXT-${h}`,
    )
    nat.push(
      `-A KUBE-EXT-${h} -m comment --comment "masquerade traffic for ${spn} external destinations" -j KUBE-MARK-MASQ`,
      `-A KUBE-EXT-${h} -j KUBE-SVC-${h}`,
    )
  }
  s.eps.forEach(([ip, port], i) => {
    const ep = `${ip}:${port}`
    const sep = `KUBE-SEP-${h16(spn + s.proto + ep)}`
    natChains.push(`:${sep} - [0:0]`)
    const left = s.eps.length - i
    const prob =
      left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : ''
    svc.push(`-A KUBE-SVC-${h} -m comment --comment "${spn} -> ${ep}"${prob} -j ${sep}`)
    nat.push(
      `-A ${sep} -m comment --comment ${spn} -s ${ip} -j KUBE-MARK-MASQ`,
      `-A ${sep} -m comment --comment ${spn} -m ${s.proto} -p ${s.proto} -j DNAT --to-destination ${ep}`,
    )
  })
  nat.push(...svc)
}
nat.splice(9, 0, ...natChains)
nat.push(
  ...natNodePorts,
  ...natServices,
  '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  'COMMIT',
)
filter.push('COMMIT')
const payload = `${filter.join('\n')}\n${nat.join('\n')}\n`

const ns = `kpath-example-${process.pid}`
execFileSync('ip', ['netns', 'add', ns])
try {
  execFileSync('ip', ['netns', 'exec', ns, 'iptables-legacy-restore'], { input: payload })
  const saved = execFileSync('ip', ['netns', 'exec', ns, 'iptables-legacy-save'], {
    encoding: 'utf8',
  })
  writeFileSync(new URL('../examples/iptables/kube-proxy-node.rules', import.meta.url), saved)
  writeFileSync(new URL('../examples/iptables/kube-proxy-node.restore', import.meta.url), payload)
  console.log(saved)
} finally {
  execFileSync('ip', ['netns', 'del', ns])
}
