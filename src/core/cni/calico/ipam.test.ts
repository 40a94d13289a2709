/**
 * Calico IPAM: blocks, tunnel addresses, pod addresses, what the input pins, and the fixed
 * point the assembly relies on.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Cluster, objectKey } from '../../kube/model.js'
import { calicoPlan } from './plan.js'
import { calicoPodIPs, withCalicoAddress } from './plugin.js'
import { clusterOf } from './testkit.js'

const POOL = (spec: string, name = 'p') =>
  `apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: ${name}}\nspec: ${spec}\n---\n`
const NODE = (name: string, extra = '') =>
  `apiVersion: v1\nkind: Node\nmetadata: {name: ${name}${extra}}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.${name.length}}]}\n---\n`
const POD = (name: string, node: string, extra = '', status = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}${extra}}\nspec: {nodeName: ${node}, containers: [{name: c}]}\n${status}---\n`

const ips = (c: Cluster) => Object.fromEntries(calicoPodIPs(c))
const tunnels = (c: Cluster) => Object.fromEntries(calicoPlan(c).ipam.tunnels)
const blocks = (c: Cluster) =>
  Object.fromEntries([...calicoPlan(c).ipam.blocks].map(([n, bs]) => [n, bs.map((b) => b.cidr)]))

describe('planIpam', () => {
  it('gives each node a block: the tunnel takes its .0, pods follow in order', () => {
    const c = clusterOf(
      POOL('{cidr: 10.244.0.0/16, ipipMode: Always}') +
        NODE('n1') +
        NODE('n2') +
        POD('a', 'n2') +
        POD('b', 'n1') +
        POD('c', 'n2'),
    )
    expect(tunnels(c)).toEqual({ n1: { ipip: '10.244.0.0' }, n2: { ipip: '10.244.0.64' } })
    expect(ips(c)).toEqual({
      'default/a': '10.244.0.65',
      'default/b': '10.244.0.1',
      'default/c': '10.244.0.66',
    })
  })

  it('claims another block when the first is full, and allocates no tunnel without encapsulation', () => {
    const pods = ['a', 'b', 'c', 'd', 'e'].map((p) => POD(p, 'n1')).join('')
    const c = clusterOf(POOL('{cidr: 10.0.0.0/24, blockSize: 30}') + NODE('n1') + pods)
    expect(tunnels(c)).toEqual({})
    expect(blocks(c)).toEqual({ n1: ['10.0.0.0/30', '10.0.0.4/30'] })
    expect(Object.values(ips(c))).toEqual([
      '10.0.0.0',
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
      '10.0.0.4',
    ])
  })

  it("keeps what the input pins: tunnel annotations and Calico's pod annotations, not status", () => {
    const c = clusterOf(
      POOL('{cidr: 10.151.0.0/16, blockSize: 24, ipipMode: Always}') +
        NODE('n1', ', annotations: {projectcalico.org/IPv4IPIPTunnelAddr: 10.151.51.0}') +
        POD('x', 'n1', ', annotations: {cni.projectcalico.org/podIP: 10.151.51.8/32}') +
        POD('y', 'n1', '', 'status: {podIP: 10.151.51.7}\n') +
        POD('z', 'n1', '', 'status: {podIP: 172.20.0.9}\n') +
        POD('w', 'n1'),
    )
    expect(blocks(c)).toEqual({ n1: ['10.151.51.0/24'] })
    expect(ips(c)).toEqual({
      'default/x': '10.151.51.8',
      // status.podIP is what the loader may have filled in: Calico's IPAM decides instead.
      'default/y': '10.151.51.1',
      'default/z': '10.151.51.2',
      'default/w': '10.151.51.3',
    })
  })

  it('honours nodeSelector, disabled pools and the ipv4pools annotation', () => {
    const c = clusterOf(
      POOL('{cidr: 10.1.0.0/16, nodeSelector: "zone == \'a\'"}', 'a-only') +
        POOL('{cidr: 10.2.0.0/16, disabled: true}', 'b-off') +
        POOL('{cidr: 10.3.0.0/16}', 'c') +
        NODE('na', ', labels: {zone: a}') +
        NODE('nb', ', labels: {zone: b}') +
        POD('p1', 'na') +
        POD('p2', 'nb') +
        POD('p3', 'na', `, annotations: {cni.projectcalico.org/ipv4pools: '["c"]'}`),
    )
    expect(ips(c)).toEqual({
      'default/p1': '10.1.0.0',
      'default/p2': '10.3.0.0',
      'default/p3': '10.3.0.64',
    })
  })

  it('reports pods it cannot address and addresses borrowed from another node', () => {
    const c = clusterOf(
      POOL('{cidr: 10.1.0.0/16, nodeSelector: "zone == \'a\'"}') +
        NODE('na', ', labels: {zone: a}') +
        NODE('nb') +
        POD('p0', 'na', ', annotations: {cni.projectcalico.org/podIP: 10.1.0.1/32}') +
        POD('p1', 'na') +
        POD('p2', 'nb') +
        POD('p3', 'nb', ', annotations: {cni.projectcalico.org/podIP: 10.1.0.5/32}') +
        POD('p4', 'na', ', annotations: {cni.projectcalico.org/podIP: 10.1.0.5/32}'),
    )
    expect(ips(c)).toEqual({
      'default/p0': '10.1.0.1',
      'default/p1': '10.1.0.0',
      'default/p3': '10.1.0.5',
      'default/p4': '10.1.0.5',
    })
    expect(calicoPlan(c).findings.map((f) => f.message)).toEqual([
      expect.stringContaining("borrowed from na's block 10.1.0.0/26"),
      'pod default/p4 has 10.1.0.5, which another pod or tunnel already has',
      expect.stringContaining(
        'pod default/p2 gets no Calico address: no enabled IPv4 pool selects its node',
      ),
    ])
  })

  it('skips hostNetwork and unscheduled pods', () => {
    const c = clusterOf(
      POOL('{cidr: 10.1.0.0/16}') +
        NODE('n1') +
        'apiVersion: v1\nkind: Pod\nmetadata: {name: h}\nspec: {nodeName: n1, hostNetwork: true, containers: [{name: c}]}\n---\n' +
        'apiVersion: v1\nkind: Pod\nmetadata: {name: u}\nspec: {containers: [{name: c}], nodeSelector: {none: x}}\n',
    )
    expect(ips(c)).toEqual({})
  })
})

describe('calicoPodIPs is a fixed point', () => {
  const shape = fc.record({
    nodes: fc.integer({ min: 1, max: 4 }),
    pods: fc.array(fc.record({ node: fc.nat(3), pinned: fc.boolean(), status: fc.nat(40) }), {
      maxLength: 12,
    }),
    replicas: fc.integer({ min: 0, max: 6 }),
    ipip: fc.boolean(),
  })

  it('maps the cluster it produced to the same addresses', () => {
    fc.assert(
      fc.property(shape, (s) => {
        let text = POOL(
          `{cidr: 10.7.0.0/22, blockSize: 28, ipipMode: ${s.ipip ? 'Always' : 'Never'}}`,
        )
        for (let i = 0; i < s.nodes; i++) text += NODE(`n${i}`)
        s.pods.forEach((p, i) => {
          // Pinned pods carry Calico's annotation (unique addresses); others maybe a status.
          const pin = p.pinned
            ? `, annotations: {cni.projectcalico.org/podIP: 10.7.3.${16 + i}/32}`
            : ''
          text += POD(`p${i}`, `n${p.node % s.nodes}`, pin, `status: {podIP: 10.7.0.${p.status}}\n`)
        })
        text += `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: ${s.replicas}\n  selector: {matchLabels: {app: d}}\n  template: {metadata: {labels: {app: d}}, spec: {containers: [{name: c}]}}\n`
        const first = clusterOf(text)
        const mapping = calicoPodIPs(first)
        const applied: Cluster = {
          ...first,
          pods: first.pods.map((p) => {
            const ip = mapping.get(objectKey(p))
            return ip === undefined ? p : withCalicoAddress(p, ip)
          }),
        }
        expect(Object.fromEntries(calicoPodIPs(applied))).toEqual(Object.fromEntries(mapping))
        expect(new Set(mapping.values()).size).toBe(mapping.size)
      }),
      { numRuns: 60 },
    )
  })
})
