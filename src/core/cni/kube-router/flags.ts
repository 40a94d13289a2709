/**
 * @module core/cni/kube-router/flags
 * Every flag kube-router accepts (pkg/options/options.go, v2.11; v1.6 knows a subset), with
 * its kind and default, and what kpath does with it:
 *
 * - `modelled`: read and rendered (see README.md);
 * - `inert`: changes nothing in the kernel state of the cluster's namespaces (BGP timers, ports,
 *   logging, metrics, health checks, the API server address, settings that only concern
 *   external BGP peers, which kpath does not model);
 * - `unmodelled`: changes kernel state kpath does not render. Setting one to anything but its
 *   default is reported through `CniContext.unsupported`.
 */

export type FlagKind = 'bool' | 'string' | 'strings' | 'uint' | 'uints' | 'ips' | 'duration'

export type FlagEffect = 'modelled' | 'inert' | 'unmodelled'

export interface FlagSpec {
  readonly kind: FlagKind
  /** The default as pflag prints it (`[]` for empty slices). */
  readonly def: string
  readonly effect: FlagEffect
  /** Added in kube-router v2.x: a v1.x binary exits on it ("unknown flag"). */
  readonly v2?: true
  /** Why it is unmodelled, for the report. */
  readonly why?: string
}

const inert = (kind: FlagKind, def: string, v2?: true): FlagSpec =>
  v2 ? { kind, def, effect: 'inert', v2 } : { kind, def, effect: 'inert' }
const modelled = (kind: FlagKind, def: string, v2?: true): FlagSpec =>
  v2 ? { kind, def, effect: 'modelled', v2 } : { kind, def, effect: 'modelled' }
const unmodelled = (kind: FlagKind, def: string, why: string, v2?: true): FlagSpec =>
  v2 ? { kind, def, effect: 'unmodelled', why, v2 } : { kind, def, effect: 'unmodelled', why }

const IPVS = 'the IPVS service proxy (virtual servers, its firewall and ipsets) is not modelled'
const NETPOL = "the network policy controller's chains and ipsets are not modelled"
const PEERS = 'routes learned from external BGP peers are not modelled'

/** kube-router's flags by long name. */
export const KUBE_ROUTER_FLAGS: Readonly<Record<string, FlagSpec>> = {
  'advertise-cluster-ip': inert('bool', 'false'),
  'advertise-external-ip': inert('bool', 'false'),
  'advertise-loadbalancer-ip': inert('bool', 'false'),
  'advertise-pod-cidr': modelled('bool', 'true'),
  'auto-mtu': modelled('bool', 'true'),
  'bfd-desired-min-tx-interval': inert('uint', '1000', true),
  'bfd-detection-multiplier': inert('uint', '3', true),
  'bfd-port': inert('uint', '3784', true),
  'bfd-required-min-rx-interval': inert('uint', '1000', true),
  'bgp-graceful-restart': inert('bool', 'false'),
  'bgp-graceful-restart-deferral-time': inert('duration', '6m0s'),
  'bgp-graceful-restart-time': inert('duration', '1m30s'),
  'bgp-holdtime': inert('duration', '1m30s'),
  'bgp-port': inert('uint', '179'),
  'cache-sync-timeout': inert('duration', '1m0s'),
  'cleanup-config': unmodelled('bool', 'false', 'kube-router cleans up and exits'),
  'cluster-asn': inert('uint', '0'),
  'disable-source-dest-check': inert('bool', 'true'),
  'enable-bfd': inert('bool', 'false', true),
  'enable-cni': modelled('bool', 'true'),
  'enable-ibgp': modelled('bool', 'true'),
  'enable-ipv4': modelled('bool', 'true', true),
  'enable-ipv6': modelled('bool', 'false', true),
  'enable-overlay': modelled('bool', 'true'),
  'enable-pod-egress': modelled('bool', 'true'),
  'enable-pprof': inert('bool', 'false'),
  'excluded-cidrs': unmodelled('strings', '[]', IPVS),
  'gobgp-admin-address': inert('string', '127.0.0.1', true),
  'gobgp-admin-port': inert('uint', '50051', true),
  'hairpin-mode': unmodelled('bool', 'false', IPVS),
  'health-addr': inert('string', '', true),
  'health-port': inert('uint', '20244'),
  help: inert('bool', 'false'),
  'hostname-override': modelled('string', ''),
  'injected-routes-sync-period': inert('duration', '1m0s'),
  'iptables-sync-period': inert('duration', '5m0s'),
  'ipvs-graceful-period': inert('duration', '30s'),
  'ipvs-graceful-termination': unmodelled('bool', 'false', IPVS),
  'ipvs-permit-all': unmodelled('bool', 'true', IPVS),
  'ipvs-sync-period': inert('duration', '5m0s'),
  kubeconfig: inert('string', ''),
  'loadbalancer-default-class': inert('bool', 'true', true),
  'loadbalancer-ip-range': unmodelled('strings', '[]', IPVS, true),
  'loadbalancer-sync-period': inert('duration', '1m0s', true),
  'masquerade-all': modelled('bool', 'false'),
  master: inert('string', ''),
  'metrics-addr': inert('string', '', true),
  'metrics-path': inert('string', '/metrics'),
  'metrics-port': inert('uint', '0'),
  'netpol-default-deny': unmodelled('bool', 'false', NETPOL, true),
  'nodeport-bindon-all-ip': unmodelled('bool', 'false', IPVS),
  'nodes-full-mesh': modelled('bool', 'true'),
  'overlay-encap': modelled('string', 'ipip', true),
  'overlay-encap-port': inert('uint', '5555', true),
  'overlay-type': modelled('string', 'subnet'),
  'override-nexthop': inert('bool', 'false'),
  'peer-router-asns': inert('uints', '[]'),
  'peer-router-ips': unmodelled('ips', '[]', PEERS),
  'peer-router-multihop-ttl': inert('uint', '0'),
  'peer-router-passwords': inert('strings', '[]'),
  'peer-router-passwords-file': inert('string', ''),
  'peer-router-ports': inert('uints', '[]'),
  'router-id': inert('string', ''),
  'routes-sync-period': inert('duration', '5m0s'),
  'run-firewall': modelled('bool', 'true'),
  'run-loadbalancer': unmodelled(
    'bool',
    'false',
    'the LoadBalancer address allocator writes Service status',
    true,
  ),
  'run-router': modelled('bool', 'true'),
  'run-service-proxy': modelled('bool', 'true'),
  'runtime-endpoint': inert('string', ''),
  'service-cluster-ip-range': inert('strings', '[10.96.0.0/12]'),
  'service-external-ip-range': unmodelled('strings', '[]', IPVS),
  'service-node-port-range': inert('string', '30000-32767'),
  'service-tcp-timeout': unmodelled('duration', '0s', IPVS, true),
  'service-tcpfin-timeout': unmodelled('duration', '0s', IPVS, true),
  'service-udp-timeout': unmodelled('duration', '0s', IPVS, true),
  'strict-external-ip-validation': unmodelled('bool', 'true', IPVS, true),
  'use-nftables-for-netpol': unmodelled('bool', 'false', NETPOL, true),
  v: inert('string', '0'),
  version: inert('bool', 'false'),
}

/** pflag shorthands kube-router declares (`-v 2`, `-h`, `-V`). */
export const SHORTHANDS: Readonly<Record<string, string>> = { v: 'v', h: 'help', V: 'version' }
