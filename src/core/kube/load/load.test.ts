/**
 * Loading: multi-document files, Lists, several files, ignored kinds, API-server and
 * kube-proxy defaults, kind and kubeadm configuration.
 */
import { describe, expect, it } from 'vitest'
import { loadCluster, readDraft } from './index.js'

const NO_CONTROLLERS_SVC = { apiServerService: false } as const

describe('documents and files', () => {
  it('reads several documents, a List, and several files into one cluster', () => {
    const a = `apiVersion: v1
kind: Service
metadata: {name: a, namespace: x}
spec: {clusterIP: 10.96.0.10, ports: [{port: 53, protocol: UDP}]}
---
# an empty document is allowed
---
apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: v1
  kind: Node
  metadata: {name: n1}
- apiVersion: v1
  kind: Node
  metadata: {name: n2}
`
    const b =
      'apiVersion: v1\nkind: ServiceList\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n  spec: {clusterIP: 10.96.0.11, ports: [{port: 80}]}\n'
    const c = loadCluster([
      { file: 'a.yaml', text: a },
      { file: 'b.yaml', text: b },
    ])
    expect(c.services.map((s) => s.metadata.name)).toEqual(['a', 'b'])
    expect(c.nodes.map((n) => n.metadata.name)).toEqual(['n1', 'n2'])
    expect(c.locations.get(c.nodes[1] ?? {})).toMatchObject({ file: 'a.yaml', line: 16, column: 3 })
    expect(c.locations.get(c.services[1] ?? {})).toMatchObject({ file: 'b.yaml', line: 4 })
  })

  it('lists each kind it does not use once, with its location (ConfigMaps are kept)', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
---
apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata: {name: capi}
`
    const c = loadCluster([{ file: 'x.yaml', text }])
    expect(c.ignored.map((i) => `${i.apiVersion} ${i.kind} ${i.name} ${i.location.line}`)).toEqual([
      'networking.k8s.io/v1 Ingress web 5',
      'cluster.x-k8s.io/v1beta1 Cluster capi 9',
    ])
  })

  it('reads explicit nulls as absent, as the API server decodes them', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  name: web
spec:
  replicas: null
  selector: {matchLabels: {app: web}}
  template:
    metadata: {creationTimestamp: null, labels: {app: web}}
    spec:
      containers: [{name: c, image: nginx, resources: {}}]
`
    const d = readDraft([{ file: 'x', text }])
    expect(d.workloads[0]?.spec.replicas).toBeUndefined()
    expect(d.workloads[0]?.metadata).not.toHaveProperty('creationTimestamp')
  })

  it('keeps unknown fields', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}], foo: 1}\nextra: yes\n'
    const s = readDraft([{ file: 'x', text }]).services[0]
    expect(s).toHaveProperty('extra', 'yes')
    expect(s?.spec).toHaveProperty('foo', 1)
  })

  it('a `__proto__` key stays a plain field', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n__proto__: {polluted: 1}\n'
    const s = readDraft([{ file: 'x', text }]).services[0]
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(s)).toBe(Object.prototype)
  })
})

