/**
 * IPVS in the engine: a node with ClusterIPs on a dummy kube-ipvs0 link and real servers behind
 * eth0, built by hand. Facts: ip_vs_core.c ip_vs_ops4 (the hooks), ip_vs_xmit.c
 * (ip_vs_nat_xmit, decrement_ttl, crosses_local_route_boundary), ip_vs_ctl.c ip_vs_leave; the
 * SNAT rule is kube-router's from seed 001.
 */
import { describe, expect, it } from 'vitest'
import { synPacket } from '../../conntrack/test-packets.js'
import type { IpvsService, IpvsState } from '../../ipvs/model.js'
import { netfilterEnv } from '../../route/env.js'
import { node } from '../../route/testing/build.js'
import { parseIptablesSave } from '../iptables-save/index.js'
import { createRuntime, traceLine, tracePacket } from './index.js'
import type { NetfilterRuntime } from './runtime.js'

const state = node({
  links: ['eth0', 'kube-ipvs0'],
  addrs: ['eth0 192.168.0.10/24', 'kube-ipvs0 10.96.0.1/32', 'kube-ipvs0 10.96.0.2/32'],
  routes: ['default via 192.168.0.1 dev eth0'],
  sysctls: { 'net.ipv4.ip_forward': 1 },
})
const env = netfilterEnv(state)

const svc = (address: string, port: number, dests: [string, number, number][]): IpvsService => ({
  key: { kind: 'addr', protocol: 'tcp', family: 4, address, port },
  scheduler: 'rr',
  destinations: dests.map(([a, p, weight]) => ({ address: a, port: p, weight, forward: 'masq' })),
})

const IPVS: IpvsState = {
  services: [
    svc('10.96.0.1', 443, [['192.168.0.101', 6443, 1]]),
    svc('10.96.0.2', 80, [
      ['192.168.0.21', 8080, 1],
      ['192.168.0.22', 8080, 1],
      ['192.168.0.23', 8080, 1],
      ['192.168.0.24', 8080, 0],
    ]),
    // A virtual service whose address is bound nowhere on this node.
    svc('10.96.0.99', 443, [['192.168.0.101', 6443, 1]]),
    svc('10.96.0.2', 81, [['192.168.0.24', 8080, 0]]),
    svc('127.0.0.1', 30080, [['192.168.0.21', 8080, 1]]),
  ],
  connections: [],
}

