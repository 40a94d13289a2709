/**
 * @module core/testing/diff/gen-rules
 * Random general rulesets for the router of the differential tests, from the matches and
 * targets the engine models: addresses and masks (negated too), interfaces with `+`, protocols,
 * ports and ranges, multiport, TCP flags, ICMP types, conntrack states, mark and connmark,
 * addrtype, comment, statistic (nth and random), and the targets DNAT, SNAT, MASQUERADE,
 * REDIRECT, MARK, CONNMARK, REJECT, ACCEPT, DROP, RETURN, jump and goto.
 *
 * Rules sit only in the chains a packet from the client crosses (PREROUTING, INPUT, FORWARD,
 * POSTROUTING), each user chain hangs under one built-in chain and only jumps forward (no
 * loops), and targets appear only in the tables and hooks the kernel accepts them in. The
 * router's OUTPUT chains stay empty: the packets the router itself sends (REJECT's answers,
 * ICMP errors, TCP resets) cross them, and the comparison leaves them out (see observe.ts).
 */
import type { BuiltinChain, TableName } from '../../netfilter/rule.js'
import type { Rng } from '../../route/testing/rng.js'
import { REMOTE_ADDRS, ROUTER_ADDRS, SUBNET_HOSTS } from './topology.js'

const PREFIXES = [
  '10.1.0.0/24',
  '10.1.0.2/32',
  '10.0.0.0/8',
  '10.2.0.0/16',
  '10.2.0.0/24',
  '10.3.0.4/31',
  '10.9.9.9/32',
  '172.16.0.0/12',
  '192.168.5.0/24',
  '10.96.0.0/16',
  '0.0.0.0/1',
  '10.0.0.0/255.0.255.0',
]

/** Ports the packets use, so that port matches hit as often as they miss. */
export const PORTS = [22, 53, 80, 443, 8080, 30080] as const

interface Slot {
  readonly table: TableName
  readonly chain: BuiltinChain
}

/** Where rules go, with the targets allowed there (besides ACCEPT/RETURN/jumps). */
const SLOTS: readonly Slot[] = [
  { table: 'raw', chain: 'PREROUTING' },
  { table: 'mangle', chain: 'PREROUTING' },
  { table: 'mangle', chain: 'INPUT' },
  { table: 'mangle', chain: 'FORWARD' },
  { table: 'mangle', chain: 'POSTROUTING' },
  { table: 'nat', chain: 'PREROUTING' },
  { table: 'nat', chain: 'INPUT' },
  { table: 'nat', chain: 'POSTROUTING' },
  { table: 'filter', chain: 'INPUT' },
  { table: 'filter', chain: 'FORWARD' },
]

const hasIn = (c: BuiltinChain) => c === 'PREROUTING' || c === 'INPUT' || c === 'FORWARD'
const hasOut = (c: BuiltinChain) => c === 'FORWARD' || c === 'POSTROUTING'

function neg(rng: Rng): string {
  return rng.chance(0.2) ? '! ' : ''
}

function portSpec(rng: Rng): string {
  const p = rng.pick(PORTS)
  if (rng.chance(0.2)) return `${p}:${p + rng.int(100)}`
  return String(p)
}

function protoMatches(rng: Rng, proto: string): string[] {
  const out: string[] = []
  if (proto === 'icmp') {
    if (rng.chance(0.5)) out.push(`-m icmp ${neg(rng)}--icmp-type ${rng.pick(['8', '0', '3/3'])}`)
    return out
  }
  const roll = rng.int(5)
  if (roll === 0) out.push(`-m ${proto} ${neg(rng)}--dport ${portSpec(rng)}`)
  else if (roll === 1)
    out.push(`-m ${proto} --sport ${rng.pick(['1024:65535', '40000', '0:1023'])}`)
  else if (roll === 2) {
    const ports = [rng.pick(PORTS), rng.pick(PORTS), rng.pick(PORTS)]
    out.push(`-m multiport ${neg(rng)}--dports ${[...new Set(ports)].join(',')}`)
  } else if (roll === 3 && proto === 'tcp')
    out.push(
      `-m tcp ${neg(rng)}--tcp-flags ${rng.pick(['SYN,ACK SYN', 'SYN,RST,ACK,FIN SYN', 'ACK ACK', 'RST RST'])}`,
    )
  return out
}

