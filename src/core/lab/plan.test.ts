import { describe, expect, it } from 'vitest'
import { emptyNetns, type NetnsState } from '../model/netns.js'
import { parseIptablesSave } from '../netfilter/iptables-save/index.js'
import { labNetnsName, sysctlKey, validLabId } from './names.js'
import { planLab } from './plan.js'

function veth(name: string, peerNs: string, peer: string, index: number) {
  return {
    index,
    name,
    kind: 'veth' as const,
    mtu: 1500,
    up: true,
    peer: { netns: peerNs, name: peer },
  }
}

const node: NetnsState = {
  ...emptyNetns('node-a'),
  links: [...emptyNetns('x').links, veth('eth0', 'pod-p', 'eth0', 2)],
  sysctls: { 'net.ipv4.ip_forward': '1', 'net.ipv4.conf.flannel.1.rp_filter': '2' },
  iptables: {
    ipv4: parseIptablesSave(
      '*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP\nCOMMIT\n',
      { family: 4 },
    ),
  },
  daemons: [
    {
      name: 'flanneld',
      kind: 'flanneld-udp',
      config: {
        device: 'flannel0',
        port: 8285,
        local: '10.0.0.1',
        'route:10.1.0.0/24': '10.0.0.2',
      },
    },
    { name: 'bird', kind: 'bird', config: {} },
  ],
}
const pod: NetnsState = {
  ...emptyNetns('pod-p'),
  links: [...emptyNetns('x').links, veth('eth0', 'node-a', 'eth0', 2)],
  daemons: [
    { name: 'echo', kind: 'echo-server', config: { pod: 'default/p', port: 53, protocol: 'UDP' } },
    { name: 'echo2', kind: 'echo-server', config: { pod: 'default/p', port: 53, protocol: 'UDP' } },
  ],
}

describe('planLab', () => {
  const plan = planLab([node, pod], { id: 'demo', backend: 'nft' })

  it('names every namespace kpath-<lab>-<emulator name> and moves veth peers into the lab', () => {
    expect(plan.namespaces.map((n) => n.name)).toEqual(['kpath-demo-node-a', 'kpath-demo-pod-p'])
    expect(plan.namespaces[0]?.batch.create).toEqual([
      'link add eth0 index 2 mtu 1500 type veth peer name eth0 index 2 mtu 1500 netns kpath-demo-pod-p',
    ])
    expect(plan.namespaces[1]?.batch.create).toEqual([])
  })

  it('prints the ruleset for iptables-restore and lists the nfacct objects its rules need', () => {
    expect(plan.namespaces[0]?.iptables4).toMatch(
      /-A FORWARD -m nfacct --nfacct-name +ct_state_invalid_dropped_pkts -j DROP/,
    )
    expect(plan.namespaces[0]?.nfacct).toEqual(['ct_state_invalid_dropped_pkts'])
    expect(plan.namespaces[1]?.iptables4).toBeUndefined()
  })

  it('configures one echo listener per port and flanneld; BIRD is said to be skipped', () => {
    expect(plan.labd.listeners).toEqual([
      { netns: 'kpath-demo-pod-p', pod: 'default/p', port: 53, proto: 'udp' },
    ])
    expect(plan.labd.flanneld).toEqual([
      {
        netns: 'kpath-demo-node-a',
        device: 'flannel0',
        local: '10.0.0.1',
        port: 8285,
        routes: [['10.1.0.0/24', '10.0.0.2']],
      },
    ])
    expect(plan.skipped).toEqual([
      'node-a: bird: bird is not run; its routes are installed as computed',
    ])
  })

  it('refuses ipip, dummy and IPVS, naming each namespace', () => {
    const ipip = {
      ...node,
      links: [
        ...node.links,
        { index: 3, name: 'tunl0', kind: 'ipip' as const, mtu: 1480, up: true },
      ],
    }
    expect(() => planLab([ipip, pod], { id: 'x', backend: 'legacy' })).toThrow(
      /node-a: tunl0: ipip link \(the kernel has no CONFIG_NET_IPIP\)/,
    )
    expect(() => planLab([node], { id: 'Bad_Name', backend: 'legacy' })).toThrow(/bad lab name/)
  })
})

describe('names', () => {
  it('accepts short lower-case ids only', () => {
    expect(['a', 'lab1', 'c-2'].map(validLabId)).toEqual([true, true, true])
    expect(['', '-a', 'a-', 'A', 'a--b', 'x'.repeat(21)].map(validLabId)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ])
    expect(labNetnsName('l1', 'pod-default-web')).toBe('kpath-l1-pod-default-web')
  })

  it('writes per-link sysctl keys with slashes, so that a dotted interface name stays whole', () => {
    expect(sysctlKey('net.ipv4.conf.flannel.1.rp_filter')).toBe('net/ipv4/conf/flannel.1/rp_filter')
    expect(sysctlKey('net.ipv6.neigh.eth0.proxy_delay')).toBe('net/ipv6/neigh/eth0/proxy_delay')
    expect(sysctlKey('net.ipv4.ip_forward')).toBe('net.ipv4.ip_forward')
  })
})