describe('API-server defaults', () => {
  const svc = (spec: string) =>
    readDraft([
      { file: 'x', text: `apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n${spec}` },
    ]).services[0]

  it('namespace default, type ClusterIP, protocol TCP, targetPort = port, policies', () => {
    const s = svc('  ports:\n  - port: 80\n  - port: 53\n    targetPort: 0\n    protocol: UDP\n')
    expect(s?.metadata.namespace).toBe('default')
    expect(s?.spec.type).toBe('ClusterIP')
    expect(s?.spec.ports).toEqual([
      { protocol: 'TCP', port: 80, targetPort: 80 },
      { protocol: 'UDP', port: 53, targetPort: 53 },
    ])
    expect(s?.spec.sessionAffinity).toBe('None')
    expect(s?.spec.internalTrafficPolicy).toBe('Cluster')
    expect(s?.spec.externalTrafficPolicy).toBeUndefined()
  })

  it('NodePort and LoadBalancer get externalTrafficPolicy Cluster; LB allocates node ports', () => {
    expect(svc('  type: NodePort\n  ports: [{port: 80}]\n')?.spec.externalTrafficPolicy).toBe(
      'Cluster',
    )
    const lb = svc('  type: LoadBalancer\n  ports: [{port: 80, targetPort: http}]\n')
    expect(lb?.spec.allocateLoadBalancerNodePorts).toBe(true)
    expect(lb?.spec.ports[0]?.targetPort).toBe('http')
    expect(
      svc('  type: LoadBalancer\n  externalTrafficPolicy: Local\n  ports: [{port: 80}]\n')?.spec
        .externalTrafficPolicy,
    ).toBe('Local')
  })

  it('ClientIP affinity times out after 10800 s unless given', () => {
    expect(
      svc('  sessionAffinity: ClientIP\n  ports: [{port: 80}]\n')?.spec.sessionAffinityConfig,
    ).toEqual({
      clientIP: { timeoutSeconds: 10800 },
    })
    expect(
      svc(
        '  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}\n  ports: [{port: 80}]\n',
      )?.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds,
    ).toBe(60)
  })

  it('ExternalName gets no traffic policy', () => {
    const s = svc('  type: ExternalName\n  externalName: example.com\n')
    expect(s?.spec.internalTrafficPolicy).toBeUndefined()
    expect(s?.spec.ports).toEqual([])
  })

  it('container and endpoint port protocols default to TCP; Node namespace stays unset', () => {
    const d = readDraft([
      {
        file: 'x',
        text: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c, ports: [{containerPort: 80, name: http}]}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: s-1, labels: {kubernetes.io/service-name: s}}
addressType: IPv4
endpoints: null
ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Node
metadata: {name: n}
`,
      },
    ])
    expect(d.pods[0]?.spec.containers[0]?.ports?.[0]?.protocol).toBe('TCP')
    expect(d.endpointSlices[0]?.ports?.[0]?.protocol).toBe('TCP')
    expect(d.endpointSlices[0]?.endpoints).toEqual([])
    expect(d.nodes[0]?.metadata.namespace).toBeUndefined()
    expect(d.nodes[0]?.status.addresses).toEqual([])
  })
})

describe('kube-proxy configuration', () => {
  it('defaults when none is given', () => {
    const c = loadCluster([{ file: 'x', text: '' }])
    expect(c.kubeProxy).toMatchObject({
      mode: 'iptables',
      detectLocalMode: 'ClusterCIDR',
      nodePortAddresses: [],
      iptables: { masqueradeAll: false, masqueradeBit: 14, localhostNodePorts: true },
    })
    expect(c.kubeProxy.clusterCIDR).toBeUndefined()
  })

  it('keeps given values, including an empty clusterCIDR, and fills the rest', () => {
    const text = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: ""
clusterCIDR: ""
iptables: {masqueradeBit: 5}
nodePortAddresses: [primary, 192.168.0.0/24]
`
    const c = loadCluster([{ file: 'kp.yaml', text }])
    expect(c.kubeProxy.mode).toBe('iptables')
    expect(c.kubeProxy.clusterCIDR).toBe('')
    expect(c.kubeProxy.iptables).toEqual({
      masqueradeBit: 5,
      masqueradeAll: false,
      localhostNodePorts: true,
    })
    expect(c.kubeProxy.nodePortAddresses).toEqual(['primary', '192.168.0.0/24'])
    expect(c.locations.get(c.kubeProxy)).toMatchObject({ file: 'kp.yaml', line: 1 })
  })

  it('rejects a mode kpath does not model', () => {
    const text =
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: kernelspace\n'
    expect(() => loadCluster([{ file: 'x', text }])).toThrow(
      /mode: "kernelspace" is not a kube-proxy mode/,
    )
  })
})

describe('cluster configuration', () => {
  it('kind: nodes named as kind names them, default subnets, mode, control-plane taint', () => {
    const text = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  kubeProxyMode: nftables
nodes:
- role: control-plane
- role: worker
- role: worker
  labels: {zone: b}
`
    const c = loadCluster([{ file: 'kind.yaml', text }])
    expect(c.nodes.map((n) => n.metadata.name)).toEqual([
      'kind-control-plane',
      'kind-worker',
      'kind-worker2',
    ])
    expect(c.nodes.map((n) => n.status.addresses[0]?.address)).toEqual([
      '172.18.0.2',
      '172.18.0.3',
      '172.18.0.4',
    ])
    expect(c.nodes[0]?.spec.taints).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    ])
    expect(c.nodes[2]?.metadata.labels).toMatchObject({
      zone: 'b',
      'kubernetes.io/hostname': 'kind-worker2',
    })
    expect(c.kubeProxy.mode).toBe('nftables')
    expect(c.kubeProxy.clusterCIDR).toBe('10.244.0.0/16')
    expect(c.networking).toEqual({ podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/16' })
    expect(c.nodes.map((n) => n.spec.podCIDR)).toEqual([
      '10.244.0.0/24',
      '10.244.1.0/24',
      '10.244.2.0/24',
    ])
  })

  it('kind: a single control plane keeps no taint; a named dual-stack cluster', () => {
    const text = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
name: dev
networking: {ipFamily: dual}
`
    const c = loadCluster([{ file: 'kind.yaml', text }])
    expect(c.nodes.map((n) => n.metadata.name)).toEqual(['dev-control-plane'])
    expect(c.nodes[0]?.spec.taints).toBeUndefined()
    expect(c.nodes[0]?.status.addresses.map((a) => a.address)).toEqual([
      '172.18.0.2',
      'fc00:f853:ccd:e793::2',
      'dev-control-plane',
    ])
    expect(c.nodes[0]?.spec.podCIDRs).toEqual(['10.244.0.0/24', 'fd00:10:244::/64'])
  })

  it('kind: kubeProxyMode none is unsupported, located', () => {
    const text =
      'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  kubeProxyMode: none\n'
    expect(() => loadCluster([{ file: 'k', text }])).toThrow(/runs no kube-proxy/)
  })

  it('kubeadm v1beta3 and v1beta4: subnets and node-cidr-mask-size', () => {
    const v3 = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking: {podSubnet: 10.100.0.0/16}
controllerManager:
  extraArgs: {node-cidr-mask-size: "26"}
---
apiVersion: v1
kind: Node
metadata: {name: a}
`
    const c3 = loadCluster([{ file: 'k', text: v3 }])
    expect(c3.networking).toEqual({
      podSubnet: '10.100.0.0/16',
      serviceSubnet: '10.96.0.0/12',
      nodeCidrMaskSize: 26,
    })
    expect(c3.nodes[0]?.spec.podCIDR).toBe('10.100.0.0/26')
    expect(c3.kubeProxy.clusterCIDR).toBe('10.100.0.0/16')
    const v4 = `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
networking: {serviceSubnet: 10.200.0.0/16}
controllerManager:
  extraArgs:
  - {name: node-cidr-mask-size-ipv4, value: "25"}
`
    expect(loadCluster([{ file: 'k', text: v4 }]).networking).toEqual({
      serviceSubnet: '10.200.0.0/16',
      nodeCidrMaskSize: 25,
    })
  })

  it('a given KubeProxyConfiguration wins over kind’s mode; a given Node wins over kind’s', () => {
    const text = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking: {kubeProxyMode: ipvs}
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
---
apiVersion: v1
kind: Node
metadata: {name: kind-control-plane}
status: {addresses: [{type: InternalIP, address: 10.1.1.1}]}
`
    const c = loadCluster([{ file: 'k', text }], NO_CONTROLLERS_SVC)
    expect(c.kubeProxy.mode).toBe('iptables')
    expect(c.nodes).toHaveLength(1)
    expect(c.nodes[0]?.status.addresses[0]?.address).toBe('10.1.1.1')
  })
})
