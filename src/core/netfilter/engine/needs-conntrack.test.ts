/**
 * Conntrack on demand (needs-conntrack.ts, hooks.ts conntrackIn and confirm, process.ts): which
 * loaded rules make a namespace track connections, and what a packet looks like with and
 * without tracking. The kernel's side (Linux 6.18, both iptables backends) is
 * test/diff/fidelity.test.ts and the lab contract (test/lab).
 */
import { describe, expect, it } from 'vitest'
import type { Packet } from '../../model/packet.js'
import { parseIptablesSave } from '../iptables-save/index.js'
import { parseNftRuleset } from '../nft/index.js'
import type { Ruleset } from '../rule.js'
import { createRuntime, staticEnv, traceLine, tracePacket } from './index.js'
import { ipvsNeedsConntrack, nftNeedsConntrack, rulesetNeedsConntrack } from './needs-conntrack.js'

const NODE = '192.168.0.2'
const env = staticEnv({ local: [NODE], ifaceAddrs: { eth0: [`${NODE}/24`] } })

const filter = (...rules: string[]) =>
  `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:X - [0:0]\n${rules.join('\n')}\nCOMMIT\n`
const NAT_WITHOUT_NAT =
  '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j RETURN\nCOMMIT\n'
const rs = (text: string): Ruleset => parseIptablesSave(text, { family: 4, file: 'test.rules' })

function tcp(
  dst: string,
  flags: Packet['tcpFlags'] = ['SYN'],
  extra: Partial<Packet> = {},
): Packet {
  return {
    family: 4,
    src: '10.0.0.5',
    dst,
    proto: 6,
    sport: 40000,
    dport: 80,
    tcpFlags: flags,
    ttl: 64,
    length: 60,
    mark: 0,
    inIface: 'eth0',
    ...extra,
  }
}

describe('which loaded rules take a conntrack reference (nf_ct_netns_get)', () => {
  it('conntrack-family matches and NAT/CONNMARK/CT targets do, in any chain, reached or not', () => {
    for (const rule of [
      '-A X -m conntrack --ctstate NEW',
      '-A X -m state --state NEW',
      '-A X -m connmark --mark 0x1',
      '-A X -j CONNMARK --save-mark',
    ])
      expect(rulesetNeedsConntrack(rs(filter(rule))), rule).toBe(true)
    const raw =
      '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -j CT --zone 1\nCOMMIT\n'
    expect(rulesetNeedsConntrack(rs(raw))).toBe(true)
    expect(
      rulesetNeedsConntrack(
        rs(`${NAT_WITHOUT_NAT.replace('-j RETURN', '-j DNAT --to-destination 10.0.0.9')}`),
      ),
    ).toBe(true)
  })

  it('a nat table with no NAT target, marks, comments and CT --notrack do not', () => {
    expect(rulesetNeedsConntrack(rs(NAT_WITHOUT_NAT))).toBe(false)
    expect(
      rulesetNeedsConntrack(
        rs(
          filter(
            '-A X -m mark --mark 0x1 -j ACCEPT',
            '-A X -m comment --comment "-m conntrack" -j DROP',
          ),
        ),
      ),
    ).toBe(false)
    const raw =
      '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -j CT --notrack\n-A OUTPUT -j NOTRACK\nCOMMIT\n'
    expect(rulesetNeedsConntrack(rs(raw))).toBe(false)
  })

  it('nft: ct expressions and nat statements of ip/inet tables; not bridge, not ip6 for IPv4', () => {
    const table = (family: string, rule: string) =>
      parseNftRuleset(
        `table ${family} t {\n\tchain c {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\t${rule}\n\t}\n}\n`,
      )
    expect(nftNeedsConntrack(table('ip', 'ct state established accept'), 4)).toBe(true)
    expect(nftNeedsConntrack(table('inet', 'ct mark set 0x00000001'), 4)).toBe(true)
    expect(nftNeedsConntrack(table('ip6', 'ct state established accept'), 4)).toBe(false)
    expect(nftNeedsConntrack(table('ip', 'meta mark 0x00000001 accept'), 4)).toBe(false)
    expect(nftNeedsConntrack(table('ip', 'notrack'), 4)).toBe(false)
  })

  it('IPVS only for an FTP (port 21) service with a masquerading real server', () => {
    const svc = (port: number) => ({
      services: [
        {
          key: {
            kind: 'addr' as const,
            protocol: 'tcp' as const,
            family: 4 as const,
            address: '10.96.0.1',
            port,
          },
          scheduler: 'rr' as const,
          destinations: [{ address: '10.0.0.9', port, weight: 1, forward: 'masq' as const }],
        },
      ],
      connections: [],
    })
    expect(ipvsNeedsConntrack(svc(21), 4)).toBe(true)
    expect(ipvsNeedsConntrack(svc(80), 4)).toBe(false)
  })
})

