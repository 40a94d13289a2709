import { describe, expect, it } from 'vitest'
import type { Cluster, KubeProxyConfiguration } from '../../model.js'
import { proxyNodeContext } from '../context.js'
import { renderKubeProxy } from '../index.js'
import { cluster, endpoint, NODE, proxyConfig, service, slice } from '../testkit.js'
import { compareElements } from './element-order.js'
import { listTable, nftTime, priorityText } from './listing.js'
import type { NftElement } from './model.js'

describe('nft listing details', () => {
  it('prints durations as nft does', () => {
    expect([10800, 3700, 86400, 90061, 60, 0].map(nftTime)).toEqual([
      '3h',
      '1h1m40s',
      '1d',
      '1d1h1m1s',
      '1m',
      '0s',
    ])
  })

  it('names priorities only where nft does (dstnat on prerouting, srcnat on postrouting)', () => {
    expect(priorityText({ type: 'filter', hook: 'prerouting', priority: -110 })).toBe('dstnat - 10')
    expect(priorityText({ type: 'filter', hook: 'output', priority: -110 })).toBe('-110')
    expect(priorityText({ type: 'nat', hook: 'output', priority: -100 })).toBe('-100')
    expect(priorityText({ type: 'nat', hook: 'prerouting', priority: -100 })).toBe('dstnat')
    expect(priorityText({ type: 'nat', hook: 'postrouting', priority: 100 })).toBe('srcnat')
    expect(priorityText({ type: 'filter', hook: 'input', priority: 5 })).toBe('filter + 5')
  })

  it('orders concatenated keys from the last byte backwards, plain addresses numerically', () => {
    const key = ['ipv4_addr', 'inet_proto', 'inet_service'] as const
    const el = (ip: string, proto: string, port: number): NftElement => ({
      key: [ip, proto, String(port)],
    })
    const sorted = [
      el('10.0.0.1', 'tcp', 443),
      el('9.0.0.1', 'tcp', 8080),
      el('10.0.0.1', 'udp', 80),
      el('10.0.0.2', 'tcp', 80),
      el('10.0.0.1', 'tcp', 80),
      el('10.0.0.1', 'tcp', 256),
    ]
      .sort((a, b) => compareElements(key, a, b))
      .map((e) => e.key.join(' . '))
    // Recorded from nft 1.0.6 (see the module comment of element-order.ts).
    expect(sorted).toEqual([
      '10.0.0.1 . tcp . 256',
      '10.0.0.1 . tcp . 80',
      '10.0.0.2 . tcp . 80',
      '10.0.0.1 . udp . 80',
      '9.0.0.1 . tcp . 8080',
      '10.0.0.1 . tcp . 443',
    ])
    const plain = [{ key: ['10.0.0.1'] }, { key: ['9.0.0.2'] }, { key: ['172.30.0.41'] }]
      .sort((a, b) => compareElements(['ipv4_addr'], a, b))
      .map((e) => e.key[0])
    expect(plain).toEqual(['9.0.0.2', '10.0.0.1', '172.30.0.41'])
  })

  it('wraps two IPv4 addresses per line, one IPv6 address or map element per line', () => {
    const text = listTable({
      family: 'ip',
      name: 't',
      comment: 'c',
      chains: [],
      sets: [
        {
          kind: 'set',
          name: 'a',
          key: ['ipv4_addr'],
          elements: ['1.1.1.1', '1.1.1.2', '1.1.1.3'].map((ip) => ({ key: [ip] })),
        },
        {
          kind: 'set',
          name: 'b',
          key: ['ipv6_addr'],
          elements: ['::1', '::2'].map((ip) => ({ key: [ip] })),
        },
      ],
    })
    expect(text).toContain('elements = { 1.1.1.1, 1.1.1.2,\n\t\t\t     1.1.1.3 }')
    expect(text).toContain('elements = { ::1,\n\t\t\t     ::2 }')
  })
})

function nft(c: Cluster, family: 'ipv4' | 'ipv6' = 'ipv4'): string {
  const nc: Cluster = { ...c, kubeProxy: { ...c.kubeProxy, mode: 'nftables' } }
  const out = renderKubeProxy(nc, proxyNodeContext(nc, { nfacctCounters: [] }))
  const text = out.nftables?.[family]
  if (text === undefined) throw new Error('no listing')
  return text
}