function extraMatches(rng: Rng, slot: Slot): string[] {
  const out: string[] = []
  if (rng.chance(0.2)) {
    const states = ['NEW', 'INVALID', 'ESTABLISHED', 'RELATED', 'UNTRACKED']
    if (slot.table !== 'raw') states.push('DNAT', 'SNAT')
    const a = rng.pick(states)
    const b = rng.pick(states)
    out.push(`-m conntrack ${neg(rng)}--ctstate ${a === b ? a : `${a},${b}`}`)
  }
  if (rng.chance(0.12))
    out.push(`-m mark ${neg(rng)}--mark ${rng.pick(['0x1', '0x1/0x1', '0x4000/0x4000', '0x0'])}`)
  if (rng.chance(0.08) && slot.table !== 'raw')
    out.push(`-m connmark ${neg(rng)}--mark ${rng.pick(['0x2/0x2', '0x1', '0x0'])}`)
  if (rng.chance(0.15)) {
    const dir = rng.pick(['--dst-type', '--src-type'])
    const type = rng.pick(['LOCAL', 'UNICAST', 'BROADCAST', 'MULTICAST'])
    const limit = hasIn(slot.chain) && rng.chance(0.3) ? ' --limit-iface-in' : ''
    out.push(`-m addrtype ${neg(rng)}${dir} ${type}${limit}`)
  }
  if (rng.chance(0.1)) out.push(`-m comment --comment "case ${rng.int(1000)} rule"`)
  if (rng.chance(0.08)) {
    if (rng.chance(0.5))
      out.push(
        `-m statistic --mode random --probability ${rng.pick(['0.5', '0.25', '0.33333333349'])}`,
      )
    else out.push(`-m statistic --mode nth --every ${1 + rng.int(3)} --packet 0`)
  }
  return out
}

function basicMatches(rng: Rng, slot: Slot): string[] {
  const out: string[] = []
  if (rng.chance(0.3)) out.push(`${neg(rng)}-s ${rng.pick(PREFIXES)}`)
  if (rng.chance(0.35)) out.push(`${neg(rng)}-d ${rng.pick(PREFIXES)}`)
  if (hasIn(slot.chain) && rng.chance(0.2))
    out.push(`${neg(rng)}-i ${rng.pick(['r0', 'r1', 'r+', 'eth0'])}`)
  if (hasOut(slot.chain) && rng.chance(0.25))
    out.push(`${neg(rng)}-o ${rng.pick(['r0', 'r1', 'r2', 'r+'])}`)
  if (rng.chance(0.5)) {
    const proto = rng.pick(['tcp', 'udp', 'icmp'])
    out.push(`-p ${proto}`, ...protoMatches(rng, proto))
  } else if (rng.chance(0.05)) out.push('! -p tcp')
  return [...out, ...extraMatches(rng, slot)]
}

const natHost = (rng: Rng) =>
  rng.pick([...SUBNET_HOSTS.r1, ...SUBNET_HOSTS.r2, SUBNET_HOSTS.r0[1] as string])

function natTarget(rng: Rng, slot: Slot, ported: boolean): string | undefined {
  if (slot.chain === 'PREROUTING') {
    if (rng.chance(0.25) && ported)
      return `-j REDIRECT --to-ports ${rng.pick(['8080', '9000-9002'])}`
    const port = ported && rng.chance(0.6) ? `:${rng.pick(['8080', '80', '8080-8082'])}` : ''
    return `-j DNAT --to-destination ${natHost(rng)}${port}`
  }
  if (rng.chance(0.4) && slot.chain === 'POSTROUTING') return '-j MASQUERADE'
  const src =
    slot.chain === 'INPUT'
      ? rng.pick(['10.7.7.7', '10.1.0.3'])
      : rng.pick([...ROUTER_ADDRS, '10.5.5.5'])
  return `-j SNAT --to-source ${src}`
}

