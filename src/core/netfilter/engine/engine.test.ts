import { describe, expect, it } from 'vitest'
import { synPacket } from '../../conntrack/test-packets.js'
import { parseIpsetSave } from '../../ipset/index.js'
import type { Packet } from '../../model/packet.js'
import { parseIptablesSave, printIptablesSave } from '../iptables-save/index.js'
import { createRuntime, rulesetWithCounters, staticEnv, traceLine, tracePacket } from './index.js'
import type { NetfilterRuntime } from './runtime.js'

const NODE = '192.168.0.2'
const env = staticEnv({
  local: [NODE],
  ifaceAddrs: { eth0: [`${NODE}/24`], cni0: ['10.244.1.1/24'] },
})

function rs(text: string) {
  return parseIptablesSave(text, { family: 4, file: 'test.rules' })
}

/** A pod's SYN, arriving from cni0. */
function tcp(src: string, dst: string, dport: number, extra: Partial<Packet> = {}): Packet {
  return synPacket(src, dst, dport, { inIface: 'cni0', ...extra })
}

function rules(outcome: { result: { events: readonly { kind: string }[] } }): string[] {
  return outcome.result.events.filter((e) => e.kind === 'rule').map((e) => traceLine(e as never))
}

describe('chain walk', () => {
  const text = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
:C - [0:0]
-A FORWARD -p tcp -m tcp --dport 22 -j DROP
-A FORWARD -j A
-A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT
-A A -s 10.0.0.0/8 -j B
-A A -p tcp -m tcp --dport 81 -g C
-A B -p tcp -m tcp --dport 80 -j RETURN
-A B -j ACCEPT
-A C -p tcp -m tcp --dport 81 -j RETURN
COMMIT
`
  const rt = createRuntime({ ruleset: rs(text) })

  it('jumps, returns and falls through to the next rule of the caller', () => {
    // RETURN in B resumes A after its jump; A's last rule does not match, so A falls off its
    // end ("return" with A's rule count + 1) back into FORWARD.
    const [o] = tracePacket(rt, env, tcp('10.1.1.1', '8.8.8.8', 80), 'prerouting')
    expect(rules(o!)).toEqual([
      'TRACE: filter:FORWARD:rule:2',
      'TRACE: filter:A:rule:1',
      'TRACE: filter:B:rule:1',
      'TRACE: filter:A:return:3',
      'TRACE: filter:FORWARD:rule:3',
    ])
    expect(o!.result.verdict).toBe('ACCEPT')
  })

  it('an unconditional verdict rule is traced as "return", as the kernel names it', () => {
    const [o] = tracePacket(rt, env, tcp('10.1.1.1', '8.8.8.8', 443), 'prerouting')
    expect(rules(o!)).toEqual([
      'TRACE: filter:FORWARD:rule:2',
      'TRACE: filter:A:rule:1',
      'TRACE: filter:B:return:2',
    ])
  })

  it('goto does not come back to its chain: RETURN goes to the caller of the caller', () => {
    const [o] = tracePacket(rt, env, tcp('192.0.2.1', '8.8.8.8', 81), 'prerouting')
    expect(rules(o!)).toEqual([
      'TRACE: filter:FORWARD:rule:2',
      'TRACE: filter:A:rule:2',
      'TRACE: filter:C:rule:1',
      'TRACE: filter:FORWARD:policy:4',
    ])
    expect(o!.result.verdict).toBe('DROP')
    expect(o!.result.droppedAt).toEqual({ hook: 'FORWARD', table: 'filter' })
  })

  it('falling off a user chain is traced as return with the next rule number', () => {
    const [o] = tracePacket(rt, env, tcp('192.0.2.1', '8.8.8.8', 80), 'prerouting')
    expect(rules(o!)).toEqual([
      'TRACE: filter:FORWARD:rule:2',
      'TRACE: filter:A:return:3',
      'TRACE: filter:FORWARD:rule:3',
    ])
  })

  it('counts matched rules and policies as iptables-save -c shows them', () => {
    const [o] = tracePacket(rt, env, tcp('192.0.2.1', '8.8.8.8', 81), 'prerouting')
    const printed = printIptablesSave(rulesetWithCounters(rs(text), o!.runtime), { counters: true })
    expect(printed).toContain(':FORWARD DROP [1:60]')
    expect(printed).toContain('[1:60] -A A -p tcp -m tcp --dport 81 -g C')
    expect(printed).toContain('[0:0] -A FORWARD -p tcp -m tcp --dport 22 -j DROP')
  })
})

const KUBE = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-1 - [0:0]
:KUBE-SEP-2 - [0:0]
:KUBE-SEP-3 - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-X - [0:0]
-A PREROUTING -j KUBE-SERVICES
-A OUTPUT -j KUBE-SERVICES
-A POSTROUTING -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -j MASQUERADE
-A KUBE-SEP-1 -s 10.244.1.5/32 -j KUBE-MARK-MASQ
-A KUBE-SEP-1 -p tcp -m tcp -j DNAT --to-destination 10.244.1.5:8080
-A KUBE-SEP-2 -s 10.244.2.6/32 -j KUBE-MARK-MASQ
-A KUBE-SEP-2 -p tcp -m tcp -j DNAT --to-destination 10.244.2.6:8080
-A KUBE-SEP-3 -s 10.244.3.7/32 -j KUBE-MARK-MASQ
-A KUBE-SEP-3 -p tcp -m tcp -j DNAT --to-destination 10.244.3.7:8080
-A KUBE-SERVICES -d 10.96.0.50/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-X
-A KUBE-SVC-X ! -s 10.244.0.0/16 -d 10.96.0.50/32 -p tcp -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-X -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-1
-A KUBE-SVC-X -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-2
-A KUBE-SVC-X -j KUBE-SEP-3
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate INVALID -j DROP
-A FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -s 10.244.0.0/16 -j ACCEPT
COMMIT
`

describe('a kube-proxy Service', () => {
  const rt = createRuntime({ ruleset: rs(KUBE) })

  it('enumerates one branch per endpoint with the kernel probabilities', () => {
    const outcomes = tracePacket(rt, env, tcp('10.244.1.9', '10.96.0.50', 80), 'prerouting')
    expect(outcomes.map((o) => o.result.dnat)).toEqual([
      '10.244.1.5:8080',
      '10.244.2.6:8080',
      '10.244.3.7:8080',
    ])
    const third = 715827883 / 2 ** 31
    expect(outcomes[0]!.probability).toBeCloseTo(third, 12)
    expect(outcomes[1]!.probability).toBeCloseTo((1 - third) * 0.5, 12)
    expect(outcomes.reduce((a, o) => a + o.probability, 0)).toBeCloseTo(1, 12)
    for (const o of outcomes) {
      expect(o.result.verdict).toBe('ACCEPT')
      expect(o.result.masquerade).toBe(false)
      expect(o.result.packetOut.dst).toBe(o.result.dnat?.split(':')[0])
      expect(o.result.packetOut.ttl).toBe(63)
    }
  })

  it('masquerades a node-sourced connection to the address of the output interface', () => {
    const outcomes = tracePacket(
      rt,
      env,
      tcp(NODE, '10.96.0.50', 80, { inIface: undefined }),
      'output',
    )
    for (const o of outcomes) {
      expect(o.result.masquerade).toBe(true)
      expect(o.result.packetOut.src).toBe(NODE)
      // The source already was the masquerade address and its port is free, so the tuple does
      // not change: the kernel sets no IPS_SRC_NAT, and conntrack -L shows no SNAT.
      expect(o.result.snat).toBeUndefined()
    }
  })

  it('masquerades a marked forwarded connection to the output interface address', () => {
    const outcomes = tracePacket(
      rt,
      env,
      tcp('172.16.0.9', '10.96.0.50', 80, { inIface: 'eth0' }),
      'prerouting',
    )
    for (const o of outcomes) {
      expect(o.result.masquerade).toBe(true)
      expect(o.result.packetOut.src).toBe(NODE)
      expect(o.result.snat).toBe(`${NODE}:40000`)
    }
  })

  it('hairpin: an endpoint reaching itself is marked by its SEP chain and masqueraded', () => {
    const outcomes = tracePacket(rt, env, tcp('10.244.1.5', '10.96.0.50', 80), 'prerouting')
    const self = outcomes.find((o) => o.result.dnat === '10.244.1.5:8080')
    expect(self?.result.masquerade).toBe(true)
    expect(outcomes.filter((o) => o.result.masquerade)).toHaveLength(1)
  })

  it('a reply is un-DNATed from conntrack without walking the nat table', () => {
    const [first] = tracePacket(rt, env, tcp('10.244.1.9', '10.96.0.50', 80), 'prerouting')
    const after = first!.runtime
    const reply = tcp('10.244.1.5', '10.244.1.9', 40000, { sport: 8080, tcpFlags: ['SYN', 'ACK'] })
    const [r] = tracePacket(after, env, reply, 'prerouting')
    expect(r!.result.packetOut.src).toBe('10.96.0.50')
    expect(r!.result.packetOut.sport).toBe(80)
    expect(rules(r!).some((l) => l.startsWith('TRACE: nat:'))).toBe(false)
    expect(rules(r!)).toContain('TRACE: filter:FORWARD:rule:3')
    expect(r!.result.conntrack?.tcpState).toBe('SYN_RECV')
  })

  it('a stray SYN-ACK with no connection is INVALID and dropped by the INVALID rule', () => {
    const stray = tcp('10.244.1.5', '10.244.1.9', 40000, { sport: 8080, tcpFlags: ['SYN', 'ACK'] })
    const [r] = tracePacket(rt, env, stray, 'prerouting')
    expect(r!.result.verdict).toBe('DROP')
    expect(rules(r!)).toContain('TRACE: filter:FORWARD:rule:1')
  })

  it('is the same with and without the destination index', () => {
    const plain = createRuntime({ ruleset: rs(KUBE), index: false })
    for (const dst of ['10.96.0.50', '10.96.0.51', '8.8.8.8']) {
      const a = tracePacket(rt, env, tcp('10.244.1.9', dst, 80), 'prerouting')
      const b = tracePacket(plain, env, tcp('10.244.1.9', dst, 80), 'prerouting')
      expect(a.map((o) => o.result.events)).toEqual(b.map((o) => o.result.events))
    }
  })
})

describe('sampling and nth', () => {
  it('a seeded sample follows one branch, the same for the same seed', () => {
    const rt = createRuntime({ ruleset: rs(KUBE) })
    const pkt = tcp('10.244.1.9', '10.96.0.50', 80)
    const a = tracePacket(rt, env, pkt, 'prerouting', { kind: 'sample', seed: 7 })
    const b = tracePacket(rt, env, pkt, 'prerouting', { kind: 'sample', seed: 7 })
    expect(a).toHaveLength(1)
    expect(a[0]!.result.dnat).toBe(b[0]!.result.dnat)
    const seen = new Set<string | undefined>()
    for (let seed = 0; seed < 60; seed++)
      seen.add(tracePacket(rt, env, pkt, 'prerouting', { kind: 'sample', seed })[0]!.result.dnat)
    expect(seen.size).toBe(3)
  })

  it('statistic nth rotates exactly, starting with --packet 0', () => {
    const text = KUBE.replace(
      '-m statistic --mode random --probability 0.33333333349',
      '-m statistic --mode nth --every 3 --packet 0',
    ).replace(
      '-m statistic --mode random --probability 0.50000000000',
      '-m statistic --mode nth --every 2 --packet 0',
    )
    let rt: NetfilterRuntime = createRuntime({ ruleset: rs(text) })
    const seen: (string | undefined)[] = []
    for (let i = 0; i < 6; i++) {
      const [o] = tracePacket(
        rt,
        env,
        tcp('10.244.1.9', '10.96.0.50', 80, { sport: 40000 + i }),
        'prerouting',
      )
      expect(o).toBeDefined()
      seen.push(o!.result.dnat)
      rt = o!.runtime
    }
    expect(seen).toEqual([
      '10.244.1.5:8080',
      '10.244.2.6:8080',
      '10.244.3.7:8080',
      '10.244.1.5:8080',
      '10.244.2.6:8080',
      '10.244.3.7:8080',
    ])
  })
})

describe('session affinity with -m recent', () => {
  const text = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SEP-A - [0:0]
:KUBE-SEP-B - [0:0]
:KUBE-SVC-X - [0:0]
-A PREROUTING -d 10.96.0.50/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-X
-A KUBE-SEP-A -p tcp -m recent --set --name KUBE-SEP-A --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.244.1.5:8080
-A KUBE-SEP-B -p tcp -m recent --set --name KUBE-SEP-B --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.244.2.6:8080
-A KUBE-SVC-X -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-A --mask 255.255.255.255 --rsource -j KUBE-SEP-A
-A KUBE-SVC-X -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-B --mask 255.255.255.255 --rsource -j KUBE-SEP-B
-A KUBE-SVC-X -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-A
-A KUBE-SVC-X -j KUBE-SEP-B
COMMIT
`
  it('keeps a client on the endpoint of its first connection', () => {
    const rt = createRuntime({ ruleset: rs(text) })
    const first = tracePacket(rt, env, tcp('10.244.9.9', '10.96.0.50', 80), 'prerouting')
    expect(first.map((o) => o.result.dnat)).toEqual(['10.244.1.5:8080', '10.244.2.6:8080'])
    for (const o of first) {
      o.runtime.now += 60
      const again = tracePacket(
        o.runtime,
        env,
        tcp('10.244.9.9', '10.96.0.50', 80, { sport: 40001 }),
        'prerouting',
      )
      expect(again.map((x) => x.result.dnat)).toEqual([o.result.dnat])
      const other = tracePacket(
        o.runtime,
        env,
        tcp('10.244.9.10', '10.96.0.50', 80, { sport: 40001 }),
        'prerouting',
      )
      expect(other).toHaveLength(2)
    }
  })

  it('forgets the client after --seconds', () => {
    const rt = createRuntime({ ruleset: rs(text) })
    const [o] = tracePacket(rt, env, tcp('10.244.9.9', '10.96.0.50', 80), 'prerouting')
    o!.runtime.now += 10801
    expect(
      tracePacket(
        o!.runtime,
        env,
        tcp('10.244.9.9', '10.96.0.50', 80, { sport: 40001 }),
        'prerouting',
      ),
    ).toHaveLength(2)
  })
})

describe('targets', () => {
  it('REJECT --reject-with tcp-reset answers with an RST from the rejected destination', () => {
    const text = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -d 10.96.0.7/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset
-A INPUT -p tcp -m tcp --dport 22 -j REJECT --reject-with icmp-port-unreachable
COMMIT
`
    const rt = createRuntime({ ruleset: rs(text) })
    const [o] = tracePacket(rt, env, tcp('10.244.1.9', '10.96.0.7', 80), 'prerouting')
    expect(o!.result.verdict).toBe('REJECT')
    expect(o!.result.response).toMatchObject({
      src: '10.96.0.7',
      dst: '10.244.1.9',
      sport: 80,
      dport: 40000,
      tcpFlags: ['RST', 'ACK'],
    })
    const [i] = tracePacket(rt, env, tcp('10.244.1.9', NODE, 22), 'prerouting')
    expect(i!.result.response).toMatchObject({
      src: NODE,
      dst: '10.244.1.9',
      proto: 1,
      icmpType: 3,
      icmpCode: 3,
    })
  })

  it('CONNMARK saves the packet mark into the connection and restores it on replies', () => {
    const text = `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -m conntrack --ctstate NEW -s 10.244.1.9/32 -j MARK --set-xmark 0x7/0xff
-A PREROUTING -m conntrack --ctstate NEW -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A PREROUTING -m conntrack --ctstate ESTABLISHED -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
COMMIT
`
    const rt = createRuntime({ ruleset: rs(text) })
    const [o] = tracePacket(rt, env, tcp('10.244.1.9', '10.244.2.6', 80), 'prerouting')
    expect(o!.result.packetOut.mark).toBe(7)
    expect(o!.result.conntrack?.mark).toBe(7)
    const [r] = tracePacket(
      o!.runtime,
      env,
      tcp('10.244.2.6', '10.244.1.9', 40000, { sport: 80, tcpFlags: ['SYN', 'ACK'] }),
      'prerouting',
    )
    expect(r!.result.packetOut.mark).toBe(7)
  })

  it('NOTRACK makes the packet UNTRACKED and keeps it out of NAT', () => {
    const text = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -d 10.96.0.50/32 -j NOTRACK
COMMIT
${KUBE}`
    const rt = createRuntime({ ruleset: rs(text) })
    const outcomes = tracePacket(rt, env, tcp('10.244.1.9', '10.96.0.50', 80), 'prerouting')
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]!.result.dnat).toBeUndefined()
    expect(outcomes[0]!.result.conntrack).toBeUndefined()
  })

  it('reaching a rule whose extension has no semantics fails loudly with its location', () => {
    const text = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -d 10.0.0.1/32 -j ACCEPT
-A FORWARD -m cgroup --cgroup 1 -j ACCEPT
COMMIT
`
    const rt = createRuntime({ ruleset: rs(text) })
    expect(
      tracePacket(rt, env, tcp('10.244.1.9', '10.0.0.1', 80), 'prerouting')[0]!.result.verdict,
    ).toBe('ACCEPT')
    expect(() => tracePacket(rt, env, tcp('10.244.1.9', '10.0.0.2', 80), 'prerouting')).toThrow(
      expect.objectContaining({
        code: 'KPATH_UNSUPPORTED',
        location: expect.objectContaining({ line: 6 }),
      }),
    )
  })
})

