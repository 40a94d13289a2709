/**
 * The pure half of the differential tests: cases are reproducible from their seed and always
 * loadable, the counters are narrowed to the chains only the case's packet reaches, and the
 * emulator's prediction for a plain DNAT case is what the kernel does (test/diff checks the
 * random ones live).
 */
import { describe, expect, it } from 'vitest'
import { parseIptablesSave } from '../../netfilter/iptables-save/index.js'
import { CASE_TABLES, completeTables, type DiffCase, ruleLines, withoutLine } from './case.js'
import { generateCase } from './gen-case.js'
import { chainHooks, comparableCounters, differences } from './observe.js'
import { predict } from './predict.js'
import { routerBase, topology, topologyNames } from './topology.js'

const base = routerBase(topologyNames('kpath-unit'))

describe('generateCase', () => {
  it('gives the same case for the same seed, and different cases for different seeds', () => {
    expect(generateCase(42)).toEqual(generateCase(42))
    expect(JSON.stringify(generateCase(42))).not.toBe(JSON.stringify(generateCase(43)))
  })

  it('writes payloads that parse, with every table, and both kinds of ruleset', () => {
    const kinds = new Set<string>()
    for (let seed = 1; seed <= 150; seed++) {
      const c = generateCase(seed)
      kinds.add(c.kind)
      const rs = parseIptablesSave(c.ruleset, { family: 4 })
      expect(rs.tables.map((t) => t.name).sort()).toEqual([...CASE_TABLES].sort())
      if (c.kind === 'kube-proxy') expect(c.ruleset).toContain(':KUBE-SERVICES')
      expect(c.packet.id).toBe((seed % 65535) + 1)
    }
    expect([...kinds].sort()).toEqual(['general', 'kube-proxy'])
  })

  it('never puts rules in OUTPUT chains of a general ruleset', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const c = generateCase(seed)
      if (c.kind === 'general') expect(c.ruleset).not.toMatch(/^-A OUTPUT /m)
    }
  })
})

describe('case payloads', () => {
  it('completeTables adds the missing tables empty and leaves present ones alone', () => {
    const text = completeTables(
      '*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
    )
    const rs = parseIptablesSave(text, { family: 4 })
    expect(rs.tables.map((t) => t.name)).toEqual(['filter', 'raw', 'mangle', 'nat'])
    expect(rs.tables[0]?.chains[0]?.policy).toBe('DROP')
  })

  it('ruleLines and withoutLine remove one rule at a time', () => {
    const text =
      '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\n-A PREROUTING -j RETURN\nCOMMIT\n'
    expect(ruleLines(text)).toEqual([2, 3])
    expect(withoutLine(text, 2)).not.toContain('-j ACCEPT')
  })
})

describe('topology', () => {
  it('wires each router interface to its own namespace by veth', () => {
    const world = topology('kpath-unit')
    const router = world.find((s) => s.name === 'kpath-unit-r')
    expect(router?.links.filter((l) => l.kind === 'veth').map((l) => l.peer)).toEqual([
      { netns: 'kpath-unit-c', name: 'eth0' },
      { netns: 'kpath-unit-s1', name: 'eth0' },
      { netns: 'kpath-unit-s2', name: 'eth0' },
    ])
  })
})

const DNAT_CASE: DiffCase = {
  seed: 0,
  kind: 'general',
  ruleset: completeTables(
    '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n' +
      '-A PREROUTING -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.2.0.3:8080\n' +
      '-A POSTROUTING -o r1 -j MASQUERADE\nCOMMIT\n',
  ),
  routes: [],
  rules: [],
  sysctls: { 'net.ipv4.ip_forward': '1' },
  packet: {
    src: '10.1.0.2',
    dst: '10.96.0.10',
    proto: 6,
    sport: 40000,
    dport: 80,
    tcpFlags: ['SYN'],
    ttl: 64,
    id: 1,
  },
}

