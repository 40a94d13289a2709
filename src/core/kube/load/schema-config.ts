/**
 * @module core/kube/load/schema-config
 * Configuration kinds: kube-proxy's KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1),
 * kubeadm's ClusterConfiguration (v1beta3 and v1beta4) and kind's Cluster (v1alpha4).
 * kube-proxy's defaults (pkg/proxy/apis/config/v1alpha1/defaults.go) are applied here: mode
 * iptables, detectLocalMode ClusterCIDR, masqueradeBit 14, localhostNodePorts true, and
 * nodePortAddresses `[]`.
 */
import * as z from 'zod'
import type { KubeProxyConfiguration } from '../model.js'
import { cidr, cidrList, count, hinted, stringMap } from './fields.js'

const nodePortAddress = z.union(
  [z.literal('primary'), cidr],
  hinted(
    'is not a CIDR or "primary"',
    'nodePortAddresses holds CIDRs such as 192.168.0.0/24, or the word primary',
  ),
)

const masqueradeBit = count.refine(
  (n) => n <= 31,
  hinted('is out of range 0-31', 'masqueradeBit is from 0 to 31'),
)

export const kubeProxySchema = z.looseObject({
  apiVersion: z.literal('kubeproxy.config.k8s.io/v1alpha1'),
  kind: z.literal('KubeProxyConfiguration'),
  mode: z
    .enum(
      ['', 'iptables', 'ipvs', 'nftables'],
      hinted('is not a kube-proxy mode kpath models', 'use iptables, ipvs or nftables'),
    )
    .optional(),
  // '' is kept as given: kube-proxy reads an empty clusterCIDR as "no local-traffic detector".
  clusterCIDR: z.union([z.literal(''), cidrList]).optional(),
  hostnameOverride: z.string().optional(),
  detectLocalMode: z
    .enum(['', 'ClusterCIDR', 'NodeCIDR', 'BridgeInterface', 'InterfaceNamePrefix'])
    .optional(),
  detectLocal: z
    .looseObject({
      bridgeInterface: z.string().optional(),
      interfaceNamePrefix: z.string().optional(),
    })
    .optional(),
  nodePortAddresses: z.array(nodePortAddress).default([]),
  iptables: z
    .looseObject({
      masqueradeAll: z.boolean().optional(),
      masqueradeBit: masqueradeBit.optional(),
      localhostNodePorts: z.boolean().optional(),
      syncPeriod: z.string().optional(),
      minSyncPeriod: z.string().optional(),
    })
    .default({}),
  nftables: z
    .looseObject({ masqueradeAll: z.boolean().optional(), masqueradeBit: masqueradeBit.optional() })
    .optional(),
  ipvs: z
    .looseObject({
      scheduler: z.string().optional(),
      strictARP: z.boolean().optional(),
      excludeCIDRs: z.array(cidr).optional(),
      tcpTimeout: z.string().optional(),
      tcpFinTimeout: z.string().optional(),
      udpTimeout: z.string().optional(),
    })
    .optional(),
  conntrack: z.looseObject({ tcpBeLiberal: z.boolean().optional() }).optional(),
})

export function defaultKubeProxy(c: z.output<typeof kubeProxySchema>): KubeProxyConfiguration {
  return {
    ...c,
    mode: c.mode === undefined || c.mode === '' ? 'iptables' : c.mode,
    detectLocalMode:
      c.detectLocalMode === undefined || c.detectLocalMode === ''
        ? 'ClusterCIDR'
        : c.detectLocalMode,
    iptables: {
      ...c.iptables,
      masqueradeAll: c.iptables.masqueradeAll ?? false,
      masqueradeBit: c.iptables.masqueradeBit ?? 14,
      localhostNodePorts: c.iptables.localhostNodePorts ?? true,
    },
  }
}

/** kube-proxy's configuration when the input gives none: every field at its default. */
export const DEFAULT_KUBE_PROXY: KubeProxyConfiguration = defaultKubeProxy(
  kubeProxySchema.parse({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
  }),
)

/** kubeadm v1beta3 writes extraArgs as a map, v1beta4 as a list of {name, value}. */
const extraArgs = z.union([
  stringMap,
  z.array(z.looseObject({ name: z.string(), value: z.string() })),
])

export const clusterConfigurationSchema = z.looseObject({
  apiVersion: z.enum(['kubeadm.k8s.io/v1beta3', 'kubeadm.k8s.io/v1beta4']),
  kind: z.literal('ClusterConfiguration'),
  networking: z
    .looseObject({
      podSubnet: cidrList.optional(),
      serviceSubnet: cidrList.optional(),
      dnsDomain: z.string().optional(),
    })
    .default({}),
  controllerManager: z.looseObject({ extraArgs: extraArgs.optional() }).optional(),
})

export type ClusterConfiguration = z.output<typeof clusterConfigurationSchema>

/** The value of a kube-controller-manager flag set through kubeadm's extraArgs. */
export function extraArg(c: ClusterConfiguration, name: string): string | undefined {
  const args = c.controllerManager?.extraArgs
  if (args === undefined) return undefined
  if (Array.isArray(args)) return [...args].reverse().find((a) => a.name === name)?.value
  return args[name]
}

export const kindClusterSchema = z.looseObject({
  apiVersion: z.literal('kind.x-k8s.io/v1alpha4'),
  kind: z.literal('Cluster'),
  name: z.string().min(1).optional(),
  nodes: z
    .array(
      z.looseObject({
        role: z
          .enum(
            ['control-plane', 'worker'],
            hinted('is not a kind node role', 'use control-plane or worker'),
          )
          .default('control-plane'),
        labels: stringMap.optional(),
      }),
    )
    .optional(),
  networking: z
    .looseObject({
      ipFamily: z.enum(['ipv4', 'ipv6', 'dual']).optional(),
      podSubnet: cidrList.optional(),
      serviceSubnet: cidrList.optional(),
      kubeProxyMode: z
        .enum(
          ['iptables', 'ipvs', 'nftables', 'none'],
          hinted('is not a kind kubeProxyMode', 'use iptables, ipvs, nftables or none'),
        )
        .optional(),
      disableDefaultCNI: z.boolean().optional(),
    })
    .default({}),
})

export type KindCluster = z.output<typeof kindClusterSchema>
