/**
 * kube-proxy's IPVS mode. The `proxier_test.go` cases are kube-proxy's own expectations
 * (pkg/proxy/ipvs/proxier_test.go, the v1.28–v1.33 layout with the `127.0.0.0/8` RETURN rule):
 * virtual services, real servers, ipset members and the (chain, jump, match-set) of the rules.
 * The other cases follow `syncProxyRules`/`writeIptablesRules` of v1.33 line by line; the
 * payload is also read back by kpath's iptables-save parser (what iptables-restore accepts).
 */
import { describe, expect, it } from 'vitest'
import { KpathError } from '../../../errors.js'
import { printIpsetSave } from '../../../ipset/index.js'
import type { IpvsService } from '../../../ipvs/model.js'
import { printIptablesSave } from '../../../netfilter/iptables-save/index.js'
import type { Cluster, EndpointSlice, KubeProxyConfiguration, Service } from '../../model.js'
import { type ProxyNodeContext, proxyNodeContext } from '../context.js'
import { type KubeProxyRender, renderKubeProxy } from '../index.js'
import { cluster, endpoint, NODE, node, proxyConfig, service, slice } from '../testkit.js'
import { setName } from './names.js'
import { goDurationSeconds } from './sysctls.js'

const ipvsConfig = (extra: Partial<KubeProxyConfiguration> = {}) =>
  proxyConfig({ mode: 'ipvs', ...extra })

function render(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  opts: {
    config?: KubeProxyConfiguration
    ifaces?: Record<string, string[]>
    families?: ProxyNodeContext['families']
  } = {},
): KubeProxyRender {
  const c: Cluster = cluster(services, slices, opts.config ?? ipvsConfig(), [
    node(NODE, ['100.101.102.103']),
  ])
  const ctx = proxyNodeContext(c, {
    families: opts.families ?? ['IPv4'],
    interfaces: opts.ifaces ?? {
      lo: ['127.0.0.1/8', '::1/128'],
      eth0: ['100.101.102.103/24', '2001:db8::1:1/64'],
    },
  })
  return renderKubeProxy(c, ctx)
}

function ipvsOf(r: KubeProxyRender) {
  const v = r.ipvs
  if (v === undefined) throw new Error('no ipvs render')
  return v
}

/** `ADDR:PORT/PROTO -> [dest:port@weight]`, the shape of kube-proxy's FakeIPVS expectations. */
function shape(services: readonly IpvsService[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const s of services) {
    if (s.key.kind !== 'addr') continue
    out[`${s.key.address}:${s.key.port}/${s.key.protocol.toUpperCase()}`] = s.destinations.map(
      (d) => `${d.address}:${d.port}@${d.weight}`,
    )
  }
  return out
}

function members(r: KubeProxyRender, name: string): string[] {
  const set = ipvsOf(r).node.ipsets.find((s) => s.name === name)
  if (set === undefined) throw new Error(`no set ${name}`)
  return set.members.map((m) => m.elem)
}

/** (chain, jump target, match-set name) per rule, as kube-proxy's checkIptables compares them. */
function jumps(r: KubeProxyRender, chain: string): string[] {
  const payload = r.ipvs?.families.ipv4?.payload ?? ''
  return payload
    .split('\n')
    .filter((l) => l.startsWith(`-A ${chain} `))
    .map((l) => {
      const to = /-j (\S+)/.exec(l)?.[1] ?? ''
      const set = /--match-set (\S+)/.exec(l)?.[1]
      const src = /(?:^| )-s (\S+)/.exec(l)?.[1]
      return [to, set ?? (src === undefined ? '' : `src ${src}`)].join(' ').trim()
    })
}

const nodePortSvc = (protocol: 'TCP' | 'UDP' | 'SCTP' = 'TCP') =>
  service('ns1', 'svc1', {
    type: 'NodePort',
    clusterIP: '10.20.30.41',
    ports: [{ name: 'p80', protocol, port: 80, targetPort: 80, nodePort: 3001 }],
  })

