/**
 * @module core/testing/diff/gen-case
 * A whole random case from a seed: a ruleset (general, or kube-proxy-shaped one time in three),
 * routes (unicast via a gateway or a device, blackhole, unreachable, prohibit; main and two
 * extra tables), policy rules (from, to, iif, fwmark, not; lookup and reject actions), the
 * router's sysctls (ip_forward, rp_filter 0/1/2 globally and on r0, route_localnet,
 * accept_local) and one packet from the client (TCP with various flags, UDP or ICMP echo; to the
 * router, to a host behind it, to a remote or a Service address; now and then a spoofed or
 * martian source or a TTL of 1); one case in three leaves conntrack to the case's own rules
 * (guard.ts).
 */
import type { PolicyRule, Route } from '../../model/netns.js'
import { Rng } from '../../route/testing/rng.js'
import type { CasePacket, DiffCase } from './case.js'
import { completeTables } from './case.js'
import { type KubeTarget, kubeRuleset } from './gen-kube.js'
import { destinationPool, generalRuleset, PORTS } from './gen-rules.js'
import { REMOTE_ADDRS, SUBNET_HOSTS } from './topology.js'

const ROUTE_DSTS = [
  'default',
  '172.16.0.0/16',
  '172.16.1.0/24',
  '192.168.0.0/16',
  '8.8.8.8/32',
  '10.96.0.0/16',
  '10.2.0.0/25',
  '10.3.0.4/32',
  '10.1.0.3/32',
]

function randomRoute(rng: Rng): Route {
  const table = rng.pick([254, 254, 254, 100, 200])
  const dst = rng.pick(ROUTE_DSTS)
  const metric = rng.chance(0.3) ? { metric: 10 + rng.int(3) * 10 } : {}
  const roll = rng.int(20)
  if (roll < 2) return { family: 4, table, type: 'blackhole', dst, ...metric }
  if (roll < 4) return { family: 4, table, type: 'unreachable', dst, ...metric }
  if (roll < 5) return { family: 4, table, type: 'prohibit', dst, ...metric }
  const iface = rng.pick(['r0', 'r1', 'r2'] as const)
  if (rng.chance(0.7)) {
    const via = rng.pick(SUBNET_HOSTS[iface].slice(1))
    return { family: 4, table, type: 'unicast', dst, via, dev: iface, ...metric }
  }
  return { family: 4, table, type: 'unicast', dst, dev: iface, ...metric }
}

function randomRoutes(rng: Rng): Route[] {
  const out: Route[] = []
  const n = rng.int(5)
  for (let i = 0; i < n; i++) {
    const r = randomRoute(rng)
    // One route per (table, prefix, metric): `ip route add` refuses a second one.
    if (!out.some((o) => o.table === r.table && o.dst === r.dst && o.metric === r.metric))
      out.push(r)
  }
  return out
}

function randomPolicyRule(rng: Rng, priority: number): PolicyRule {
  const base = { family: 4 as const, priority }
  const selector = rng.pick<Partial<PolicyRule>>([
    { from: '10.1.0.0/24' },
    { from: '10.1.0.2/32' },
    { to: '172.16.0.0/16' },
    { to: '8.8.8.8/32' },
    { iif: 'r0' },
    { fwmark: { value: 1, mask: 1 } },
    { fwmark: { value: 0x4000, mask: 0x4000 } },
    { not: true, from: '10.1.0.2/32' },
  ])
  const roll = rng.int(10)
  if (roll < 1) return { ...base, ...selector, action: 'blackhole' }
  if (roll < 2)
    return { ...base, ...selector, action: rng.pick(['unreachable', 'prohibit'] as const) }
  return { ...base, ...selector, table: rng.pick([100, 200, 254]) }
}

function randomPolicyRules(rng: Rng): PolicyRule[] {
  if (!rng.chance(0.35)) return []
  const n = 1 + rng.int(2)
  return Array.from({ length: n }, (_, i) => randomPolicyRule(rng, 100 + i * 100 + rng.int(50)))
}

