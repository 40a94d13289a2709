/**
 * @module core/kube/proxy/testkit
 * Small builders for the kube-proxy renderer tests: Kubernetes objects with the defaults the
 * loader would fill in, and per-port facts for the pure decision functions. Test-only.
 */
import type {
  Cluster,
  Endpoint,
  EndpointSlice,
  KubeProxyConfiguration,
  Node,
  Service,
  ServiceSpec,
} from '../model.js'
import { joinHostPort } from './ip-text.js'
import type { EndpointInfo, ServicePortInfo } from './types.js'

export const NODE = 'node-a'

export function service(
  ns: string,
  name: string,
  spec: Partial<ServiceSpec> & { lb?: readonly string[] },
): Service {
  const { lb, ...rest } = spec
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: {
      type: 'ClusterIP',
      ports: [{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 80 }],
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      ...rest,
    },
    ...(lb ? { status: { loadBalancer: { ingress: lb.map((ip) => ({ ip })) } } } : {}),
  }
}

export function endpoint(ip: string, extra: Partial<Endpoint> = {}): Endpoint {
  return {
    addresses: [ip],
    conditions: { ready: true, serving: true, terminating: false },
    ...extra,
  }
}

export function slice(
  ns: string,
  svcName: string,
  endpoints: readonly Endpoint[],
  opts: {
    name?: string
    port?: number
    portName?: string
    protocol?: 'TCP' | 'UDP' | 'SCTP'
    family?: 'IPv4' | 'IPv6'
  } = {},
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: opts.name ?? `${svcName}-1`,
      namespace: ns,
      labels: { 'kubernetes.io/service-name': svcName },
    },
    addressType: opts.family ?? 'IPv4',
    endpoints,
    ports: [
      { name: opts.portName ?? 'p80', port: opts.port ?? 80, protocol: opts.protocol ?? 'TCP' },
    ],
  }
}

export function node(name = NODE, ips: readonly string[] = ['192.168.0.2', '2001:db8::2']): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: {},
    status: { addresses: ips.map((address) => ({ type: 'InternalIP' as const, address })) },
  }
}

export function proxyConfig(extra: Partial<KubeProxyConfiguration> = {}): KubeProxyConfiguration {
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    mode: 'iptables',
    clusterCIDR: '10.0.0.0/8,fd00:10::/64',
    hostnameOverride: NODE,
    detectLocalMode: 'ClusterCIDR',
    nodePortAddresses: [],
    iptables: { masqueradeAll: false, masqueradeBit: 14, localhostNodePorts: true },
    ...extra,
  }
}

export function cluster(
  services: readonly Service[],
  endpointSlices: readonly EndpointSlice[],
  kubeProxy: KubeProxyConfiguration = proxyConfig(),
  nodes: readonly Node[] = [node()],
): Cluster {
  return {
    nodes,
    pods: [],
    services,
    endpointSlices,
    workloads: [],
    kubeProxy,
    networking: {},
    ignored: [],
    extensions: [],
    warnings: [],
    locations: new Map(),
  }
}

/** One endpoint's facts for the pure decision functions. */
export function epInfo(ip: string, extra: Partial<EndpointInfo> = {}): EndpointInfo {
  const port = extra.port ?? 80
  return {
    ip,
    port,
    key: joinHostPort(ip, port),
    ready: true,
    serving: true,
    terminating: false,
    isLocal: false,
    zoneHints: new Set(),
    nodeHints: new Set(),
    ...extra,
  }
}

/** One service port's facts; a ClusterIP service with Cluster policies unless overridden. */
export function portInfo(extra: Partial<ServicePortInfo> = {}): ServicePortInfo {
  return {
    namespace: 'ns1',
    name: 'svc1',
    portName: 'p80',
    spn: 'ns1/svc1:p80',
    protocol: 'tcp',
    family: 'IPv4',
    clusterIP: '172.30.0.41',
    port: 80,
    nodePort: 0,
    externalIPs: [],
    loadBalancerVIPs: [],
    sourceRanges: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    stickySeconds: undefined,
    healthCheckNodePort: 0,
    endpoints: [],
    ...extra,
  }
}

