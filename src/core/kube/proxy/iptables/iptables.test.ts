import { describe, expect, it } from 'vitest'
import { printIptablesSave } from '../../../netfilter/iptables-save/index.js'
import type { Cluster, Endpoint, KubeProxyConfiguration } from '../../model.js'
import { type ProxyNodeContext, proxyNodeContext } from '../context.js'
import { renderKubeProxy } from '../index.js'
import { cluster, endpoint, NODE, proxyConfig, service, slice } from '../testkit.js'

function render(c: Cluster, over: Partial<ProxyNodeContext> = {}) {
  const r = renderKubeProxy(c, proxyNodeContext(c, over))
  const v4 = r.iptables?.ipv4
  if (!v4) throw new Error('no IPv4 render')
  return { r, v4, lines: v4.payload.split('\n') }
}

const web = service('ns1', 'web', {
  clusterIP: '172.30.0.10',
  type: 'NodePort',
  ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
})
const webSlice = (eps: readonly Endpoint[]) =>
  slice('ns1', 'web', eps, { portName: 'http', port: 8080 })
const two = webSlice([
  endpoint('10.0.1.5', { nodeName: NODE }),
  endpoint('10.0.2.5', { nodeName: 'node-b' }),
])

describe('iptables payload: production defaults', () => {
  const { r, v4, lines } = render(cluster([web], [two]))

  it('marks with %#08x, masquerades --random-fully and counts into nfacct', () => {
    expect(lines).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000')
    expect(lines).toContain('-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN')
    expect(lines).toContain(
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    )
    expect(lines).toContain(
      '-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP',
    )
  })

  it('renders both families; the IPv6 proxier has no localhost NodePorts and no martian guard', () => {
    const v6 = r.iptables?.ipv6?.payload ?? ''
    expect(v6).toContain('! -d ::1/128 -j KUBE-NODEPORTS')
    expect(v6).not.toContain('KUBE-FIREWALL')
    expect(v6).not.toContain('ns1/web')
    expect(v4.payload).toContain(':KUBE-FIREWALL - [0:0]')
  })

  it('the node view has the canary chains and the jump rules; iptables-save normalises the mark', () => {
    const saved = printIptablesSave(v4.ruleset, { backend: 'nft' })
    expect(saved.startsWith('*mangle\n')).toBe(true)
    expect(saved.match(/:KUBE-PROXY-CANARY - \[0:0\]/g)).toHaveLength(3)
    expect(saved).toContain('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000')
    expect(saved).toContain('-A INPUT -j KUBE-FIREWALL\n-A INPUT -m conntrack --ctstate NEW')
  })

  it('spreads load 1/2 then the rest, DNATs to the endpoint port', () => {
    expect(v4.payload).toMatch(
      /-m comment --comment "ns1\/web:http -> 10\.0\.1\.5:8080" -m statistic --mode random --probability 0\.5000000000 -j KUBE-SEP-/,
    )
    expect(v4.payload).toMatch(/-m tcp -p tcp -j DNAT --to-destination 10\.0\.2\.5:8080\n/)
  })
})

function withConfig(extra: Partial<KubeProxyConfiguration>, eps = two) {
  return cluster([web], [eps], proxyConfig(extra))
}

describe('iptables payload: configuration variants', () => {
  it('masqueradeAll marks every ClusterIP packet', () => {
    const { v4 } = render(
      withConfig({
        iptables: { masqueradeAll: true, masqueradeBit: 14, localhostNodePorts: true },
      }),
    )
    expect(v4.payload).toContain('-d 172.30.0.10 --dport 80 -j KUBE-MARK-MASQ\n')
  })

  it('masqueradeBit moves the mark', () => {
    const { v4 } = render(
      withConfig({
        iptables: { masqueradeAll: false, masqueradeBit: 5, localhostNodePorts: true },
      }),
    )
    expect(v4.payload).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x00000020')
  })

  it('BridgeInterface / InterfaceNamePrefix detectors match -i', () => {
    const bridge = render(
      withConfig({ detectLocalMode: 'BridgeInterface', detectLocal: { bridgeInterface: 'cbr0' } }),
    )
    expect(bridge.v4.payload).toContain('--dport 80 ! -i cbr0 -j KUBE-MARK-MASQ')
    const prefix = render(
      withConfig({
        detectLocalMode: 'InterfaceNamePrefix',
        detectLocal: { interfaceNamePrefix: 'veth' },
      }),
    )
    expect(prefix.v4.payload).toContain('--dport 80 ! -i veth+ -j KUBE-MARK-MASQ')
  })

  it('without a detector there is no ClusterIP masquerade rule', () => {
    const { v4 } = render(withConfig({ clusterCIDR: '' }))
    expect(v4.payload).not.toContain('cluster IP" -m tcp -p tcp -d 172.30.0.10 --dport 80 ! -s')
    expect(v4.payload).not.toMatch(
      /-A KUBE-SVC-\S+ -m comment --comment "ns1\/web:http cluster IP"/,
    )
  })

  it('explicit nodePortAddresses: one -d rule per node address; localhost only if covered', () => {
    const { v4 } = render(withConfig({ nodePortAddresses: ['192.168.0.0/24', '127.0.0.0/8'] }))
    expect(v4.payload).toContain(
      'this must be the last rule in this chain" -d 192.168.0.2 -j KUBE-NODEPORTS',
    )
    expect(v4.payload).toContain(
      'this must be the last rule in this chain" -d 127.0.0.1 -j KUBE-NODEPORTS',
    )
    const off = render(withConfig({ nodePortAddresses: ['192.168.0.0/24'] }))
    expect(off.v4.payload).not.toContain('-d 127.0.0.1 -j KUBE-NODEPORTS')
    expect(off.v4.payload).not.toContain(':KUBE-FIREWALL')
    expect(off.v4.payload).not.toContain('localhost_nps_accepted_pkts')
  })

  it('tcp_be_liberal drops the INVALID rule; no nfacct support drops the counters', () => {
    const { v4 } = render(withConfig({}), {
      tcpBeLiberal: true,
      nfacctCounters: [],
      hasRandomFully: false,
    })
    expect(v4.payload).not.toContain('--ctstate INVALID')
    expect(v4.payload).not.toContain('nfacct')
    expect(v4.payload).toContain('-j MASQUERADE\n')
  })
})