// kube-router's SNAT for IPVS traffic (seed 001), and a KUBE-MARK-DROP-free filter table.
const NAT = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -m ipvs --vdir ORIGINAL --vmethod MASQ -j MASQUERADE
COMMIT
`

function runtime(conntrack = '1'): NetfilterRuntime {
  return createRuntime({
    ruleset: parseIptablesSave(NAT),
    ipvs: IPVS,
    sysctls: { 'net.ipv4.vs.conntrack': conntrack },
  })
}

const tcp = synPacket

describe('IPVS in the netfilter hooks', () => {
  it('a node-local socket to a VIP is scheduled at OUTPUT and sent to the real server', () => {
    const [o, ...more] = tracePacket(
      runtime(),
      env,
      tcp('192.168.0.10', '10.96.0.1', 443),
      'output',
    )
    expect(more).toHaveLength(0)
    const r = o?.result
    expect(r?.disposition).toBe('output')
    expect(r?.hooks).toEqual(['OUTPUT', 'OUTPUT', 'POSTROUTING'])
    expect(r?.packetOut).toMatchObject({
      dst: '192.168.0.101',
      dport: 6443,
      outIface: 'eth0',
      ttl: 63,
    })
    const lines = r?.events.map(traceLine) ?? []
    expect(lines).toContain(
      'IPVS: TCP 10.96.0.1:443 rr → 192.168.0.101:6443 (masq), new connection',
    )
    // The connection IPVS made, as ipvsadm -Lnc would list it.
    const conns = o?.runtime.ipvs?.state().connections
    expect(conns).toEqual([
      expect.objectContaining({
        state: 'SYN_RECV',
        client: { address: '192.168.0.10', port: 40000 },
        destination: { address: '192.168.0.101', port: 6443 },
      }),
    ])
  })

  it('a packet from eth0 to a VIP bound locally goes INPUT → IPVS → OUTPUT → POSTROUTING, and the reply is un-NATed', () => {
    const [o] = tracePacket(
      runtime(),
      env,
      tcp('192.168.0.50', '10.96.0.1', 443, { inIface: 'eth0' }),
      'prerouting',
    )
    const r = o?.result
    expect(r?.hooks).toEqual(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'])
    expect(r?.disposition).toBe('forward')
    // MASQUERADE by `-m ipvs --vdir ORIGINAL --vmethod MASQ`: the node's eth0 address.
    expect(r?.packetOut).toMatchObject({
      src: '192.168.0.10',
      dst: '192.168.0.101',
      dport: 6443,
      ttl: 63,
    })
    expect(r?.masquerade).toBe(true)
    expect(r?.conntrack?.orig).toMatchObject({ src: '192.168.0.50', dst: '10.96.0.1', dport: 443 })
    expect(r?.conntrack?.reply).toMatchObject({
      src: '192.168.0.101',
      sport: 6443,
      dst: '192.168.0.10',
    })
    // The SYN-ACK: conntrack un-SNATs the destination, IPVS (FORWARD) puts the VIP back as source.
    const rt = o?.runtime as NetfilterRuntime
    const synack = tcp('192.168.0.101', '192.168.0.10', r?.conntrack?.reply.dport ?? 0, {
      sport: 6443,
      inIface: 'eth0',
      tcpFlags: ['SYN', 'ACK'],
    })
    const [back] = tracePacket(rt, env, synack, 'prerouting')
    expect(back?.result.hooks).toEqual(['PREROUTING', 'FORWARD', 'POSTROUTING'])
    expect(back?.result.packetOut).toMatchObject({
      src: '10.96.0.1',
      sport: 443,
      dst: '192.168.0.50',
      dport: 40000,
    })
    expect(back?.result.events.map(traceLine)).toContain(
      'nat(FORWARD): IPVS un-DNAT 192.168.0.101:6443 -> 10.96.0.1:443',
    )
  })

  it('a forwarded packet (the VIP is not local) never meets IPVS, even with a matching service', () => {
    const [o] = tracePacket(
      runtime(),
      env,
      tcp('192.168.0.50', '10.96.0.99', 443, { inIface: 'eth0' }),
      'prerouting',
    )
    expect(o?.result.hooks).toEqual(['PREROUTING', 'FORWARD', 'POSTROUTING'])
    expect(o?.result.packetOut).toMatchObject({ dst: '10.96.0.99', dport: 443 })
    expect(o?.result.masquerade).toBe(false)
    expect(o?.result.events.some((e) => e.kind === 'ipvs')).toBe(false)
    expect(o?.runtime.ipvs?.state().connections).toEqual([])
  })

  it('rr over 3 live servers: 3 branches of p=1/3; weight 0 never chosen; then the sequence is deterministic', () => {
    const outs = tracePacket(
      runtime(),
      env,
      tcp('192.168.0.50', '10.96.0.2', 80, { inIface: 'eth0' }),
      'prerouting',
    )
    expect(outs.map((o) => o.result.packetOut.dst).sort()).toEqual([
      '192.168.0.21',
      '192.168.0.22',
      '192.168.0.23',
    ])
    for (const o of outs) expect(o.probability).toBeCloseTo(1 / 3, 12)
    // After a pick the rr pointer is known: the next connection goes to the next live server.
    const first = outs.find((o) => o.result.packetOut.dst === '192.168.0.23')
      ?.runtime as NetfilterRuntime
    const next = tracePacket(
      first,
      env,
      tcp('192.168.0.50', '10.96.0.2', 80, { inIface: 'eth0', sport: 40001 }),
      'prerouting',
    )
    expect(next.map((o) => [o.probability, o.result.packetOut.dst])).toEqual([[1, '192.168.0.21']])
  })

  it('no available real server: ICMP port unreachable back to the client, packet dropped (ip_vs_leave)', () => {
    const [o] = tracePacket(
      runtime(),
      env,
      tcp('192.168.0.50', '10.96.0.2', 81, { inIface: 'eth0' }),
      'prerouting',
    )
    expect(o?.result.verdict).toBe('REJECT')
    expect(o?.result.droppedAt).toEqual({ hook: 'INPUT', table: 'ipvs' })
    expect(o?.result.response).toMatchObject({
      src: '10.96.0.2',
      dst: '192.168.0.50',
      icmpType: 3,
      icmpCode: 3,
    })
  })

  it('-m ipvs --vdir ORIGINAL --vmethod MASQ does not match traffic IPVS did not handle', () => {
    const [o] = tracePacket(runtime(), env, tcp('192.168.0.10', '192.168.0.77', 22), 'output')
    expect(o?.result.masquerade).toBe(false)
    expect(o?.result.packetOut.src).toBe('192.168.0.10')
  })

  it('with net.ipv4.vs.conntrack=0 the packet leaves untracked: no MASQUERADE', () => {
    const [o] = tracePacket(
      runtime('0'),
      env,
      tcp('192.168.0.50', '10.96.0.1', 443, { inIface: 'eth0' }),
      'prerouting',
    )
    expect(o?.result.packetOut).toMatchObject({ src: '192.168.0.50', dst: '192.168.0.101' })
    expect(o?.result.conntrack).toBeUndefined()
  })

  it('localhost:NodePort: a loopback source cannot be sent to a remote real server', () => {
    const [o] = tracePacket(runtime(), env, tcp('127.0.0.1', '127.0.0.1', 30080), 'output')
    expect(o?.result.disposition).toBe('dropped')
    expect(o?.result.droppedAt).toEqual({ hook: 'OUTPUT', table: 'ipvs' })
  })

  it('a TCP segment without SYN does not start an IPVS connection: it stays local', () => {
    const [o] = tracePacket(
      runtime(),
      env,
      tcp('192.168.0.50', '10.96.0.1', 443, { inIface: 'eth0', tcpFlags: ['ACK'] }),
      'prerouting',
    )
    expect(o?.result.disposition).toBe('local')
    expect(o?.result.packetOut.dst).toBe('10.96.0.1')
  })
})