describe('a namespace without conntrack', () => {
  const rt = () => createRuntime({ ruleset: rs(NAT_WITHOUT_NAT) })

  it('has no conntrack lines, no entry, and never walks its nat table', () => {
    const [o] = tracePacket(rt(), env, tcp('10.0.0.9'), 'prerouting')
    const lines = o?.result.events.map(traceLine) ?? []
    expect(lines.some((l) => l.startsWith('conntrack('))).toBe(false)
    expect(lines.some((l) => l.startsWith('TRACE: nat:'))).toBe(false)
    expect(o?.result.conntrack).toBeUndefined()
    expect(o?.runtime.conntrack.entries()).toEqual([])
    expect(o?.result.disposition).toBe('forward')
  })

  it('runs conntrack when asked to (tracking: true), and then walks the nat table', () => {
    const forced = createRuntime({ ruleset: rs(NAT_WITHOUT_NAT), tracking: true })
    const [o] = tracePacket(forced, env, tcp('10.0.0.9'), 'prerouting')
    const lines = o?.result.events.map(traceLine) ?? []
    expect(lines).toContain('TRACE: nat:PREROUTING:rule:1')
    expect(o?.runtime.conntrack.entries()).toHaveLength(1)
  })
})

describe('entries the table never lists', () => {
  const tracked = (extra = '') =>
    createRuntime({ ruleset: rs(filter('-A X -m conntrack --ctstate NEW', extra)) })

  it('a new connection whose packet is dropped before the confirm step', () => {
    const [o] = tracePacket(tracked('-A FORWARD -j DROP'), env, tcp('10.0.0.9'), 'prerouting')
    const lines = o?.result.events.map(traceLine) ?? []
    expect(lines.slice(-2)).toEqual([
      'conntrack(FORWARD): new connection not confirmed (dropped)',
      'verdict: DROP in filter FORWARD',
    ])
    expect(o?.result.conntrack).toBeUndefined()
    expect(o?.runtime.conntrack.entries()).toEqual([])
  })

  it('a connection whose SYN was answered only by an RST (nf_conntrack_tcp_packet kills it)', () => {
    const [syn] = tracePacket(tracked(), env, tcp('10.0.0.9'), 'prerouting')
    expect(syn?.runtime.conntrack.entries()).toHaveLength(1)
    const rst = tcp('10.0.0.5', ['RST', 'ACK'], { src: '10.0.0.9', sport: 80, dport: 40000 })
    const [back] = tracePacket(syn?.runtime ?? tracked(), env, rst, 'prerouting')
    const lines = back?.result.events.map(traceLine) ?? []
    expect(lines).toContain('conntrack(PREROUTING): connection deleted (RST before any reply)')
    expect(back?.result.conntrack).toBeUndefined()
    expect(back?.runtime.conntrack.entries()).toEqual([])
    expect(back?.result.disposition).toBe('forward')
  })
})

describe('route lines', () => {
  it('a locally generated packet is sent via OUTPUT, not forwarded', () => {
    const [o] = tracePacket(
      createRuntime({ ruleset: rs(filter()) }),
      env,
      tcp('10.0.0.9', ['SYN'], { src: NODE, inIface: undefined }),
      'output',
    )
    expect(o?.result.events.map(traceLine)[0]).toBe('route: 10.0.0.9 via dev eth0: send via OUTPUT')
  })
})

describe('staticEnv and route_localnet (ip_route_input_slow, __mkroute_output)', () => {
  const off = staticEnv({ local: [NODE], ifaceAddrs: { eth0: [`${NODE}/24`] } })
  const on = staticEnv({ local: [NODE], ifaceAddrs: { eth0: [`${NODE}/24`] }, routeLocalnet: true })

  it('a packet received for or from 127.0.0.0/8 is a martian unless route_localnet', () => {
    expect(off.route(tcp('127.0.0.1'))).toEqual({
      kind: 'unreachable',
      reason: 'martian destination',
    })
    expect(off.route(tcp('10.0.0.9', ['SYN'], { src: '127.0.0.1' }))).toEqual({
      kind: 'unreachable',
      reason: 'martian source',
    })
    expect(on.route(tcp('127.0.0.1'))).toEqual({ kind: 'local' })
    expect(off.route(tcp('127.0.0.1', ['SYN'], { inIface: 'lo' }))).toEqual({ kind: 'local' })
  })

  it('a local loopback source leaves by eth0 only with route_localnet', () => {
    const p = tcp('10.0.0.9', ['SYN'], { src: '127.0.0.1', inIface: undefined })
    expect(off.route(p)).toEqual({
      kind: 'unreachable',
      reason: 'loopback source cannot leave by eth0',
    })
    expect(on.route(p)).toEqual({ kind: 'forward', outIface: 'eth0' })
  })
})