describe('proxier_test.go TestNodePortIPv4', () => {
  it('1 service with node port, has 2 endpoints', () => {
    const r = render(
      [nodePortSvc()],
      [
        slice('ns1', 'svc1', [endpoint('10.180.0.1')]),
        slice('ns1', 'svc1', [endpoint('1002:ab8::2:10')], { name: 'svc1-2', family: 'IPv6' }),
      ],
    )
    expect(shape(ipvsOf(r).node.ipvs.services)).toEqual({
      '10.20.30.41:80/TCP': ['10.180.0.1:80@1'],
      '100.101.102.103:3001/TCP': ['10.180.0.1:80@1'],
    })
    expect(ipvsOf(r).node.ipvs.services.every((s) => s.scheduler === 'rr')).toBe(true)
  })

  it('1 UDP service with node port, has endpoints', () => {
    const r = render(
      [nodePortSvc('UDP')],
      [slice('ns1', 'svc1', [endpoint('10.180.0.1')], { protocol: 'UDP' })],
      { config: ipvsConfig({ nodePortAddresses: ['0.0.0.0/0'] }) },
    )
    expect(shape(ipvsOf(r).node.ipvs.services)).toEqual({
      '10.20.30.41:80/UDP': ['10.180.0.1:80@1'],
      '100.101.102.103:3001/UDP': ['10.180.0.1:80@1'],
    })
    expect(members(r, 'KUBE-NODE-PORT-UDP')).toEqual(['3001'])
    expect(jumps(r, 'KUBE-SERVICES')).toEqual([
      'RETURN src 127.0.0.0/8',
      'KUBE-MARK-MASQ KUBE-CLUSTER-IP',
      'KUBE-NODE-PORT',
      'ACCEPT KUBE-CLUSTER-IP',
    ])
    // nat and filter KUBE-NODE-PORT together, as the fake iptables of the test holds them.
    expect(jumps(r, 'KUBE-NODE-PORT')).toEqual([
      'KUBE-MARK-MASQ KUBE-NODE-PORT-UDP',
      'ACCEPT KUBE-HEALTH-CHECK-NODE-PORT',
    ])
  })

  it('service has node port but no endpoints', () => {
    const r = render([nodePortSvc()], [])
    expect(shape(ipvsOf(r).node.ipvs.services)).toEqual({
      '10.20.30.41:80/TCP': [],
      '100.101.102.103:3001/TCP': [],
    })
  })

  it('node port service with protocol sctp on a node with multiple nodeIPs', () => {
    const r = render(
      [nodePortSvc('SCTP')],
      [slice('ns1', 'svc1', [endpoint('10.180.0.1')], { protocol: 'SCTP' })],
      {
        ifaces: {
          lo: ['127.0.0.1/8'],
          eth0: ['100.101.102.103/24', '100.101.102.104/24', '100.101.102.105/24'],
          eth1: ['2001:db8::1:1/64', '2001:db8::1:2/64', '2001:db8::1:3/64'],
        },
      },
    )
    expect(Object.keys(shape(ipvsOf(r).node.ipvs.services))).toEqual([
      '10.20.30.41:80/SCTP',
      '100.101.102.103:3001/SCTP',
      '100.101.102.104:3001/SCTP',
      '100.101.102.105:3001/SCTP',
    ])
    expect(members(r, 'KUBE-NODE-PORT-SCTP-HASH')).toEqual([
      '100.101.102.103,sctp:3001',
      '100.101.102.104,sctp:3001',
      '100.101.102.105,sctp:3001',
    ])
    expect(jumps(r, 'KUBE-NODE-PORT')[0]).toBe('KUBE-MARK-MASQ KUBE-NODE-PORT-SCTP-HASH')
  })
})

