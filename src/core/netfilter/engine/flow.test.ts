/**
 * Several packets of one connection through one node, as the kernel handles them: the nat table
 * decides on the first packet only, conntrack states and status bits progress with the TCP
 * handshake, replies are un-NATed from the binding, clashing SNATs get another port, and ICMP
 * errors are RELATED to the connection they quote.
 */
import { describe, expect, it } from 'vitest'
import type { Packet } from '../../model/packet.js'
import { parseIptablesSave } from '../iptables-save/index.js'
import { createRuntime, staticEnv, traceLine, tracePacket } from './index.js'
import type { NetfilterRuntime } from './runtime.js'
import type { StartHook } from './types.js'

const NODE = '192.168.0.2'
const env = staticEnv({ local: [NODE], ifaceAddrs: { eth0: [`${NODE}/24`] }, outIface: 'eth0' })

const RULES = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 10.96.0.50/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.244.2.6:8080
-A POSTROUTING -s 10.0.0.0/8 -o eth0 -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m conntrack --ctstate NEW -j ACCEPT
COMMIT
`

function tcp(
  src: string,
  sport: number,
  dst: string,
  dport: number,
  flags: Packet['tcpFlags'],
  inIface: string,
): Packet {
  return {
    family: 4,
    src,
    dst,
    proto: 6,
    sport,
    dport,
    tcpFlags: flags,
    ttl: 64,
    length: 60,
    mark: 0,
    inIface,
  }
}

/** The NAT lines of a packet's walk, as the trace views print them. */
function natLines(o: ReturnType<typeof step>): string[] {
  return o.result.events.filter((e) => e.kind === 'nat').map(traceLine)
}

function step(rt: NetfilterRuntime, p: Packet, start: StartHook = 'prerouting') {
  const outcomes = tracePacket(rt, env, p, start)
  expect(outcomes).toHaveLength(1)
  return outcomes[0]!
}

function ctstates(o: ReturnType<typeof step>): string[] {
  return o.result.events
    .filter((e) => e.kind === 'conntrack')
    .map((e) => (e as { text: string }).text.split(' ')[0] ?? '')
}

describe('a TCP connection through DNAT and MASQUERADE', () => {
  it('follows the handshake like the kernel: states, status bits and NAT per packet', () => {
    let rt = createRuntime({ ruleset: parseIptablesSave(RULES, { family: 4 }) })
    const client = '10.1.0.5'
    const syn = step(rt, tcp(client, 40000, '10.96.0.50', 80, ['SYN'], 'cni0'))
    expect(ctstates(syn)).toEqual(['NEW'])
    expect(syn.result.packetOut).toMatchObject({
      src: NODE,
      sport: 40000,
      dst: '10.244.2.6',
      dport: 8080,
    })
    expect(natLines(syn)).toEqual([
      'nat(PREROUTING): DNAT 10.96.0.50:80 -> 10.244.2.6:8080',
      `nat(POSTROUTING): SNAT ${client}:40000 -> ${NODE}:40000`,
    ])
    expect(syn.result.conntrack).toMatchObject({
      tcpState: 'SYN_SENT',
      status: { seenReply: false, assured: false },
    })
    rt = syn.runtime

    const synack = step(rt, tcp('10.244.2.6', 8080, NODE, 40000, ['SYN', 'ACK'], 'eth0'))
    expect(ctstates(synack)).toEqual(['ESTABLISHED'])
    // The reply is un-SNATed in PREROUTING and un-DNATed in POSTROUTING, without the nat table.
    expect(synack.result.packetOut).toMatchObject({
      src: '10.96.0.50',
      sport: 80,
      dst: client,
      dport: 40000,
    })
    expect(synack.result.events.some((e) => e.kind === 'rule' && e.table === 'nat')).toBe(false)
    // Labelled by what they undo, as conntrack's status bits flip for the reply direction:
    // the destination restored at PREROUTING undoes the SNAT, the source at POSTROUTING the DNAT.
    expect(natLines(synack)).toEqual([
      `nat(PREROUTING): un-SNAT ${NODE}:40000 -> ${client}:40000`,
      'nat(POSTROUTING): un-DNAT 10.244.2.6:8080 -> 10.96.0.50:80',
    ])
    expect(synack.result.conntrack).toMatchObject({
      tcpState: 'SYN_RECV',
      status: { seenReply: true },
    })
    rt = synack.runtime

    const ack = step(rt, tcp(client, 40000, '10.96.0.50', 80, ['ACK'], 'cni0'))
    expect(ctstates(ack)).toEqual(['ESTABLISHED'])
    expect(ack.result.packetOut).toMatchObject({ src: NODE, dst: '10.244.2.6', dport: 8080 })
    expect(natLines(ack)).toEqual([
      'nat(PREROUTING): DNAT 10.96.0.50:80 -> 10.244.2.6:8080',
      `nat(POSTROUTING): SNAT ${client}:40000 -> ${NODE}:40000`,
    ])
    expect(ack.result.conntrack).toMatchObject({
      tcpState: 'ESTABLISHED',
      status: { assured: true },
    })
    rt = ack.runtime

    const data = step(rt, tcp('10.244.2.6', 8080, NODE, 40000, ['PSH', 'ACK'], 'eth0'))
    expect(data.result.packetOut).toMatchObject({ src: '10.96.0.50', dst: client })
    expect(data.result.verdict).toBe('ACCEPT')
    expect(data.runtime.conntrack.entries()).toHaveLength(1)
  })
})

describe('SNAT clashes', () => {
  it('gives the second of two clients using the same source port another port', () => {
    const rt0 = createRuntime({ ruleset: parseIptablesSave(RULES, { family: 4 }) })
    const a = step(rt0, tcp('10.1.0.5', 40000, '10.244.2.6', 8080, ['SYN'], 'cni0'))
    const b = step(a.runtime, tcp('10.1.0.6', 40000, '10.244.2.6', 8080, ['SYN'], 'cni0'))
    expect(a.result.packetOut.sport).toBe(40000)
    expect(b.result.packetOut.src).toBe(NODE)
    expect(b.result.packetOut.sport).not.toBe(40000)
    expect(b.result.snat).toBe(`${NODE}:${b.result.packetOut.sport}`)
    expect(b.runtime.conntrack.entries()).toHaveLength(2)
  })
})

describe('ICMP errors', () => {
  it('are RELATED to the connection they quote, and their quoted header is un-NATed', () => {
    const rt0 = createRuntime({ ruleset: parseIptablesSave(RULES, { family: 4 }) })
    const syn = step(rt0, tcp('10.1.0.5', 40000, '10.96.0.50', 80, ['SYN'], 'cni0'))
    const quoted = syn.result.packetOut
    const error: Packet = {
      family: 4,
      src: '10.244.2.6',
      dst: NODE,
      proto: 1,
      icmpType: 3,
      icmpCode: 3,
      inner: quoted,
      ttl: 64,
      length: 88,
      mark: 0,
      inIface: 'eth0',
    }
    const r = step(syn.runtime, error)
    expect(ctstates(r)).toEqual(['RELATED'])
    expect(r.result.verdict).toBe('ACCEPT')
    expect(r.result.packetOut.dst).toBe('10.1.0.5')
    expect(r.result.packetOut.inner).toMatchObject({
      src: '10.1.0.5',
      sport: 40000,
      dst: '10.96.0.50',
      dport: 80,
    })
  })
})