/** The router's sysctls under test; every key is written for every case. */
function randomSysctls(rng: Rng): Record<string, string> {
  const out: Record<string, string> = {
    'net.ipv4.ip_forward': rng.chance(0.1) ? '0' : '1',
    'net.ipv4.conf.all.rp_filter': rng.pick(['0', '0', '1', '2']),
    'net.ipv4.conf.all.route_localnet': rng.chance(0.1) ? '1' : '0',
    'net.ipv4.conf.all.accept_local': '0',
  }
  for (const iface of ['r0', 'r1', 'r2']) {
    out[`net.ipv4.conf.${iface}.rp_filter`] = iface === 'r0' ? rng.pick(['0', '0', '1', '2']) : '0'
    out[`net.ipv4.conf.${iface}.route_localnet`] = iface === 'r0' && rng.chance(0.1) ? '1' : '0'
    out[`net.ipv4.conf.${iface}.accept_local`] = iface === 'r0' && rng.chance(0.1) ? '1' : '0'
  }
  return out
}

function randomSource(rng: Rng): string {
  const roll = rng.int(20)
  if (roll < 12) return '10.1.0.2'
  if (roll < 15) return rng.pick(SUBNET_HOSTS.r0.slice(1))
  if (roll < 17) return rng.pick(['10.2.0.7', '172.16.0.9', '192.168.5.5'])
  if (roll < 18) return rng.pick(['10.1.0.1', '10.9.9.9']) // one of the router's own addresses
  if (roll < 19) return '127.0.0.1' // martian
  return rng.pick(['10.1.0.3', '10.3.0.9'])
}

function randomDestination(
  rng: Rng,
  targets: readonly KubeTarget[],
): { dst: string; port?: number; proto?: number } {
  if (targets.length > 0 && rng.chance(0.7)) {
    const t = rng.pick(targets)
    return { dst: t.ip, port: t.port, proto: t.proto === 'TCP' ? 6 : 17 }
  }
  if (rng.chance(0.04)) return { dst: rng.pick(['127.0.0.1', '10.1.0.255', '10.2.0.255']) }
  return { dst: rng.pick([...destinationPool(), ...REMOTE_ADDRS]) }
}

function tcpFlags(rng: Rng): CasePacket['tcpFlags'] {
  const roll = rng.int(20)
  if (roll < 15) return ['SYN']
  if (roll < 17) return ['ACK']
  if (roll < 18) return ['SYN', 'ACK']
  if (roll < 19) return ['RST']
  return ['FIN', 'ACK']
}

function randomPacket(rng: Rng, seed: number, targets: readonly KubeTarget[]): CasePacket {
  const d = randomDestination(rng, targets)
  const proto = d.proto ?? rng.pick([6, 6, 6, 17, 17, 1])
  const ttl = rng.chance(0.04) ? rng.pick([1, 2]) : 64
  const base = { src: randomSource(rng), dst: d.dst, proto, ttl, id: (seed % 65535) + 1 }
  if (proto === 1) return { ...base, icmpType: 8, icmpCode: 0, icmpId: 1 + rng.int(60000) }
  const sport = rng.pick([40000, 1000 + rng.int(60000), 53])
  const dport = d.port ?? rng.pick([...PORTS, 9000 + rng.int(5)])
  return { ...base, sport, dport, ...(proto === 6 ? { tcpFlags: tcpFlags(rng) } : {}) }
}

/** The case for a seed: the same seed always gives the same case. */
export function generateCase(seed: number): DiffCase {
  const rng = new Rng(seed)
  const kube = rng.chance(1 / 3)
  const k = kube ? kubeRuleset(rng) : undefined
  const ruleset = completeTables(k ? k.payload : generalRuleset(rng))
  return {
    seed,
    kind: kube ? 'kube-proxy' : 'general',
    ruleset,
    routes: randomRoutes(rng),
    rules: randomPolicyRules(rng),
    sysctls: randomSysctls(rng),
    packet: randomPacket(rng, seed, k?.targets ?? []),
    // One case in three without the conntrack keeper (guard.ts); decided by the seed alone so
    // that the random draws, and so every other part of a seed's case, stay as they were.
    ...(seed % 3 === 0 ? { keepConntrack: false } : {}),
  }
}
