import { describe, expect, it } from 'vitest'
import { parseConntrackList } from '../conntrack/index.js'
import { parseIptablesSave } from '../netfilter/iptables-save/index.js'
import type { ClusterBranch, Hop } from '../walk/types.js'
import {
  background,
  conntrackText,
  counterHits,
  observedVerdict,
  predictedConntrack,
  predictedRules,
  predictedVerdict,
} from './compare.js'
import { observedOutcome, parseEchoAnswer } from './observe.js'

const pkt = {
  src: '10.0.0.2',
  dst: '10.96.0.10',
  proto: 6,
  sport: 40000,
  dport: 80,
  ttl: 64,
  length: 60,
}
function hop(netns: string, netfilter: string[]): Hop {
  return { netns, kind: 'ip', packet: pkt, netfilter, notes: [] }
}

const branch: ClusterBranch = {
  probability: 1,
  decisions: [],
  hops: [
    hop('node-a', [
      'conntrack(PREROUTING): NEW original 10.0.0.2:40000 > 10.96.0.10:80 SYN_SENT',
      'TRACE: nat:PREROUTING:rule:1',
      'TRACE: nat:KUBE-MARK-MASQ:return:2',
      'TRACE: nat:KUBE-SEP-X:policy:2',
      'nat(PREROUTING): DNAT 10.96.0.10:80 -> 10.1.0.5:8080',
      'nat(POSTROUTING): SNAT 10.0.0.2:40000 -> 10.0.0.1:1024',
    ]),
  ],
  outcome: {
    kind: 'delivered',
    netns: 'pod-b',
    port: 8080,
    serverSaw: { src: '10.0.0.1', sport: 1024 },
    ttlAtArrival: 63,
  },
  reply: {
    hops: [
      hop('node-a', [
        'conntrack(PREROUTING): ESTABLISHED reply …',
        'nat(PREROUTING): DNAT 10.0.0.1:1024 -> 10.0.0.2:40000',
      ]),
    ],
    outcome: {
      kind: 'delivered',
      netns: 'pod-a',
      port: 40000,
      serverSaw: { src: '10.96.0.10', sport: 80 },
      ttlAtArrival: 63,
    },
  },
}

describe('the emulator side', () => {
  it('a delivered and answered branch: where, the source seen (NAT port as *), the TTL', () => {
    expect(predictedVerdict(branch, 'tcp')).toBe('delivered pod-b saw 10.0.0.1:* ttl 63')
    expect(predictedVerdict({ ...branch, reply: undefined }, 'tcp')).toBe('unanswered')
  })

  it("conntrack from the branch's tables; namespaces without entries are left out", () => {
    const [entry] = parseConntrackList(
      'tcp      6 117 SYN_SENT src=10.0.0.2 dst=10.96.0.10 sport=40000 dport=80 [UNREPLIED] src=10.1.0.5 dst=10.0.0.1 sport=8080 dport=1024 mark=0 use=1\n',
    )
    if (entry === undefined) throw new Error('one entry')
    const tracked = { ...branch, conntrack: { 'node-a': [entry], 'pod-a': [], 'pod-b': [] } }
    expect(predictedConntrack(tracked)).toEqual(
      new Map([['node-a', 'tcp 10.0.0.2:40000>10.96.0.10:80 / 10.1.0.5:8080>10.0.0.1:*']]),
    )
  })

  it('refuses a branch traced without its conntrack tables', () => {
    expect(() => predictedConntrack(branch)).toThrow(/no conntrack tables/)
  })

  it('rules hit: return/policy name rule N when the chain has N rules, else its end', () => {
    const rs = parseIptablesSave(
      '*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-MARK-MASQ - [0:0]\n:KUBE-SEP-X - [0:0]\n-A PREROUTING -j KUBE-MARK-MASQ\n-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n-A KUBE-SEP-X -s 10.1.0.5/32 -j KUBE-MARK-MASQ\n-A KUBE-SEP-X -j RETURN\nCOMMIT\n',
      { family: 4 },
    )
    expect(predictedRules([branch], 'node-a', rs)).toEqual(['nat:KUBE-SEP-X:2', 'nat:PREROUTING:1'])
  })
})

describe('the kernel side', () => {
  it('rules whose packet counter grew', () => {
    const save = (n: number) =>
      parseIptablesSave(
        `*nat\n:OUTPUT ACCEPT [0:0]\n[${n}:60] -A OUTPUT -j ACCEPT\n[3:180] -A OUTPUT -j RETURN\nCOMMIT\n`,
        { family: 4 },
      )
    expect(counterHits(save(1), save(2))).toEqual(['nat:OUTPUT:1'])
  })

  it('conntrack entries in the same form; IGMP of the lab itself is background', () => {
    const [tcp, igmp] = parseConntrackList(
      'tcp      6 117 SYN_SENT src=10.0.0.2 dst=10.96.0.10 sport=40000 dport=80 [UNREPLIED] src=10.1.0.5 dst=10.0.0.1 sport=8080 dport=33907 mark=0 use=1\n' +
        'unknown  2 599 src=10.0.0.1 dst=224.0.0.22 [UNREPLIED] src=224.0.0.22 dst=10.0.0.1 mark=0 use=1\n',
    )
    if (tcp === undefined || igmp === undefined) throw new Error('two entries')
    expect(conntrackText(tcp)).toBe('tcp 10.0.0.2:40000>10.96.0.10:80 / 10.1.0.5:8080>10.0.0.1:*')
    expect([background(tcp), background(igmp)]).toEqual([false, true])
  })

  it("the echo server's line as an outcome, its port relative to the attempt's socket", () => {
    expect(parseEchoAnswer('pod=default/b port=8080 saw=10.0.0.2:40003 ttl=62')).toEqual({
      pod: 'default/b',
      port: 8080,
      src: '10.0.0.2',
      sport: 40003,
      ttl: 62,
    })
    const o = observedOutcome(
      { answer: 'pod=default/b port=8080 saw=10.0.0.2:40003 ttl=62' },
      { port: 80, ownerOf: () => undefined, listenerNetns: () => 'pod-default-b' },
    )
    expect(observedVerdict(o, 'tcp', 40003)).toBe(
      'delivered pod-default-b saw 10.0.0.2:40000 ttl 62',
    )
    expect(observedVerdict(o, 'tcp', 40000)).toBe('delivered pod-default-b saw 10.0.0.2:* ttl 62')
    const refused = observedOutcome(
      { error: 'refused' },
      { port: 80, ownerOf: () => undefined, listenerNetns: () => undefined },
    )
    expect(refused).toEqual({ kind: 'refused', port: 80 })
  })
})
