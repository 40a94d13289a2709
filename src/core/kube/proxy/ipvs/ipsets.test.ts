/**
 * The direct placement of ipset members (the fast path) against reading every member back
 * through kpath's ipset restore model, for entries of every set in both families, including
 * IPv6 addresses, SCTP, and ports out of order.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalIP } from '../ip-text.js'
import { kubeProxyIpsets, kubeProxyIpsetsParsed } from './ipsets.js'
import type { SetKey } from './names.js'

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `10.${a}.${b}.${c}`)
const v6 = fc
  .tuple(fc.nat(0xffff), fc.nat(0xffff))
  // kube-proxy writes Go's canonical text (RFC 5952), which is also what ipset prints.
  .map(([a, b]) => canonicalIP(`fd00:${a.toString(16)}::${b.toString(16)}`) ?? '::')
const proto = fc.constantFrom('tcp', 'udp', 'sctp')
const port = fc.integer({ min: 1, max: 65535 })

function entriesFor(ip: fc.Arbitrary<string>) {
  const ipPort = fc.tuple(ip, proto, port).map(([a, p, n]) => `${a},${p}:${n}`)
  return fc.record({
    cluster: fc.array(ipPort, { maxLength: 8 }),
    loop: fc.array(
      fc.tuple(ip, proto, port).map(([a, p, n]) => `${a},${p}:${n},${a}`),
      { maxLength: 5 },
    ),
    nodePorts: fc.array(port.map(String), { maxLength: 8 }),
    bound: fc.array(ip, { maxLength: 8 }),
    cidr: fc.array(
      fc.tuple(ipPort, fc.constantFrom('192.0.2.0/24', '10.0.0.7/32')).map(([e, c]) => `${e},${c}`),
      { maxLength: 3 },
    ),
  })
}

function toMap(e: {
  cluster: string[]
  loop: string[]
  nodePorts: string[]
  bound: string[]
  cidr: string[]
}) {
  return new Map<SetKey, Set<string>>([
    ['KUBE-CLUSTER-IP', new Set(e.cluster)],
    ['KUBE-LOOP-BACK', new Set(e.loop)],
    ['KUBE-NODE-PORT-TCP', new Set(e.nodePorts)],
    ['KUBE-HEALTH-CHECK-NODE-PORT', new Set(e.nodePorts)],
    ['KUBE-IPVS-IPS', new Set(e.bound)],
    ['KUBE-NODE-PORT-SCTP-HASH', new Set(e.cluster)],
    ['KUBE-LOAD-BALANCER-SOURCE-CIDR', new Set(e.cidr)],
  ])
}

describe('ipset members placed directly equal the restore model’s reading', () => {
  it('IPv4', () => {
    fc.assert(
      fc.property(entriesFor(v4), (e) => {
        const m = toMap(e)
        expect(kubeProxyIpsets(m, 'IPv4')).toEqual(kubeProxyIpsetsParsed(m, 'IPv4'))
      }),
      { numRuns: 60 },
    )
  })
  it('IPv6', () => {
    fc.assert(
      fc.property(entriesFor(v6), (e) => {
        const m = toMap(e)
        m.delete('KUBE-LOAD-BALANCER-SOURCE-CIDR')
        expect(kubeProxyIpsets(m, 'IPv6')).toEqual(kubeProxyIpsetsParsed(m, 'IPv6'))
      }),
      { numRuns: 60 },
    )
  })
})