function verdictTarget(rng: Rng, slot: Slot, ported: boolean, tcp: boolean): string {
  const roll = rng.int(10)
  if (slot.table === 'filter' && roll < 2) {
    const with_ =
      tcp && rng.chance(0.4)
        ? 'tcp-reset'
        : rng.pick(['icmp-port-unreachable', 'icmp-host-prohibited', 'icmp-net-unreachable'])
    return `-j REJECT --reject-with ${with_}`
  }
  if (slot.table === 'nat' && roll < 6) return natTarget(rng, slot, ported) ?? '-j ACCEPT'
  if ((slot.table === 'mangle' || slot.table === 'filter') && roll < 4) {
    if (slot.table === 'mangle' && rng.chance(0.4)) {
      return rng.pick([
        '-j CONNMARK --set-xmark 0x2/0x2',
        '-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff',
        '-j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff',
      ])
    }
    return `-j MARK --set-xmark ${rng.pick(['0x1/0x1', '0x4000/0x4000', '0x0/0xffffffff'])}`
  }
  if (slot.table !== 'nat' && roll < 6) return '-j DROP'
  return rng.chance(0.6) ? '-j ACCEPT' : '-j RETURN'
}

interface ChainPlan {
  readonly name: string
  readonly rules: string[]
}

function ruleLine(rng: Rng, slot: Slot, below: readonly string[]): string {
  const m = basicMatches(rng, slot)
  const ported = m.some((x) => x === '-p tcp' || x === '-p udp')
  const tcp = m.includes('-p tcp')
  if (below.length > 0 && rng.chance(0.25)) {
    return [...m, `${rng.chance(0.3) ? '-g' : '-j'} ${rng.pick(below)}`].join(' ')
  }
  if (rng.chance(0.07)) return m.join(' ') // no target: it only counts
  return [...m, verdictTarget(rng, slot, ported, tcp)].join(' ')
}

function slotChains(rng: Rng, slot: Slot, tag: string): ChainPlan[] {
  const users = rng.int(3)
  const chains: ChainPlan[] = [{ name: slot.chain, rules: [] }]
  for (let i = 0; i < users; i++) chains.push({ name: `${tag}-${i}`, rules: [] })
  chains.forEach((c, i) => {
    const below = chains.slice(i + 1).map((x) => x.name)
    const n = i === 0 ? rng.int(4) : 1 + rng.int(3)
    for (let k = 0; k < n; k++) c.rules.push(ruleLine(rng, slot, below))
    // Make sure the user chains are reachable at all.
    if (i === 0 && below.length > 0 && rng.chance(0.7)) c.rules.push(`-j ${below[0]}`)
  })
  return chains
}

function policy(rng: Rng, slot: Slot): 'ACCEPT' | 'DROP' {
  if (slot.table === 'filter') return rng.chance(0.25) ? 'DROP' : 'ACCEPT'
  if (slot.table === 'mangle') return rng.chance(0.05) ? 'DROP' : 'ACCEPT'
  return 'ACCEPT'
}

/** A general random ruleset as an iptables-restore payload (raw, mangle, nat, filter). */
export function generalRuleset(rng: Rng): string {
  const out: string[] = []
  for (const table of ['raw', 'mangle', 'nat', 'filter'] as const) {
    const heads: string[] = []
    const body: string[] = []
    const builtins = {
      raw: ['PREROUTING', 'OUTPUT'],
      mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
      nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
      filter: ['INPUT', 'FORWARD', 'OUTPUT'],
    }[table]
    const pols = new Map<string, string>()
    const users: string[] = []
    for (const slot of SLOTS.filter((s) => s.table === table)) {
      if (!rng.chance(0.65)) continue
      pols.set(slot.chain, policy(rng, slot))
      const tag = `U-${table.slice(0, 3).toUpperCase()}-${slot.chain.slice(0, 4)}`
      for (const c of slotChains(rng, slot, tag)) {
        if (c.name !== slot.chain) users.push(c.name)
        for (const r of c.rules) body.push(`-A ${c.name} ${r}`)
      }
    }
    for (const c of builtins) heads.push(`:${c} ${pols.get(c) ?? 'ACCEPT'} [0:0]`)
    for (const u of users) heads.push(`:${u} - [0:0]`)
    out.push(`*${table}`, ...heads, ...body, 'COMMIT')
  }
  return `${out.join('\n')}\n`
}

/** Destinations a packet may be sent to. */
export function destinationPool(): readonly string[] {
  return [...ROUTER_ADDRS, ...Object.values(SUBNET_HOSTS).flat(), ...REMOTE_ADDRS]
}