describe('the restore payload', () => {
  const web = service('ns1', 'web', { clusterIP: '10.96.0.10' })
  const webSlice = slice('ns1', 'web', [endpoint('10.244.1.5', { nodeName: NODE })])

  it('is byte for byte what writeIptablesRules writes for one ClusterIP service', () => {
    const r = render([web], [webSlice])
    expect(ipvsOf(r).families.ipv4?.payload).toBe(
      [
        '*nat',
        ':KUBE-SERVICES - [0:0]',
        ':KUBE-POSTROUTING - [0:0]',
        ':KUBE-NODE-PORT - [0:0]',
        ':KUBE-LOAD-BALANCER - [0:0]',
        ':KUBE-MARK-MASQ - [0:0]',
        '-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN',
        '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ',
        '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT',
        '-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ',
        '-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT',
        '-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN',
        '-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000',
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
        '-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000',
        'COMMIT',
        '*filter',
        ':KUBE-FORWARD - [0:0]',
        ':KUBE-NODE-PORT - [0:0]',
        ':KUBE-PROXY-FIREWALL - [0:0]',
        ':KUBE-SOURCE-RANGES-FIREWALL - [0:0]',
        ':KUBE-IPVS-FILTER - [0:0]',
        ':KUBE-IPVS-OUT-FILTER - [0:0]',
        '-A KUBE-SOURCE-RANGES-FIREWALL -j DROP',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x00004000/0x00004000 -j ACCEPT',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A KUBE-NODE-PORT -m comment --comment "Kubernetes health check node port" -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT',
        '-A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN',
        '-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN',
        '-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP dst,dst -j RETURN',
        '-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN',
        '-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN',
        '-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT',
        'COMMIT',
        '',
      ].join('\n'),
    )
  })

  it('masqueradeAll marks every ClusterIP packet; without a detector only VIP-sourced ones', () => {
    const all = render([web], [webSlice], {
      config: ipvsConfig({
        iptables: { masqueradeAll: true, masqueradeBit: 14, localhostNodePorts: true },
      }),
    })
    expect(all.ipvs?.families.ipv4?.payload).toContain(
      '--match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ\n',
    )
    const { clusterCIDR: _none, ...noCidr } = ipvsConfig()
    const bare = render([web], [webSlice], { config: noCidr })
    expect(bare.ipvs?.families.ipv4?.payload).toContain(
      '--match-set KUBE-CLUSTER-IP src,dst -j KUBE-MARK-MASQ\n',
    )
  })

  it('reads back as the node ruleset, jumps reversed as EnsureRule(Prepend) leaves them', () => {
    const rs = render([web], [webSlice]).iptables?.ipv4?.ruleset
    if (rs === undefined) throw new Error('no ruleset')
    const text = printIptablesSave(rs)
    const input = text.split('\n').filter((l) => l.startsWith('-A INPUT'))
    expect(input.map((l) => /-j (\S+)/.exec(l)?.[1])).toEqual([
      'KUBE-IPVS-FILTER',
      'KUBE-PROXY-FIREWALL',
      'KUBE-NODE-PORT',
    ])
    expect(text).toContain(
      '-A OUTPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-OUT-FILTER',
    )
    expect(text).not.toContain('KUBE-PROXY-CANARY')
  })
})

