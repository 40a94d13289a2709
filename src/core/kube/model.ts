/**
 * @module core/kube/model
 * The Kubernetes objects kpath reads, as the API defines them (the subset of fields kpath
 * uses; everything else passes through in the source). This is the contract between the
 * loader (YAML → objects, with controllers filling what an API server and controllers would)
 * and the renderers (objects → kernel state). Field names and meanings are Kubernetes' own.
 *
 * After loading, defaults are applied (as the API server does): a Service port's protocol is
 * set, `targetPort` defaults to `port`, traffic policies are set, and so on. Renderers can rely
 * on every field documented as "defaulted".
 */
import type { SourceLocation } from '../errors.js'

export type Protocol = 'TCP' | 'UDP' | 'SCTP'
export type IPFamily = 'IPv4' | 'IPv6'

export interface ObjectMeta {
  readonly name: string
  /** Defaulted to `default` for namespaced kinds. */
  readonly namespace?: string
  readonly labels?: Readonly<Record<string, string>>
  readonly annotations?: Readonly<Record<string, string>>
  readonly uid?: string
  readonly generateName?: string
  readonly ownerReferences?: readonly {
    readonly kind: string
    readonly name: string
    readonly uid?: string
  }[]
  readonly deletionTimestamp?: string
}

export interface ServicePort {
  readonly name?: string
  /** Defaulted to TCP. */
  readonly protocol: Protocol
  readonly port: number
  /** Defaulted to `port`. A string names a container port. */
  readonly targetPort: number | string
  readonly nodePort?: number
  readonly appProtocol?: string
}

export interface LoadBalancerIngress {
  readonly ip?: string
  readonly hostname?: string
  /** `VIP` (default) or `Proxy`: with Proxy, kube-proxy does not capture the LB IP. */
  readonly ipMode?: 'VIP' | 'Proxy'
}

export interface ServiceSpec {
  /** Defaulted to ClusterIP. */
  readonly type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName'
  /** `None` for a headless Service. Allocated by the loader when absent. */
  readonly clusterIP?: string
  readonly clusterIPs?: readonly string[]
  readonly ipFamilies?: readonly IPFamily[]
  readonly ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack'
  readonly ports: readonly ServicePort[]
  readonly selector?: Readonly<Record<string, string>>
  readonly externalIPs?: readonly string[]
  /** Defaulted to Cluster for NodePort/LoadBalancer. */
  readonly externalTrafficPolicy?: 'Cluster' | 'Local'
  /** Defaulted to Cluster. */
  readonly internalTrafficPolicy?: 'Cluster' | 'Local'
  /** Defaulted to None. */
  readonly sessionAffinity?: 'None' | 'ClientIP'
  readonly sessionAffinityConfig?: { readonly clientIP?: { readonly timeoutSeconds?: number } }
  readonly loadBalancerIP?: string
  readonly loadBalancerSourceRanges?: readonly string[]
  readonly healthCheckNodePort?: number
  readonly allocateLoadBalancerNodePorts?: boolean
  readonly externalName?: string
  readonly publishNotReadyAddresses?: boolean
  readonly trafficDistribution?: string
}

export interface Service {
  readonly apiVersion: 'v1'
  readonly kind: 'Service'
  readonly metadata: ObjectMeta
  readonly spec: ServiceSpec
  readonly status?: {
    readonly loadBalancer?: { readonly ingress?: readonly LoadBalancerIngress[] }
  }
}

export interface EndpointConditions {
  /** Unset means true (as kube-proxy reads it). */
  readonly ready?: boolean
  readonly serving?: boolean
  /** Unset means false. */
  readonly terminating?: boolean
}

export interface Endpoint {
  readonly addresses: readonly string[]
  readonly conditions?: EndpointConditions
  readonly hostname?: string
  readonly nodeName?: string
  readonly zone?: string
  readonly targetRef?: { readonly kind: string; readonly name: string; readonly namespace?: string }
  readonly hints?: {
    readonly forZones?: readonly { readonly name: string }[]
    readonly forNodes?: readonly { readonly name: string }[]
  }
}

export interface EndpointPort {
  readonly name?: string
  /** Defaulted to TCP. */
  readonly protocol: Protocol
  readonly port?: number
  readonly appProtocol?: string
}

export interface EndpointSlice {
  readonly apiVersion: 'discovery.k8s.io/v1'
  readonly kind: 'EndpointSlice'
  /** `labels['kubernetes.io/service-name']` names the Service. */
  readonly metadata: ObjectMeta
  readonly addressType: 'IPv4' | 'IPv6' | 'FQDN'
  readonly endpoints: readonly Endpoint[]
  readonly ports?: readonly EndpointPort[]
}

export interface NodeAddress {
  readonly type: 'InternalIP' | 'ExternalIP' | 'Hostname' | 'InternalDNS' | 'ExternalDNS'
  readonly address: string
}

export interface Taint {
  readonly key: string
  readonly value?: string
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute'
}

export interface Node {
  readonly apiVersion: 'v1'
  readonly kind: 'Node'
  readonly metadata: ObjectMeta
  readonly spec: {
    /** Allocated by the loader from the cluster CIDR when absent (node IPAM controller). */
    readonly podCIDR?: string
    readonly podCIDRs?: readonly string[]
    readonly taints?: readonly Taint[]
    readonly unschedulable?: boolean
  }
  readonly status: { readonly addresses: readonly NodeAddress[] }
}

export interface ContainerPort {
  readonly name?: string
  readonly containerPort: number
  /** Defaulted to TCP. */
  readonly protocol: Protocol
  readonly hostPort?: number
}

export interface Container {
  readonly name: string
  readonly image?: string
  readonly ports?: readonly ContainerPort[]
}

