/**
 * Seed 003 (/work/shared/seeds/003_d896be209be6cb8a.txt): flannel udp; the node slave1 curls the
 * ClusterIP 10.254.51.153:80 whose endpoint 192.168.67.4:8082 is on another node, on
 * examples/seeds/003-flannel-udp-rp-filter.yaml. Each test quotes what the author observed, and
 * names what the author could not see: the endpoint node's reverse-path filter drops the packet
 * flanneld writes into flannel0 with the underlay source 10.39.0.17.
 */
import { describe, expect, it } from 'vitest'
import { traceCluster } from '../../src/core/walk/index.js'
import { assembleExample, events, expectRoundTrip, snatsTo, syn } from './seed-kit.js'

const FILE = '003-flannel-udp-rp-filter.yaml'
const POD = 'pod-default-busybox-1865195333-zkwtt'
const SLAVE2_RP = '- {name: slave2, sysctls: {net.ipv4.conf.all.rp_filter: "1"}}'

function curl(edit: (t: string) => string = (t) => t, src = '10.39.0.17') {
  const state = assembleExample(FILE, edit)
  const t = traceCluster(state, { netns: 'node-slave1', packet: syn(src, '10.254.51.153', 80) })
  expect(t.branches).toHaveLength(1)
  const b = t.branches[0]
  if (b === undefined) throw new Error('no branch')
  return b
}

describe('seed 003: `curl http://10.254.51.153` on slave1 (default route dev eth0)', () => {
  const b = curl()

  it('leaves by flannel0 with source 10.39.0.17 after the DNAT to 192.168.67.4:8082 (the LOG lines)', () => {
    const send = b.hops[0]
    // nat out: OUT=eth0 SRC=10.39.0.17 DST=10.254.51.153; filter out: DST=192.168.67.4 DPT=8082;
    // mangle/nat post: OUT=flannel0 SRC=10.39.0.17 DST=192.168.67.4.
    expect(events(send)).toContain('route: 10.254.51.153 via dev eth0: send via OUTPUT')
    expect(events(send)).toContain('nat(OUTPUT): DNAT 10.254.51.153:80 -> 192.168.67.4:8082')
    expect(events(send)).toContain('re-route: 192.168.67.4 via dev flannel0: send via OUTPUT')
    expect(send?.outIface).toBe('flannel0')
    expect(send?.packet).toMatchObject({ src: '10.39.0.17', dst: '192.168.67.4', dport: 8082 })
    expect(events(send).some((l) => l.includes('SNAT'))).toBe(false)
  })

  it('gets no reply: the endpoint node drops it on flannel0 input by strict rp_filter', () => {
    expect(b.outcome).toEqual({
      kind: 'dropped',
      netns: 'node-slave2',
      where: 'node-slave2 routing',
      reason: 'rp_filter',
    })
    const last = b.hops.at(-1)
    expect(last).toMatchObject({ netns: 'node-slave2', kind: 'ip', inIface: 'flannel0' })
    expect(events(last)).toContain('route: 192.168.67.4: rp_filter')
    // tcpdump on the endpoint's flannel0 showed no SYN-ACK: nothing reached the pod.
    expect(b.hops.some((h) => h.netns === POD)).toBe(false)
    expect(b.reply).toBeUndefined()
  })
})

describe('seed 003: what works', () => {
  it('`curl --interface flannel0` (source 192.168.82.0) is answered', () => {
    const b = curl((t) => t, '192.168.82.0')
    expectRoundTrip(
      b,
      { netns: POD, serverSaw: { src: '192.168.82.0' } },
      { netns: 'node-slave1', serverSaw: { src: '10.254.51.153', sport: 80 } },
    )
  })

  it('loose rp_filter (2) on the endpoint node alone: the request passes, the reply dies on slave1', () => {
    // The reply to 10.39.0.17 leaves slave2 by eth0 (not flannel0) and reaches slave1 on eth0
    // with source 192.168.67.4, which slave1 routes into flannel0: strict rp_filter there.
    const b = curl((t) => t.replace(SLAVE2_RP, SLAVE2_RP.replace('"1"', '"2"')))
    expect(b.outcome).toMatchObject({
      kind: 'delivered',
      netns: POD,
      serverSaw: { src: '10.39.0.17' },
    })
    expect(b.reply?.hops.find((h) => h.netns === 'node-slave2')?.outIface).toBe('eth0')
    expect(b.reply?.outcome).toEqual({
      kind: 'dropped',
      netns: 'node-slave1',
      where: 'node-slave1 routing',
      reason: 'rp_filter',
    })
  })

  it('loose rp_filter (2) on both nodes: answered, the reply returning over the underlay', () => {
    const b = curl((t) => t.replaceAll('rp_filter: "1"', 'rp_filter: "2"'))
    expectRoundTrip(
      b,
      { netns: POD, serverSaw: { src: '10.39.0.17' } },
      { netns: 'node-slave1', serverSaw: { src: '10.254.51.153', sport: 80 } },
    )
  })

  it("kube-proxy's cluster-range masquerade (clusterCIDR 192.168.0.0/16) rewrites the source to 192.168.82.0", () => {
    const b = curl((t) => t.replace('clusterCIDR: ""', 'clusterCIDR: 192.168.0.0/16'))
    expect(b.hops[0]?.netfilter).toContain('TRACE: nat:KUBE-MARK-MASQ:rule:1')
    expect(snatsTo(b.hops[0], '10.39.0.17', '192.168.82.0')).toBe(true)
    expectRoundTrip(
      b,
      { netns: POD, serverSaw: { src: '192.168.82.0' } },
      { netns: 'node-slave1', serverSaw: { src: '10.254.51.153', sport: 80 } },
    )
  })
})