describe('predict', () => {
  it('forwards a DNATed, masqueraded SYN out of r1 with the binding in conntrack', () => {
    const [p, more] = predict(base, DNAT_CASE)
    expect(more).toBeUndefined()
    expect(p?.observation).toMatchObject({
      where: 'r1',
      arrived: { src: '10.2.0.1', dst: '10.2.0.3', sport: 40000, dport: 8080, ttl: 63 },
      conntrack: ['6 10.1.0.2:40000 > 10.96.0.10:80 | 10.2.0.3:8080 > 10.2.0.1:40000'],
    })
    expect(p?.observation.counters).toMatchObject({ 'nat PREROUTING 1': 1, 'nat POSTROUTING 1': 1 })
  })

  it('does not forward a packet whose TTL is 1 (ip_forward: time exceeded, before FORWARD)', () => {
    const last = { ...DNAT_CASE, packet: { ...DNAT_CASE.packet, ttl: 1 } }
    const [p] = predict(base, last)
    expect(p?.observation.where).toBe('dropped')
    expect(p?.hooks).toEqual(['PREROUTING'])
    const [q] = predict(base, { ...DNAT_CASE, packet: { ...DNAT_CASE.packet, ttl: 2 } })
    expect(q?.observation.arrived?.ttl).toBe(1)
  })

  it('drops the packet when forwarding is off, before FORWARD', () => {
    const off = { ...DNAT_CASE, sysctls: { 'net.ipv4.ip_forward': '0' } }
    const [p] = predict(base, off)
    expect(p?.observation.where).toBe('dropped')
    expect(p?.hooks).toEqual(['PREROUTING'])
    expect(p?.observation.conntrack).toEqual([])
  })

  it('without the conntrack keeper, a ruleset needing no conntrack leaves no entry', () => {
    const plain: DiffCase = {
      ...DNAT_CASE,
      keepConntrack: false,
      ruleset: completeTables(
        '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n' +
          '-A PREROUTING -p tcp -j RETURN\nCOMMIT\n',
      ),
      packet: { ...DNAT_CASE.packet, dst: '10.2.0.3' },
    }
    const [p] = predict(base, plain)
    expect(p?.observation.where).toBe('r1')
    expect(p?.observation.conntrack).toEqual([])
    // nf_nat_inet_fn finds no connection on the packet: the nat table is not walked.
    expect(p?.observation.counters['nat PREROUTING 1']).toBeUndefined()
    const [kept] = predict(base, { ...plain, keepConntrack: true })
    expect(kept?.observation.conntrack).toHaveLength(1)
    expect(kept?.observation.counters['nat PREROUTING 1']).toBe(1)
    // The keeper is the seed's choice alone: one case in three goes without it.
    expect([3, 4, 5, 6].map((seed) => generateCase(seed).keepConntrack)).toEqual([
      false,
      undefined,
      undefined,
      false,
    ])
  })
})

describe('comparing observations', () => {
  const rs = parseIptablesSave(
    '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n' +
      '-A INPUT -j A\n-A OUTPUT -j B\n-A FORWARD -j B\nCOMMIT\n',
    { family: 4 },
  )
  const hooks = chainHooks(rs)

  it('attributes user chains to the hooks that reach them', () => {
    expect([...(hooks.get('filter A') ?? [])]).toEqual(['INPUT'])
    expect([...(hooks.get('filter B') ?? [])].sort()).toEqual(['FORWARD', 'OUTPUT'])
  })

  it('leaves out chains that answers sent by the router can reach', () => {
    const counters = { 'filter A 1': 1, 'filter B 1': 2, 'filter OUTPUT 1': 1, 'filter INPUT 1': 1 }
    expect(comparableCounters(counters, hooks, ['PREROUTING', 'INPUT'])).toEqual({
      'filter A 1': 1,
      'filter INPUT 1': 1,
    })
  })

  it('lists every difference', () => {
    const k = { where: 'r1', conntrack: [], counters: { 'nat PREROUTING 1': 1 } }
    const e = { where: 'local', conntrack: ['x'], counters: {} }
    expect(differences(k, e)).toEqual([
      'where: kernel r1, emulator local',
      'conntrack: kernel [], emulator [x]',
      'counter nat PREROUTING 1: kernel 1, emulator 0',
    ])
    expect(differences(k, k)).toEqual([])
  })
})