describe('virtual services, sets and kube-ipvs0', () => {
  it('binds ClusterIPs, externalIPs and LB IPs, but not an external IP the node owns', () => {
    const svc = service('ns1', 'lb', {
      type: 'LoadBalancer',
      clusterIP: '10.96.0.20',
      externalIPs: ['203.0.113.7', '100.101.102.103'],
      lb: ['198.51.100.9'],
      ports: [{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
    })
    const r = render([svc], [slice('ns1', 'lb', [endpoint('10.244.2.3')], { port: 8080 })])
    const n = ipvsOf(r).node
    expect(n.addresses.map((a) => `${a.local}/${a.prefixLen} ${a.scope}`)).toEqual([
      '10.96.0.20/32 global',
      '203.0.113.7/32 global',
      '198.51.100.9/32 global',
    ])
    expect(n.link).toEqual({
      name: 'kube-ipvs0',
      kind: 'dummy',
      mtu: 1500,
      up: false,
      noarp: true,
      txqlen: 0,
    })
    expect(Object.keys(shape(n.ipvs.services))).toEqual([
      '10.96.0.20:80/TCP',
      '203.0.113.7:80/TCP',
      '100.101.102.103:80/TCP',
      '198.51.100.9:80/TCP',
      '100.101.102.103:30080/TCP',
    ])
    expect(members(r, 'KUBE-EXTERNAL-IP')).toEqual(['203.0.113.7,tcp:80', '100.101.102.103,tcp:80'])
    expect(members(r, 'KUBE-LOAD-BALANCER')).toEqual(['198.51.100.9,tcp:80'])
    expect(members(r, 'KUBE-IPVS-IPS')).toEqual(['10.96.0.20', '203.0.113.7', '198.51.100.9'])
    expect(jumps(r, 'KUBE-SERVICES')).toContain('KUBE-LOAD-BALANCER KUBE-LOAD-BALANCER')
  })

  it('ETP Local: local endpoints for external destinations, all for the ClusterIP', () => {
    const svc = service('ns1', 'np', {
      type: 'NodePort',
      clusterIP: '10.96.0.30',
      externalTrafficPolicy: 'Local',
      ports: [{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30001 }],
    })
    const eps = [
      endpoint('10.244.1.2', { nodeName: NODE }),
      endpoint('10.244.9.9', { nodeName: 'other' }),
    ]
    const r = render([svc], [slice('ns1', 'np', eps)])
    expect(shape(ipvsOf(r).node.ipvs.services)).toEqual({
      '10.96.0.30:80/TCP': ['10.244.1.2:80@1', '10.244.9.9:80@1'],
      '100.101.102.103:30001/TCP': ['10.244.1.2:80@1'],
    })
    expect(members(r, 'KUBE-NODE-PORT-LOCAL-TCP')).toEqual(['30001'])
    expect(members(r, 'KUBE-LOOP-BACK')).toEqual(['10.244.1.2,tcp:80,10.244.1.2'])
    expect(jumps(r, 'KUBE-NODE-PORT').slice(0, 2)).toEqual([
      'RETURN KUBE-NODE-PORT-LOCAL-TCP',
      'KUBE-MARK-MASQ KUBE-NODE-PORT-TCP',
    ])
  })

  it('ETP Local without local endpoints falls back to every endpoint (kubernetes#97081)', () => {
    const svc = service('ns1', 'np', {
      type: 'NodePort',
      clusterIP: '10.96.0.30',
      externalTrafficPolicy: 'Local',
      ports: [{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30001 }],
    })
    const r = render([svc], [slice('ns1', 'np', [endpoint('10.244.9.9', { nodeName: 'other' })])])
    expect(shape(ipvsOf(r).node.ipvs.services)['100.101.102.103:30001/TCP']).toEqual([
      '10.244.9.9:80@1',
    ])
  })

  it('session affinity, scheduler and a terminating endpoint draining at weight 0', () => {
    const svc = service('ns1', 'sticky', {
      clusterIP: '10.96.0.40',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
    })
    const eps = [
      endpoint('10.244.1.2'),
      endpoint('10.244.1.3', { conditions: { ready: false, serving: true, terminating: true } }),
    ]
    const r = render([svc], [slice('ns1', 'sticky', eps)], {
      config: ipvsConfig({ ipvs: { scheduler: 'wrr' } }),
    })
    const [vs] = ipvsOf(r).node.ipvs.services
    expect(vs?.scheduler).toBe('wrr')
    expect(vs?.persistence).toEqual({ timeout: 600 })
    expect(vs?.destinations.map((d) => `${d.address}@${d.weight}`)).toEqual([
      '10.244.1.2@1',
      '10.244.1.3@0',
    ])
  })

  it('mh gets the source-hash flag; an unknown scheduler stops kube-proxy', () => {
    const svc = service('ns1', 'web', { clusterIP: '10.96.0.10' })
    const mh = render([svc], [], { config: ipvsConfig({ ipvs: { scheduler: 'mh' } }) })
    expect(ipvsOf(mh).node.ipvs.services[0]?.schedFlags).toEqual(['mh-port'])
    expect(() => render([svc], [], { config: ipvsConfig({ ipvs: { scheduler: 'xx' } }) })).toThrow(
      KpathError,
    )
  })

  it('source ranges without the node IP shut the node out of its LB IP (KUBE-IPVS-OUT-FILTER)', () => {
    const svc = service('ns1', 'fw', {
      type: 'LoadBalancer',
      clusterIP: '10.96.0.50',
      lb: ['198.51.100.9'],
      loadBalancerSourceRanges: ['192.0.2.0/24'],
      ports: [{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30050 }],
    })
    const r = render([svc], [slice('ns1', 'fw', [endpoint('10.244.2.3')])])
    expect(members(r, 'KUBE-LOAD-BALANCER-SOURCE-CIDR')).toEqual([
      '198.51.100.9,tcp:80,192.0.2.0/24',
    ])
    expect(members(r, 'KUBE-LOAD-BALANCER-SOURCE-IP')).toEqual([])
    expect(r.ipvs?.families.ipv4?.payload).toContain(
      '-A KUBE-IPVS-OUT-FILTER -s 198.51.100.9 -m ipvs --vaddr 198.51.100.9 --vproto tcp --vport 80 -j DROP',
    )
    const admitted = render(
      [{ ...svc, spec: { ...svc.spec, loadBalancerSourceRanges: ['100.101.102.0/24'] } }],
      [],
    )
    expect(members(admitted, 'KUBE-LOAD-BALANCER-SOURCE-IP')).toEqual([
      '198.51.100.9,tcp:80,198.51.100.9',
    ])
    expect(admitted.ipvs?.families.ipv4?.payload).not.toContain('KUBE-IPVS-OUT-FILTER -s')
  })

  it('IPv6 sets are KUBE-6-…, cut to 31 characters', () => {
    expect(setName('KUBE-LOAD-BALANCER-SOURCE-CIDR', 'IPv6')).toBe(
      'KUBE-6-LOAD-BALANCER-SOURCE-CID',
    )
    const svc = service('ns1', 'v6', {
      clusterIP: 'fd00:96::10',
      clusterIPs: ['fd00:96::10'],
      ipFamilies: ['IPv6'],
    })
    const r = render([svc], [slice('ns1', 'v6', [endpoint('fd00:244::5')], { family: 'IPv6' })], {
      families: ['IPv4', 'IPv6'],
    })
    const n = ipvsOf(r).node
    expect(n.addresses).toEqual([
      { iface: 'kube-ipvs0', family: 6, local: 'fd00:96::10', prefixLen: 128, scope: 'global' },
    ])
    expect(n.ipsets.map((s) => s.name)).toContain('KUBE-6-LOAD-BALANCER-SOURCE-CID')
    expect(members(r, 'KUBE-6-CLUSTER-IP')).toEqual(['fd00:96::10,tcp:80'])
    expect(r.ipvs?.families.ipv6?.payload).toContain('-A KUBE-SERVICES -s ::1/128 -j RETURN')
  })

  it('creates every set as kube-proxy does, as ipset save prints it', () => {
    const text = printIpsetSave(ipvsOf(render([], [])).node.ipsets)
    expect(text).toContain('create KUBE-NODE-PORT-TCP bitmap:port range 0-65535\n')
    expect(text).toContain(
      'create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536',
    )
    expect(text.split('\n').filter((l) => l.startsWith('create ')).length).toBe(17)
  })
})

describe('sysctls and timeouts', () => {
  it('sets the IPVS sysctls, ARP ones only with strictARP', () => {
    const plain = ipvsOf(render([], [])).node.sysctls
    expect(plain).toEqual({
      'net.ipv4.vs.conntrack': '1',
      'net.ipv4.vs.conn_reuse_mode': '1',
      'net.ipv4.vs.expire_nodest_conn': '1',
      'net.ipv4.vs.expire_quiescent_template': '1',
      'net.ipv4.ip_forward': '1',
    })
    const strict = ipvsOf(render([], [], { config: ipvsConfig({ ipvs: { strictARP: true } }) }))
    expect(strict.node.sysctls['net.ipv4.conf.all.arp_ignore']).toBe('1')
    expect(strict.node.sysctls['net.ipv4.conf.all.arp_announce']).toBe('2')
  })

  it('records ipvsadm --set timeouts from Go durations', () => {
    const n = ipvsOf(
      render([], [], { config: ipvsConfig({ ipvs: { tcpTimeout: '15m', udpTimeout: '1m30s' } }) }),
    ).node
    expect(n.timeouts).toEqual({ tcp: 900, tcpFin: 0, udp: 90 })
    expect(ipvsOf(render([], [])).node.timeouts).toBeUndefined()
    expect(goDurationSeconds('1h0m1.5s', 'x')).toBe(3601)
    expect(() => goDurationSeconds('15 minutes', 'ipvs.tcpTimeout')).toThrow(KpathError)
  })

  it('excludeCIDRs change nothing in a render from a clean node', () => {
    const svc = service('ns1', 'web', { clusterIP: '10.96.0.10' })
    const a = ipvsOf(render([svc], []))
    const b = ipvsOf(
      render([svc], [], { config: ipvsConfig({ ipvs: { excludeCIDRs: ['10.96.0.0/16'] } }) }),
    )
    expect(b.node.ipvs).toEqual(a.node.ipvs)
  })
})