/** A named cluster and node settings, rendered by the tests and loaded into the real tools. */
export interface Scenario {
  readonly name: string
  readonly cluster: Cluster
  readonly node: Partial<import('./context.js').ProxyNodeContext>
}

const dual = (v4: string, v6: string) => ({
  clusterIP: v4,
  clusterIPs: [v4, v6],
  ipFamilies: ['IPv4', 'IPv6'] as const,
  ipFamilyPolicy: 'PreferDualStack' as const,
})

function dualSlices(
  ns: string,
  name: string,
  eps: readonly [string, string, string | undefined][],
  port = 80,
): EndpointSlice[] {
  const make = (family: 'IPv4' | 'IPv6', pick: 0 | 1) =>
    slice(
      ns,
      name,
      eps.map(([a, b, nodeName]) => endpoint(pick === 0 ? a : b, nodeName ? { nodeName } : {})),
      {
        name: `${name}-${family.toLowerCase()}`,
        family,
        port,
      },
    )
  return [make('IPv4', 0), make('IPv6', 1)]
}

function busyCluster(kubeProxy: KubeProxyConfiguration): Cluster {
  const services: Service[] = [
    service('ns1', 'web', {
      ...dual('172.30.0.10', 'fd00:30::10'),
      type: 'NodePort',
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53, nodePort: 30053 },
      ],
    }),
    service('ns1', 'lb', {
      ...dual('172.30.0.11', 'fd00:30::11'),
      type: 'LoadBalancer',
      lb: ['1.2.3.4', '2001:db8:ff::4'],
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 30999,
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 3700 } },
      loadBalancerSourceRanges: ['192.168.0.0/16', ' 203.0.113.0/25', '2001:db8::/48'],
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 8443, nodePort: 30443 }],
    }),
    service('ns2', 'ext', {
      ...dual('172.30.0.12', 'fd00:30::12'),
      externalIPs: ['192.168.99.7', 'fd00:99::7'],
      externalTrafficPolicy: 'Local',
      ports: [{ protocol: 'SCTP', port: 9000, targetPort: 9000 }],
    }),
    service('ns2', 'empty', {
      ...dual('172.30.0.13', 'fd00:30::13'),
      type: 'LoadBalancer',
      lb: ['5.6.7.8'],
      externalIPs: ['192.168.99.8'],
      ports: [{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30013 }],
    }),
    service('ns2', 'itp', {
      ...dual('172.30.0.14', 'fd00:30::14'),
      internalTrafficPolicy: 'Local',
    }),
    service('ns3', 'drain', {
      clusterIP: '172.30.0.15',
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      ports: [{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30015 }],
    }),
  ]
  const terminating = { conditions: { ready: false, serving: true, terminating: true } }
  const endpointSlices: EndpointSlice[] = [
    ...dualSlices(
      'ns1',
      'web',
      [
        ['10.0.1.5', 'fd00:10::1:5', NODE],
        ['10.0.2.5', 'fd00:10::2:5', 'node-b'],
        ['10.0.2.6', 'fd00:10::2:6', 'node-b'],
      ],
      8080,
    ),
    slice('ns1', 'web', [endpoint('10.0.1.5', { nodeName: NODE }), endpoint('10.0.2.5')], {
      name: 'web-dns',
      portName: 'dns',
      port: 53,
      protocol: 'UDP',
    }),
    ...dualSlices(
      'ns1',
      'lb',
      [
        ['10.0.1.7', 'fd00:10::1:7', NODE],
        ['10.0.2.7', 'fd00:10::2:7', 'node-b'],
      ],
      8443,
    ).map((s) => ({ ...s, ports: [{ name: 'https', port: 8443, protocol: 'TCP' as const }] })),
    ...dualSlices('ns2', 'ext', [['10.0.2.9', 'fd00:10::2:9', 'node-b']], 9000).map((s) => ({
      ...s,
      ports: [{ name: '', port: 9000, protocol: 'SCTP' as const }],
    })),
    ...dualSlices('ns2', 'itp', [['10.0.2.10', 'fd00:10::2:10', 'node-b']]),
    slice('ns3', 'drain', [
      endpoint('10.0.1.11', { nodeName: NODE, ...terminating }),
      endpoint('10.0.2.11', { nodeName: 'node-b' }),
    ]),
  ]
  return cluster(services, endpointSlices, kubeProxy)
}

