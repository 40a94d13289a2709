/**
 * Reading Calico's configuration from the loaded objects: pools with Calico's defaults and
 * validation, felix settings, the manifest ConfigMap, block claims, and findings for what the
 * model does not render.
 */
import { describe, expect, it } from 'vitest'
import { KpathError } from '../../errors.js'
import { readCalicoConfig } from './config.js'
import { clusterOf } from './testkit.js'

const read = (text: string) => readCalicoConfig(clusterOf(text, 'calico.yaml'))

function thrown(text: string): KpathError {
  try {
    read(text)
  } catch (e) {
    if (e instanceof KpathError) return e
    throw e
  }
  throw new Error('expected an error')
}

const pool = (name: string, spec: string, api = 'crd.projectcalico.org/v1') =>
  `---\napiVersion: ${api}\nkind: IPPool\nmetadata: {name: ${name}}\nspec: ${spec}\n`

describe('IP pools', () => {
  it('reads both API versions with Calico defaults, canonical CIDRs, sorted by name', () => {
    const c = read(
      pool('z', '{cidr: 10.2.3.4/16, ipipMode: Always, natOutgoing: true}') +
        pool(
          'a',
          '{cidr: 10.9.0.0/16, vxlanMode: CrossSubnet, blockSize: 28, disabled: true}',
          'projectcalico.org/v3',
        ),
    )
    expect(
      c.pools.map((p) => [
        p.name,
        p.cidr,
        p.blockSize,
        p.ipipMode,
        p.vxlanMode,
        p.natOutgoing,
        p.disabled,
      ]),
    ).toEqual([
      ['a', '10.9.0.0/16', 28, 'Never', 'CrossSubnet', false, true],
      ['z', '10.2.0.0/16', 26, 'Always', 'Never', true, false],
    ])
    expect(c.pools[0]?.nodeSelector).toEqual({ op: 'all' })
    expect(c.findings).toEqual([])
  })

  it('falls back to the pool calico-node creates: the pod subnet, IPIP, natOutgoing', () => {
    const c = read(
      'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking: {podSubnet: 10.244.0.0/16}\n',
    )
    expect(c.pools).toMatchObject([
      {
        name: 'default-ipv4-ippool',
        cidr: '10.244.0.0/16',
        blockSize: 26,
        ipipMode: 'Always',
        natOutgoing: true,
      },
    ])
    expect(read('apiVersion: v1\nkind: Node\nmetadata: {name: n}\n').pools[0]?.cidr).toBe(
      '192.168.0.0/16',
    )
  })

  it("takes the operator's pools from an Installation unless IPPools exist", () => {
    const inst = `apiVersion: operator.tigera.io/v1
kind: Installation
metadata: {name: default}
spec:
  calicoNetwork:
    ipPools:
    - {cidr: 192.168.0.0/16}
    - {cidr: 10.10.0.0/16, encapsulation: VXLANCrossSubnet, natOutgoing: Disabled, blockSize: 24}
`
    expect(
      read(inst).pools.map((p) => [p.name, p.ipipMode, p.vxlanMode, p.natOutgoing, p.blockSize]),
    ).toEqual([
      ['default-ipv4-ippool', 'Always', 'Never', true, 26],
      ['ipv4-ippool-1', 'Never', 'CrossSubnet', false, 24],
    ])
    expect(read(inst + pool('mine', '{cidr: 10.0.0.0/8}')).pools.map((p) => p.name)).toEqual([
      'mine',
    ])
  })

  it('refuses what Calico refuses, at the field', () => {
    const both = thrown(pool('p', '{cidr: 10.0.0.0/16, ipipMode: Always, vxlanMode: Always}'))
    expect([both.code, both.location?.line]).toEqual(['KPATH_INVALID_ARGUMENT', 5])
    expect(thrown(pool('p', '{cidr: 10.0.0.0/16, blockSize: 33}')).code).toBe(
      'KPATH_INVALID_ARGUMENT',
    )
    expect(thrown(pool('p', '{cidr: 10.0.0.0/24, blockSize: 20}')).message).toContain(
      'blockSize 20',
    )
    const bad = thrown(pool('p', '{cidr: 10.0.0.0, ipipMode: Sometimes}'))
    expect([bad.code, bad.message]).toEqual(['KPATH_PARSE', expect.stringContaining('spec.cidr')])
  })

  it('locates a nodeSelector error inside the YAML line', () => {
    const e = thrown(pool('p', `{cidr: 10.0.0.0/16, nodeSelector: "zone contains 'a'"}`))
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.location).toMatchObject({ file: 'calico.yaml', line: 5 })
    expect(e.location?.column).toBeGreaterThan(30)
  })

  it('reports IPv6 pools and fields it does not model', () => {
    const c = read(
      pool('v6', '{cidr: fd00::/48}') + pool('p', '{cidr: 10.0.0.0/16, ipip: {enabled: true}}'),
    )
    expect(c.pools.map((p) => p.name)).toEqual(['p'])
    expect(c.findings.map((f) => [f.message, f.location?.line])).toEqual([
      [expect.stringContaining('IPv6 pool fd00::/48'), 5],
      ['IPPool field spec.ipip is not modelled', 10],
    ])
  })
})