describe('iptables payload: services', () => {
  it('ClientIP affinity: recent --rcheck per endpoint first, recent --set in each SEP', () => {
    const sticky = service('ns1', 'web', {
      ...web.spec,
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
    })
    const { v4 } = render(cluster([sticky], [two]))
    const svcRules = v4.payload.split('\n').filter((l) => l.startsWith('-A KUBE-SVC-'))
    expect(svcRules[1]).toMatch(
      /-m recent --name (KUBE-SEP-\S+) --rcheck --seconds 600 --reap -j \1$/,
    )
    expect(svcRules[2]).toContain('--rcheck')
    expect(svcRules[3]).toContain('--probability 0.5000000000')
    expect(v4.payload).toMatch(/-m recent --name (KUBE-SEP-\S+) --set -m tcp -p tcp -j DNAT/)
  })

  it('LB source ranges holding the node IP admit the LB IPs as sources too', () => {
    const lb = service('ns1', 'lb', {
      type: 'LoadBalancer',
      clusterIP: '172.30.0.20',
      lb: ['1.2.3.4'],
      loadBalancerSourceRanges: ['192.168.0.0/16', '203.0.113.0/25'],
    })
    const { v4 } = render(cluster([lb], [slice('ns1', 'lb', [endpoint('10.0.1.9')])]))
    const fw = v4.payload.split('\n').filter((l) => l.startsWith('-A KUBE-FW-'))
    expect(fw.map((l) => l.replace(/KUBE-(FW|EXT)-\w+/g, 'X'))).toEqual([
      '-A X -m comment --comment "ns1/lb:p80 loadbalancer IP" -s 192.168.0.0/16 -j X',
      '-A X -m comment --comment "ns1/lb:p80 loadbalancer IP" -s 203.0.113.0/25 -j X',
      '-A X -m comment --comment "ns1/lb:p80 loadbalancer IP" -s 1.2.3.4 -j X',
      '-A X -m comment --comment "other traffic to ns1/lb:p80 will be dropped by KUBE-PROXY-FIREWALL"',
    ])
  })

  it('the sorted payload orders KUBE-SERVICES by comment; the emitted one keeps input order', () => {
    const b = service('ns1', 'b', { clusterIP: '172.30.0.2' })
    const a = service('ns1', 'a', { clusterIP: '172.30.0.1' })
    const { v4 } = render(
      cluster(
        [b, a],
        [slice('ns1', 'a', [endpoint('10.0.0.1')]), slice('ns1', 'b', [endpoint('10.0.0.2')])],
      ),
    )
    const order = (text: string) =>
      text
        .split('\n')
        .filter(
          (l) =>
            l.includes('cluster IP" -m tcp -p tcp -d 172.30.0.') &&
            l.startsWith('-A KUBE-SERVICES'),
        )
        .map((l) => l.slice(l.indexOf('ns1/'), l.indexOf(' cluster')))
    expect(order(v4.payload)).toEqual(['ns1/a:p80', 'ns1/b:p80'])
    expect(order(v4.emitted)).toEqual(['ns1/b:p80', 'ns1/a:p80'])
  })

  it('large-cluster mode (> 1000 endpoints) drops the per-endpoint comments only', () => {
    const many = (n: number) =>
      webSlice(
        Array.from({ length: n }, (_, i) =>
          endpoint(`10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`),
        ),
      )
    const big = render(cluster([web], [many(1001)]), { families: ['IPv4'] }).v4.payload
    const sep = big.split('\n').filter((l) => l.startsWith('-A KUBE-SEP-'))
    expect(sep).toHaveLength(2002)
    expect(sep.every((l) => !l.includes('--comment'))).toBe(true)
    expect(big).toMatch(
      /-A KUBE-SVC-\S+ -m statistic --mode random --probability 0\.0009990010 -j KUBE-SEP-/,
    )
    expect(big).toContain('"ns1/web:http cluster IP"')
    const small = render(cluster([web], [many(1000)]), { families: ['IPv4'] }).v4.payload
    expect(small).toMatch(/-A KUBE-SEP-\S+ -m comment --comment ns1\/web:http -s /)
  })
})
