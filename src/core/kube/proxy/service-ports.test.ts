import { describe, expect, it } from 'vitest'
import type { EndpointSlice, IPFamily, Service } from '../model.js'
import { servicePorts } from './service-ports.js'
import { endpoint, NODE, service, slice } from './testkit.js'

function ports(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  family: IPFamily = 'IPv4',
) {
  const warnings: string[] = []
  const out = servicePorts(
    { services, endpointSlices: slices, family, nodeName: NODE, nodeHints: false },
    (m) => warnings.push(m),
  )
  return { out, warnings }
}

describe('service ports', () => {
  it('names ports ns/name[:port]; the protocol is lower-cased and kept apart', () => {
    const svc = service('ns1', 'svc1', {
      clusterIP: '172.30.0.41',
      ports: [
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
        { protocol: 'SCTP', port: 9, targetPort: 9 },
      ],
    })
    const { out } = ports([svc], [])
    expect(out.map((p) => [p.spn, p.protocol, p.portName])).toEqual([
      ['ns1/svc1:dns', 'udp', 'dns'],
      ['ns1/svc1', 'sctp', ''],
    ])
  })

  it('skips headless, ExternalName and other-family services', () => {
    const list = [
      service('ns', 'headless', { clusterIP: 'None' }),
      service('ns', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
      service('ns', 'v6', { clusterIP: 'fd00::10' }),
    ]
    expect(ports(list, []).out).toEqual([])
    expect(ports(list, [], 'IPv6').out.map((p) => p.clusterIP)).toEqual(['fd00::10'])
  })

  it('picks the ClusterIP of the family from clusterIPs by ipFamilies', () => {
    const svc = service('ns', 'ds', {
      clusterIP: '172.30.0.5',
      clusterIPs: ['172.30.0.5', 'fd00:172:30::5'],
      ipFamilies: ['IPv4', 'IPv6'],
    })
    expect(ports([svc], [], 'IPv6').out[0]?.clusterIP).toBe('fd00:172:30::5')
  })

  it('filters external IPs, LB IPs and source ranges by family; trims ranges; skips ipMode Proxy', () => {
    const svc: Service = {
      ...service('ns', 'lb', {
        type: 'LoadBalancer',
        clusterIP: '172.30.0.9',
        externalIPs: ['192.168.99.1', 'fd00::99', 'bogus'],
        loadBalancerSourceRanges: [' 203.0.113.7/25', '2001:db8::/64'],
      }),
      status: {
        loadBalancer: {
          ingress: [
            { ip: '1.2.3.4' },
            { ip: '5.6.7.8', ipMode: 'Proxy' },
            { hostname: 'lb.example' },
          ],
        },
      },
    }
    const { out, warnings } = ports([svc], [])
    const p = out[0]
    expect(p?.externalIPs).toEqual(['192.168.99.1'])
    expect(p?.loadBalancerVIPs).toEqual(['1.2.3.4'])
    expect(p?.sourceRanges).toEqual(['203.0.113.0/25'])
    expect(warnings).toEqual(['externalIP "bogus" is not an IP address; kube-proxy ignores it'])
  })

  it('keeps healthCheckNodePort only for LoadBalancer with ETP Local', () => {
    const lbLocal = service('ns', 'a', {
      type: 'LoadBalancer',
      clusterIP: '172.30.0.1',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 30000,
    })
    const lbCluster = service('ns', 'b', {
      type: 'LoadBalancer',
      clusterIP: '172.30.0.2',
      externalTrafficPolicy: 'Cluster',
      healthCheckNodePort: 30000,
    })
    const npLocal = service('ns', 'c', {
      type: 'NodePort',
      clusterIP: '172.30.0.3',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 30000,
    })
    expect(ports([lbLocal, lbCluster, npLocal], []).out.map((p) => p.healthCheckNodePort)).toEqual([
      30000, 0, 0,
    ])
  })

  it('ETP Local counts only where external traffic exists (ClusterIP + externalIPs counts)', () => {
    const plain = service('ns', 'a', { clusterIP: '172.30.0.1', externalTrafficPolicy: 'Local' })
    const withExt = service('ns', 'b', {
      clusterIP: '172.30.0.2',
      externalTrafficPolicy: 'Local',
      externalIPs: ['192.168.99.2'],
    })
    expect(ports([plain, withExt], []).out.map((p) => p.externalPolicyLocal)).toEqual([false, true])
  })

  it('defaults the ClientIP affinity timeout to 10800s', () => {
    const a = service('ns', 'a', { clusterIP: '172.30.0.1', sessionAffinity: 'ClientIP' })
    const b = service('ns', 'b', {
      clusterIP: '172.30.0.2',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
    })
    expect(ports([a, b], []).out.map((p) => p.stickySeconds)).toEqual([10800, 60])
  })
})

describe('endpoints per service port', () => {
  const svc = service('ns1', 'svc1', { clusterIP: '172.30.0.41' })

  it('sorts by the ip:port text (10.1.1.11:11 before 10.1.1.1:11), as kube-proxy does', () => {
    const s = slice('ns1', 'svc1', [endpoint('10.1.1.1'), endpoint('10.1.1.11')], { port: 11 })
    expect(ports([svc], [s]).out[0]?.endpoints.map((e) => e.key)).toEqual([
      '10.1.1.11:11',
      '10.1.1.1:11',
    ])
  })

  it('reads conditions (unset ready/serving = true, unset terminating = false) and locality', () => {
    const s = slice('ns1', 'svc1', [
      { addresses: ['10.0.0.1'], nodeName: NODE },
      {
        addresses: ['10.0.0.2'],
        conditions: { ready: false, serving: true, terminating: true },
        nodeName: 'other',
      },
    ])
    const eps = ports([svc], [s]).out[0]?.endpoints ?? []
    expect(eps.map((e) => [e.ip, e.ready, e.serving, e.terminating, e.isLocal])).toEqual([
      ['10.0.0.1', true, true, false, true],
      ['10.0.0.2', false, true, true, false],
    ])
  })

  it('collapses duplicates across slices, preferring the non-terminating copy', () => {
    const term = endpoint('10.0.0.1', {
      conditions: { ready: false, serving: true, terminating: true },
    })
    const live = endpoint('10.0.0.1', { nodeName: NODE })
    for (const order of [
      [term, live],
      [live, term],
    ]) {
      const slices = order.map((e, i) => slice('ns1', 'svc1', [e], { name: `s${i}` }))
      const eps = ports([svc], slices).out[0]?.endpoints ?? []
      expect(eps).toHaveLength(1)
      expect(eps[0]?.terminating).toBe(false)
    }
  })

  it('joins by port name AND protocol, uses addresses[0] only, skips other families and FQDN', () => {
    const tcp = slice('ns1', 'svc1', [endpoint('10.0.0.1'), endpoint('fd00::1')], { name: 'a' })
    const udp = slice('ns1', 'svc1', [endpoint('10.0.0.2')], { name: 'b', protocol: 'UDP' })
    const fqdn: EndpointSlice = {
      ...slice('ns1', 'svc1', [endpoint('example.com')], { name: 'c' }),
      addressType: 'FQDN',
    }
    const other = slice('ns1', 'svc1', [endpoint('10.0.0.3')], { name: 'd', portName: 'other' })
    const two = slice('ns1', 'svc1', [{ addresses: ['10.0.0.4', '10.0.0.5'] }], { name: 'e' })
    const { out, warnings } = ports([svc], [tcp, udp, fqdn, other, two])
    expect(out[0]?.endpoints.map((e) => e.key)).toEqual(['10.0.0.1:80', '10.0.0.4:80'])
    expect(warnings).toEqual([])
  })

  it('normalises sloppy endpoint addresses and brackets IPv6 keys', () => {
    const v4 = slice('ns1', 'svc1', [endpoint('10.180.00.001')])
    expect(ports([svc], [v4]).out[0]?.endpoints[0]?.key).toBe('10.180.0.1:80')
    const svc6 = service('ns1', 'svc1', { clusterIP: 'fd00:172:30::41' })
    const v6 = slice('ns1', 'svc1', [endpoint('FD00:10:180::0:1')], { family: 'IPv6' })
    expect(ports([svc6], [v6], 'IPv6').out[0]?.endpoints[0]?.key).toBe('[fd00:10:180::1]:80')
  })

  it('ignores slices of other namespaces, unlabelled slices and ports without a number', () => {
    const wrongNs = slice('ns2', 'svc1', [endpoint('10.0.0.1')])
    const unlabelled: EndpointSlice = {
      ...slice('ns1', 'svc1', [endpoint('10.0.0.2')]),
      metadata: { name: 'x', namespace: 'ns1' },
    }
    const noPort: EndpointSlice = {
      ...slice('ns1', 'svc1', [endpoint('10.0.0.3')]),
      ports: [{ name: 'p80', protocol: 'TCP' }],
    }
    expect(ports([svc], [wrongNs, unlabelled, noPort]).out[0]?.endpoints).toEqual([])
  })
})