describe('felix settings and the manifest ConfigMap', () => {
  it('reads the default FelixConfiguration, reporting what it does not model', () => {
    const c = read(`apiVersion: crd.projectcalico.org/v1
kind: FelixConfiguration
metadata: {name: default}
spec: {vxlanPort: 8472, defaultEndpointToHostAction: Drop, chainInsertMode: Append, logSeverityScreen: Info, bpfEnabled: true, iptablesMarkMask: 255}
---
apiVersion: crd.projectcalico.org/v1
kind: FelixConfiguration
metadata: {name: node.worker-1}
spec: {}
`)
    expect(c.felix).toMatchObject({
      vxlanPort: 8472,
      endpointToHostAction: 'DROP',
      chainInsertMode: 'append',
      vxlanVni: 4096,
    })
    expect(c.findings.map((f) => f.message)).toEqual([
      'FelixConfiguration spec.bpfEnabled is not modelled',
      expect.stringContaining('iptablesMarkMask'),
      expect.stringContaining('node.worker-1'),
    ])
  })

  it('reads calico_backend, veth_mtu and the CNI IPAM of calico-config', () => {
    const cni = JSON.stringify({
      plugins: [
        { type: 'calico', mtu: '__CNI_MTU__', ipam: { type: 'calico-ipam', ipv4_pools: ['blue'] } },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    })
    const c = read(`apiVersion: v1
kind: ConfigMap
metadata: {name: calico-config, namespace: kube-system}
data:
  calico_backend: vxlan
  veth_mtu: "1400"
  typha_service_name: none
  cni_network_config: '${cni}'
`)
    expect([c.backend, c.vethMtu, c.cniPools]).toEqual(['vxlan', 1400, ['blue']])
    expect(c.findings.map((f) => f.message)).toEqual([
      'CNI plugin portmap in the chain is not modelled',
    ])
  })

  it('reports host-local IPAM in the CNI config', () => {
    const cni = JSON.stringify({
      type: 'calico',
      ipam: { type: 'host-local', subnet: 'usePodCidr' },
    })
    const c = read(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: calico-config}\ndata: {cni_network_config: '${cni}'}\n`,
    )
    expect(c.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('IPAM host-local is not modelled'),
    ])
  })
})

describe('block claims and findings', () => {
  it('honours confirmed BlockAffinities and IPAMBlock affinities', () => {
    const c = read(`apiVersion: crd.projectcalico.org/v1
kind: BlockAffinity
metadata: {name: n1-10-244-1-0-26}
spec: {node: n1, cidr: 10.244.1.0/26, state: confirmed, deleted: "false"}
---
apiVersion: crd.projectcalico.org/v1
kind: BlockAffinity
metadata: {name: n2-pending}
spec: {node: n2, cidr: 10.244.2.0/26, state: pending}
---
apiVersion: crd.projectcalico.org/v1
kind: IPAMBlock
metadata: {name: 10-244-3-0-26}
spec: {cidr: 10.244.3.0/26, affinity: "host:n3", allocations: [0, null]}
`)
    expect(c.claims.map((b) => [b.node, b.cidr])).toEqual([
      ['n1', '10.244.1.0/26'],
      ['n3', '10.244.3.0/26'],
    ])
    expect(c.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('IPAMBlock allocations'),
    ])
  })

  it('reports policy, peers, mesh changes and Kubernetes NetworkPolicies; benign kinds pass', () => {
    const c = read(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: deny-all}
spec: {selector: all()}
---
apiVersion: crd.projectcalico.org/v1
kind: BGPPeer
metadata: {name: tor}
spec: {peerIP: 192.168.1.1, asNumber: 64567}
---
apiVersion: crd.projectcalico.org/v1
kind: BGPConfiguration
metadata: {name: default}
spec: {nodeToNodeMeshEnabled: false, asNumber: 64513}
---
apiVersion: crd.projectcalico.org/v1
kind: ClusterInformation
metadata: {name: default}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-db, namespace: default}
spec: {podSelector: {}}
`)
    expect(c.findings.map((f) => [f.message.split(':')[0], f.location?.line])).toEqual([
      ['GlobalNetworkPolicy deny-all', 1],
      ['BGPPeer tor', 6],
      ['nodeToNodeMeshEnabled', 14],
      ['NetworkPolicy allow-db', 20],
    ])
    expect(c.asNumber).toBe(64513)
  })
})
