/**
 * @module core/cni/calico/names
 * The names Calico gives things, computed exactly as Calico v3.22 computes them:
 *
 * - host veths: `cali` + 11 hex digits of SHA-1(`<namespace>.<pod>`) (libcalico-go
 *   `VethNameForWorkload`; checked against seed 002: `default.myapp-5d749dc84b-lt4ss` is
 *   `caliee93b0bdd66`);
 * - chain names longer than iptables' 28 characters: the fixed prefix, `_`, and the start of the
 *   unpadded URL-safe base64 of SHA-256(suffix) (felix `hashutils.GetLengthLimitedID`);
 * - the VXLAN tunnel MAC when the node does not carry one: `66` (the byte `f`) + the first five
 *   bytes of SHA-1(node name) (felix `vtepMACForHost`);
 * - ipsets: `cali40` + the set ID (IPv4, main set; felix `NameForMainIPSet`).
 */
import { sha256 } from '../../kube/proxy/sha256.js'
import { base64Url, hex, sha1 } from './digest.js'

/** The interface prefix felix and the CNI plugin use (FELIX_INTERFACEPREFIX, default `cali`). */
export const IFACE_PREFIX = 'cali'

/** iptables' chain name limit as felix counts it (`MaxChainNameLength`). */
export const MAX_CHAIN_NAME = 28

/**
 * The host end of a pod's veth.
 *
 * @example
 * ```ts
 * calicoVethName('default', 'myapp-5d749dc84b-lt4ss') // 'caliee93b0bdd66'
 * ```
 */
export function calicoVethName(namespace: string, pod: string): string {
  return `${IFACE_PREFIX}${hex(sha1(`${namespace}.${pod}`)).slice(0, 11)}`
}

/**
 * `prefix + suffix`, or, when that is longer than `max` (or exactly `max` and the suffix starts
 * with the `_` that marks a shortened name), `prefix + '_' +` a SHA-256 of the suffix cut to fit.
 */
export function lengthLimitedId(prefix: string, suffix: string, max = MAX_CHAIN_NAME): string {
  const total = prefix.length + suffix.length
  if (total > max || (total === max && suffix.startsWith('_'))) {
    const hash = base64Url(sha256(suffix))
    return `${prefix}_${hash.slice(0, max - 1 - prefix.length)}`
  }
  return prefix + suffix
}

/** The MAC felix gives `vxlan.calico` on `node` when the node has no VXLANTunnelMACAddr. */
export function vxlanTunnelMac(node: string): string {
  const bytes = [0x66, ...sha1(node).slice(0, 5)]
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':')
}

/** Felix's chain names (felix/rules/rule_defs.go), the ones this model renders. */
export const CHAIN = {
  filterInput: 'cali-INPUT',
  filterForward: 'cali-FORWARD',
  filterOutput: 'cali-OUTPUT',
  natPrerouting: 'cali-PREROUTING',
  natPostrouting: 'cali-POSTROUTING',
  natOutput: 'cali-OUTPUT',
  natOutgoing: 'cali-nat-outgoing',
  manglePrerouting: 'cali-PREROUTING',
  manglePostrouting: 'cali-POSTROUTING',
  fipDnat: 'cali-fip-dnat',
  fipSnat: 'cali-fip-snat',
  cidrBlock: 'cali-cidr-block',
  workloadToHost: 'cali-wl-to-host',
  fromWorkloadDispatch: 'cali-from-wl-dispatch',
  toWorkloadDispatch: 'cali-to-wl-dispatch',
  toHostEndpoint: 'cali-to-host-endpoint',
  fromHostEndpoint: 'cali-from-host-endpoint',
  toHostEndpointForward: 'cali-to-hep-forward',
  fromHostEndpointForward: 'cali-from-hep-forward',
} as const

/** Per-endpoint and per-profile chain prefixes. */
export const PREFIX = {
  toWorkload: 'cali-tw-',
  fromWorkload: 'cali-fw-',
  profileInbound: 'cali-pri-',
  profileOutbound: 'cali-pro-',
} as const

/** A chain named after an endpoint or profile, shortened as felix shortens it. */
export function prefixedChain(prefix: string, name: string): string {
  return lengthLimitedId(prefix, name)
}

/** IPv4 main ipsets: `cali` + `4` (version) + `0` (main, not temporary) + the set ID. */
export const IPSET = {
  allPools: 'cali40all-ipam-pools',
  masqPools: 'cali40masq-ipam-pools',
  allHosts: 'cali40all-hosts-net',
  allVxlanSources: 'cali40all-vxlan-net',
} as const

/** The Kubernetes datastore's profiles of a pod: its namespace's and its service account's. */
export function podProfiles(namespace: string, serviceAccount: string): readonly string[] {
  return [`kns.${namespace}`, `ksa.${namespace}.${serviceAccount}`]
}

/**
 * A MAC for a link whose address the kernel draws at random (the pod's eth0): locally
 * administered, unicast, from a SHA-1 of the namespace and interface names, so that renders,
 * traces and the lab agree.
 */
export function derivedMac(netns: string, ifname: string): string {
  const d = sha1(`mac\u0000${netns}\u0000${ifname}`).slice(0, 6)
  d[0] = ((d[0] ?? 0) & 0xfc) | 0x02
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join(':')
}