const np = service('ns1', 'np', {
  clusterIP: '172.30.0.20',
  type: 'NodePort',
  externalTrafficPolicy: 'Local',
  ports: [{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30020 }],
})

describe('nftables table: service shapes', () => {
  it('defaults nodePortAddresses to the primary node IP in nftables mode', () => {
    const text = nft(cluster([], []))
    expect(text).toContain(
      'set nodeport-ips {\n\t\ttype ipv4_addr\n\t\tcomment "IPs that accept NodePort traffic"\n\t\telements = { 192.168.0.2 }',
    )
  })

  it('match-all nodePortAddresses: no nodeport-ips set, fib local minus loopback', () => {
    const config: KubeProxyConfiguration = proxyConfig({ nodePortAddresses: ['0.0.0.0/0', '::/0'] })
    const text = nft(cluster([], [], config))
    expect(text).not.toContain('nodeport-ips')
    expect(text).toContain(
      'fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports',
    )
    expect(text).toContain(
      'ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports',
    )
    expect(nft(cluster([], [], config), 'ipv6')).toContain(
      'fib daddr type local ip6 daddr != ::1 meta l4proto',
    )
  })

  it('ETP Local without local endpoints: short-circuits only, and the NodePort drops', () => {
    const text = nft(
      cluster([np], [slice('ns1', 'np', [endpoint('10.0.2.1', { nodeName: 'node-b' })])]),
    )
    expect(text).toContain('elements = { tcp . 30020 comment "ns1/np:p80" : drop }')
    const ext = text.slice(
      text.indexOf('chain external-'),
      text.indexOf('}', text.indexOf('chain external-')),
    )
    expect(ext).toContain('ip saddr 10.0.0.0/8 goto service-')
    expect(ext).not.toContain('goto local-')
    expect(text).not.toContain('chain local-')
  })

  it('ETP Local with a local endpoint ends in the local chain', () => {
    const text = nft(
      cluster(
        [np],
        [slice('ns1', 'np', [endpoint('10.0.1.1', { nodeName: NODE }), endpoint('10.0.2.1')])],
      ),
    )
    expect(text).toMatch(/\t\tgoto local-\S+-ns1\/np\/tcp\/p80\n\t}/)
    expect(text).toMatch(
      /chain local-\S+ \{\n\t\tnumgen random mod 1 vmap \{ 0 : goto endpoint-\S+__10\.0\.1\.1\/80 \}/,
    )
  })

  it('no endpoints at all: reject-chain for the ClusterIP; ITP Local without local ones: drop', () => {
    const none = service('ns1', 'none', { clusterIP: '172.30.0.21' })
    const itp = service('ns1', 'itp', { clusterIP: '172.30.0.22', internalTrafficPolicy: 'Local' })
    const text = nft(cluster([none, itp], [slice('ns1', 'itp', [endpoint('10.0.2.2')])]))
    expect(text).toContain('172.30.0.21 . tcp . 80 comment "ns1/none:p80" : goto reject-chain')
    expect(text).toContain('172.30.0.22 . tcp . 80 comment "ns1/itp:p80" : drop')
    expect(text).toContain('elements = { 172.30.0.21, 172.30.0.22 }')
  })

  it('masqueradeAll (nftables section) marks all ClusterIP traffic; the mark bit moves', () => {
    const config = proxyConfig({ nftables: { masqueradeAll: true, masqueradeBit: 1 } })
    const text = nft(cluster([np], [slice('ns1', 'np', [endpoint('10.0.2.1')])], config))
    expect(text).toContain('\t\tip daddr 172.30.0.20 jump mark-for-masquerade\n')
    expect(text).toContain('meta mark set meta mark | 0x00000002')
  })

  it('IPv6 endpoints get dotted chain names and bracketed DNAT targets', () => {
    const v6 = service('ns1', 'v6', { clusterIP: 'fd00:30::1' })
    const text = nft(
      cluster([v6], [slice('ns1', 'v6', [endpoint('fd00:10::5')], { family: 'IPv6' })]),
      'ipv6',
    )
    expect(text).toMatch(/chain endpoint-\w{8}-ns1\/v6\/tcp\/p80__fd00\.10\.\.5\/80 \{/)
    expect(text).toContain('meta l4proto tcp dnat to [fd00:10::5]:80')
    expect(text).toContain(
      'ip6 daddr fd00:30::1 ip6 saddr != fd00:10::/64 jump mark-for-masquerade',
    )
  })
})