describe('ipsets (kube-router pod egress, seed 001)', () => {
  // kube-router masquerades pod traffic leaving the pod network, except to other pods and nodes.
  const text = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -m set --match-set kube-router-pod-subnets src -m set ! --match-set kube-router-pod-subnets dst -m set ! --match-set kube-router-node-ips dst -j MASQUERADE --random-fully
COMMIT
`
  const sets = parseIpsetSave(
    `create kube-router-pod-subnets hash:net family inet hashsize 1024 maxelem 65536 timeout 0
add kube-router-pod-subnets 10.233.64.0/24 timeout 0
add kube-router-pod-subnets 10.233.65.0/24 timeout 0
create kube-router-node-ips hash:ip family inet hashsize 1024 maxelem 65536 timeout 0
add kube-router-node-ips 192.168.0.2 timeout 0
add kube-router-node-ips 192.168.0.3 timeout 0
`,
    { file: 'sets' },
  )
  const rt = createRuntime({ ruleset: rs(text), ipsets: sets })

  it.each([
    ['10.233.64.5', '8.8.8.8', true],
    ['10.233.64.5', '10.233.65.9', false],
    ['10.233.64.5', '192.168.0.3', false],
    ['172.16.0.5', '8.8.8.8', false],
  ])('%s → %s masqueraded: %s', (src, dst, masq) => {
    const [o] = tracePacket(rt, env, tcp(src, dst, 443), 'prerouting')
    expect(o!.result.masquerade).toBe(masq)
    expect(o!.result.packetOut.src).toBe(masq ? NODE : src)
  })

  it('a set that was never loaded fails loudly when a packet reaches its rule', () => {
    const bare = createRuntime({ ruleset: rs(text) })
    expect(() => tracePacket(bare, env, tcp('10.233.64.5', '8.8.8.8', 443), 'prerouting')).toThrow(
      expect.objectContaining({ code: 'KPATH_UNSUPPORTED' }),
    )
  })
})
