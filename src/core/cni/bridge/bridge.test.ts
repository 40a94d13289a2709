/**
 * The bridge plugin model: its names (checked against node:crypto's SHA-512), its ipMasq chain,
 * and the network config read from a Topology's cniConfig.
 */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assemble, mainRoutes, netns } from '../../cluster/testing/clusters.js'
import { loadCluster } from '../../kube/load/index.js'
import { parseIptablesSave, printIptablesSave } from '../../netfilter/iptables-save/index.js'
import { thrown } from '../../testing/errors.js'
import { ipMasqRestore } from './ipmasq.js'
import { cniChainName, cniComment, containerId, hostVethName } from './names.js'
import { sha512Hex } from './sha512.js'

const nodeSha512 = (s: string) => createHash('sha512').update(s, 'utf8').digest('hex')

describe('names', () => {
  it('hashes like node:crypto SHA-512, for any text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        (s) => sha512Hex(s) === nodeSha512(s),
      ),
      { numRuns: 300 },
    )
  })

  it('names the ipMasq chain CNI- + 24 hex digits of SHA-512(network + container ID)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (net, id) => cniChainName(net, id) === `CNI-${nodeSha512(net + id).slice(0, 24)}`,
      ),
    )
    expect(cniComment('cbr0', 'ab')).toBe('name: "cbr0" id: "ab"')
  })

  it('draws distinct vethXXXXXXXX names for the pods of a node, stable across runs', () => {
    const pods = Array.from(
      { length: 300 },
      (_, i) =>
        `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}}\nspec: {nodeName: n, containers: [{name: c}]}`,
    )
    const node =
      'apiVersion: v1\nkind: Node\nmetadata: {name: n}\nspec: {podCIDR: 10.1.0.0/16}\nstatus: {addresses: [{type: InternalIP, address: 10.0.0.2}]}'
    const cluster = loadCluster([{ file: 'p.yaml', text: [node, ...pods].join('\n---\n') }])
    const ctx = { cluster, underlay: new Map(), podCIDRs: new Map(), unsupported: () => undefined }
    const names = cluster.pods.map((p) => hostVethName(ctx, 'n', p))
    for (const n of names) expect(n).toMatch(/^veth[0-9a-f]{8}$/)
    expect(new Set(names).size).toBe(300)
    const again = { ...ctx }
    expect(cluster.pods.map((p) => hostVethName(again, 'n', p))).toEqual(names)
    expect(cluster.pods.map(containerId).every((id) => /^[0-9a-f]{64}$/.test(id))).toBe(true)
  })
})

describe('ipMasq', () => {
  const text = ipMasqRestore('cbr0', 'c'.repeat(64), '10.244.1.2', { net: 0x0af40100, len: 24 })
  const chain = cniChainName('cbr0', 'c'.repeat(64))

  it('writes the per-container chain as SetupIPMasq appends it, in iptables-save form', () => {
    const comment = `--comment "name: \\"cbr0\\" id: \\"${'c'.repeat(64)}\\""`
    expect(text.split('\n')).toEqual([
      '*nat',
      `:${chain} - [0:0]`,
      `-A ${chain} -d 10.244.1.0/24 -m comment ${comment} -j ACCEPT`,
      `-A ${chain} ! -d 224.0.0.0/4 -m comment ${comment} -j MASQUERADE`,
      `-A POSTROUTING -s 10.244.1.2/32 -m comment ${comment} -j ${chain}`,
      'COMMIT',
      '',
    ])
  })

  it('round-trips through the iptables-save parser and printer byte for byte', () => {
    const printed = printIptablesSave(parseIptablesSave(text, { family: 4 }))
    const rules = (t: string) =>
      t
        .split('\n')
        .filter((l) => l.startsWith('-A'))
        .sort()
    expect(rules(printed)).toEqual(rules(text))
  })
})

const topology = (cniConfig: string) =>
  `apiVersion: kpath.dev/v1alpha1\nkind: Topology\nmetadata: {name: t}\nspec:\n  cniConfig: ${cniConfig}`

describe('a bridge network from the Topology', () => {
  const conflist = `{cniVersion: 1.0.0, name: podnet, plugins: [{type: bridge, bridge: br-pods, isGateway: true, ipMasq: false, hairpinMode: false, mtu: 1400, ipam: {type: host-local, subnet: usePodCidr, routes: [{dst: 0.0.0.0/0}]}}, {type: portmap, capabilities: {portMappings: true}}, {type: bandwidth}]}`
  const state = assemble({ extra: [topology(conflist)] })

  it('uses its bridge name, MTU, hairpin and masquerade settings', () => {
    const node = netns(state, 'node-alpha')
    expect(
      node.links
        .filter((l) => l.kind !== 'loopback')
        .map((l) => [
          l.kind,
          l.name.replace(/^veth[0-9a-f]{8}$/, 'vethX'),
          l.mtu,
          l.master ?? '-',
          l.bridgePort?.hairpin ?? '-',
        ]),
    ).toEqual([
      ['veth', 'eth0', 1500, '-', '-'],
      ['bridge', 'br-pods', 1400, '-', '-'],
      ['veth', 'vethX', 1400, 'br-pods', false],
      ['veth', 'vethX', 1400, 'br-pods', false],
    ])
    expect(node.iptables.ipv4 && printIptablesSave(node.iptables.ipv4)).not.toContain('CNI-')
    expect(mainRoutes(netns(state, 'pod-default-web-alpha-1'))).toEqual([
      'default via 10.244.0.1 dev eth0',
      '10.244.0.0/24 dev eth0 proto kernel scope link src 10.244.0.2',
    ])
  })

  it('reports the chained plugins it does not model, located in the Topology', () => {
    expect(state.unsupported).toEqual([
      {
        message: 'CNI plugin "bandwidth" in the chain is not modelled',
        where: expect.stringMatching(/^cluster\.yaml:\d+:\d+$/),
      },
    ])
  })

  it('reports a fixed host-local subnet that is not the node’s podCIDR', () => {
    const s = assemble({
      nodes: 1,
      extra: [
        topology('{type: bridge, isGateway: true, ipam: {type: host-local, subnet: 10.88.0.0/16}}'),
      ],
    })
    expect(s.unsupported.map((u) => u.message)).toEqual([
      "bridge network cbr0: host-local subnet 10.88.0.0/16 differs from node alpha's podCIDR; kpath's pod addresses come from the podCIDR",
    ])
  })

  it('refuses another main plugin and another IPAM, located at the field', () => {
    const ptp = thrown(() =>
      assemble({ extra: [topology('{type: ptp, ipam: {type: host-local}}')] }),
    )
    expect([ptp.code, ptp.message]).toEqual([
      'KPATH_UNSUPPORTED',
      'Topology spec.cniConfig: CNI plugin type "ptp" is not modelled with cni: bridge',
    ])
    const dhcp = thrown(() => assemble({ extra: [topology('{type: bridge, ipam: {type: dhcp}}')] }))
    expect([dhcp.code, dhcp.message]).toEqual([
      'KPATH_PARSE',
      'Topology spec.cniConfig ipam.type: is not an IPAM kpath models',
    ])
    expect(dhcp.location?.text).toContain('dhcp')
  })
})