/**
 * The scenarios checked against the real tools (iptables 1.8.9 nft backend, nft 1.0.6). No
 * nfacct counters: nfacct objects need the nfacct tool, which these machines lack.
 */
export function scenarios(): Scenario[] {
  const base = { nfacctCounters: [] as string[], families: ['IPv4', 'IPv6'] as const }
  return [
    { name: 'busy', cluster: busyCluster(proxyConfig()), node: { ...base } },
    {
      name: 'bridge-masqall',
      cluster: busyCluster(
        proxyConfig({
          detectLocalMode: 'BridgeInterface',
          detectLocal: { bridgeInterface: 'cbr0' },
          nodePortAddresses: ['192.168.0.0/24', '127.0.0.1/32', '2001:db8::/64'],
          iptables: { masqueradeAll: true, masqueradeBit: 15, localhostNodePorts: true },
          nftables: { masqueradeAll: true, masqueradeBit: 15 },
        }),
      ),
      node: { ...base, tcpBeLiberal: true, hasRandomFully: false },
    },
    {
      name: 'prefix-allnodeports',
      cluster: busyCluster(
        proxyConfig({
          detectLocalMode: 'InterfaceNamePrefix',
          detectLocal: { interfaceNamePrefix: 'veth' },
          nodePortAddresses: ['0.0.0.0/0', '::/0'],
          iptables: { masqueradeAll: false, masqueradeBit: 14, localhostNodePorts: false },
        }),
      ),
      node: { ...base, serviceCIDRs: ['172.30.0.0/16', '172.31.0.0/16', 'fd00:30::/108'] },
    },
  ]
}

/** The same cluster with kube-proxy in nftables mode. */
export function asNftables(c: Cluster): Cluster {
  return { ...c, kubeProxy: { ...c.kubeProxy, mode: 'nftables' } }
}

/** Address lists kube-proxy may put into an anonymous set (`ip saddr != { … } drop`). */
export const ANON_SET_CASES: readonly {
  readonly family: 'IPv4' | 'IPv6'
  readonly items: readonly string[]
}[] = [
  { family: 'IPv4', items: ['203.0.113.0/25'] },
  { family: 'IPv4', items: ['1.2.3.4/32'] },
  { family: 'IPv4', items: ['203.0.113.0/25', '10.0.0.0/8', '5.6.7.8'] },
  { family: 'IPv4', items: ['10.0.0.0/25', '10.0.0.128/25'] },
  { family: 'IPv4', items: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'] },
  { family: 'IPv4', items: ['10.0.0.1', '10.0.0.2'] },
  { family: 'IPv4', items: ['10.0.0.255', '10.0.1.0/24'] },
  { family: 'IPv4', items: ['10.0.0.0/24', '10.0.1.0'] },
  { family: 'IPv4', items: ['10.0.0.5', '10.0.0.0/24'] },
  { family: 'IPv4', items: ['10.0.0.0/8', '10.1.0.0/16'] },
  { family: 'IPv4', items: ['10.0.0.0/32', '10.0.0.1/32'] },
  { family: 'IPv4', items: ['0.0.0.0/0'] },
  { family: 'IPv4', items: ['0.0.0.0/0', '1.2.3.4'] },
  { family: 'IPv4', items: ['192.168.0.0/16', '203.0.113.0/25', '1.2.3.4', '5.6.7.8'] },
  { family: 'IPv6', items: ['2001:db8::1/128', 'fd00::/64'] },
  { family: 'IPv6', items: ['2001:db8::/64'] },
  { family: 'IPv6', items: ['2001:db8::/48', '2001:db8:1::/48', 'fd00::1'] },
]