export interface PodSpec {
  readonly nodeName?: string
  readonly hostNetwork?: boolean
  readonly nodeSelector?: Readonly<Record<string, string>>
  readonly tolerations?: readonly {
    readonly key?: string
    readonly operator?: string
    readonly value?: string
    readonly effect?: string
  }[]
  readonly containers: readonly Container[]
  readonly subdomain?: string
  readonly hostname?: string
}

export interface Pod {
  readonly apiVersion: 'v1'
  readonly kind: 'Pod'
  readonly metadata: ObjectMeta
  readonly spec: PodSpec
  readonly status?: {
    readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown'
    readonly podIP?: string
    readonly podIPs?: readonly { readonly ip: string }[]
    readonly hostIP?: string
    readonly conditions?: readonly {
      readonly type: string
      readonly status: 'True' | 'False' | 'Unknown'
    }[]
  }
}

/** Deployment, ReplicaSet, StatefulSet, DaemonSet and Job: what the workload controllers read. */
export interface Workload {
  readonly apiVersion: string
  readonly kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job'
  readonly metadata: ObjectMeta
  readonly spec: {
    readonly replicas?: number
    readonly parallelism?: number
    readonly completions?: number
    readonly serviceName?: string
    readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> }
    readonly template: { readonly metadata?: Partial<ObjectMeta>; readonly spec: PodSpec }
  }
}

/** kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration (fields kube-proxy's proxiers read). */
export interface KubeProxyConfiguration {
  readonly apiVersion: 'kubeproxy.config.k8s.io/v1alpha1'
  readonly kind: 'KubeProxyConfiguration'
  /** Defaulted to iptables. */
  readonly mode: 'iptables' | 'ipvs' | 'nftables'
  readonly clusterCIDR?: string
  readonly hostnameOverride?: string
  /** Defaulted to ClusterCIDR. */
  readonly detectLocalMode: 'ClusterCIDR' | 'NodeCIDR' | 'BridgeInterface' | 'InterfaceNamePrefix'
  readonly detectLocal?: {
    readonly bridgeInterface?: string
    readonly interfaceNamePrefix?: string
  }
  /** `[]` (the default) means all addresses; `primary` means the node's primary IPs. */
  readonly nodePortAddresses: readonly string[]
  readonly iptables: {
    /** Defaulted to false. */
    readonly masqueradeAll: boolean
    /** Defaulted to 14 (mark 0x4000). */
    readonly masqueradeBit: number
    /** Defaulted to true. */
    readonly localhostNodePorts: boolean
    readonly syncPeriod?: string
    readonly minSyncPeriod?: string
  }
  readonly nftables?: { readonly masqueradeAll?: boolean; readonly masqueradeBit?: number }
  readonly ipvs?: {
    readonly scheduler?: string
    readonly strictARP?: boolean
    readonly excludeCIDRs?: readonly string[]
    readonly tcpTimeout?: string
    readonly tcpFinTimeout?: string
    readonly udpTimeout?: string
  }
  readonly conntrack?: { readonly tcpBeLiberal?: boolean }
}

/** Cluster-wide settings from kubeadm's ClusterConfiguration or kind's Cluster config. */
export interface ClusterNetworking {
  readonly podSubnet?: string
  readonly serviceSubnet?: string
  /** node-cidr-mask-size (default 24 for IPv4, 64 for IPv6). */
  readonly nodeCidrMaskSize?: number
}

/** A kind seen in the input but not used by kpath: listed once, never an error. */
export interface IgnoredObject {
  readonly apiVersion: string
  readonly kind: string
  readonly name: string
  readonly location: SourceLocation
}

/**
 * An object read as written for the cluster assembly and the CNI plugin models: kpath's own
 * `kpath.dev/v1alpha1` Topology, v1 ConfigMaps (flannel's `kube-flannel-cfg`, kube-router's
 * `kube-router-cfg`, …) and Calico's kinds (`crd.projectcalico.org/v1`, `projectcalico.org/v3`,
 * `operator.tigera.io/v1`: IPPool, FelixConfiguration, Installation, …). The loader checks only
 * apiVersion, kind and metadata; the reader validates the rest and locates its errors with `at`.
 */
export interface ExtensionObject {
  readonly apiVersion: string
  readonly kind: string
  /** ConfigMaps default to namespace `default`; cluster-scoped kinds keep what was written. */
  readonly metadata: ObjectMeta
  /** The whole object as written (explicit nulls dropped, as everywhere in the loader). */
  readonly object: Readonly<Record<string, unknown>>
  readonly location: SourceLocation
  /** Where a field is written (`at(['data', 'net-conf.json'])`); a missing one at its parent. */
  at(path?: readonly (string | number)[]): SourceLocation
}

/** Every object loaded, after defaults and controllers, with where each came from. */
export interface Cluster {
  readonly nodes: readonly Node[]
  readonly pods: readonly Pod[]
  readonly services: readonly Service[]
  readonly endpointSlices: readonly EndpointSlice[]
  readonly workloads: readonly Workload[]
  readonly kubeProxy: KubeProxyConfiguration
  readonly networking: ClusterNetworking
  readonly ignored: readonly IgnoredObject[]
  /** Objects kept for the assembly and the CNI plugins, in input order (see ExtensionObject). */
  readonly extensions: readonly ExtensionObject[]
  /** Non-fatal findings (a selector matching no pods, …), each located. */
  readonly warnings: readonly { readonly message: string; readonly location?: SourceLocation }[]
  /** Where an object was defined; objects created by controllers have no entry. */
  readonly locations: ReadonlyMap<object, SourceLocation>
}

/** `namespace/name` of a namespaced object. */
export function objectKey(o: { readonly metadata: ObjectMeta }): string {
  return `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`
}
