/**
 * @module core/kube/proxy/local-detector
 * kube-proxy's local-traffic detector (pkg/proxy/util/localdetector.go, v1.33): the match that
 * tells traffic from this node's pods apart from everything else, chosen by `detectLocalMode`.
 * Without one (no cluster CIDR of the family, say) kube-proxy writes no "not local →
 * masquerade" rule and no "pod traffic" short-circuit (kube-proxy-spec.md §2.6).
 */
import { KpathError } from '../../errors.js'
import type { IPFamily, KubeProxyConfiguration, Node } from '../model.js'
import { familyOf, formatGoCIDR, parseCIDRSloppy } from './ip-text.js'

export type LocalDetector =
  | { readonly kind: 'none' }
  | { readonly kind: 'cidr'; readonly cidr: string; readonly family: IPFamily }
  | { readonly kind: 'bridge'; readonly iface: string }
  | { readonly kind: 'prefix'; readonly prefix: string }

/** The first CIDR of `family` in `cidrs` (`MapCIDRsByIPFamily(...)[family][0]`). */
function cidrOfFamily(cidrs: readonly string[], family: IPFamily): string | undefined {
  for (const text of cidrs) {
    const c = parseCIDRSloppy(text.trim())
    if (c && familyOf(c) === family) return formatGoCIDR(c)
  }
  return undefined
}

function required(value: string | undefined, field: string, mode: string): string {
  if (value === undefined || value === '')
    throw new KpathError('KPATH_INVALID_ARGUMENT', `detectLocalMode ${mode} needs ${field}`, {
      hint: `set ${field} in the KubeProxyConfiguration (kube-proxy refuses to start without it)`,
    })
  return value
}

/** `getLocalDetector` for one family of the node's proxier. */
export function localDetector(
  config: KubeProxyConfiguration,
  node: Node | undefined,
  family: IPFamily,
): LocalDetector {
  const fromCidrs = (cidrs: readonly string[]): LocalDetector => {
    const cidr = cidrOfFamily(cidrs, family)
    return cidr === undefined ? { kind: 'none' } : { kind: 'cidr', cidr, family }
  }
  switch (config.detectLocalMode) {
    case 'ClusterCIDR':
      return fromCidrs((config.clusterCIDR ?? '').split(',').filter((s) => s.trim() !== ''))
    case 'NodeCIDR': {
      const spec = node?.spec
      return fromCidrs(spec?.podCIDRs ?? (spec?.podCIDR ? [spec.podCIDR] : []))
    }
    case 'BridgeInterface': {
      const iface = required(
        config.detectLocal?.bridgeInterface,
        'detectLocal.bridgeInterface',
        'BridgeInterface',
      )
      return { kind: 'bridge', iface }
    }
    case 'InterfaceNamePrefix': {
      const field = 'detectLocal.interfaceNamePrefix'
      return {
        kind: 'prefix',
        prefix: required(config.detectLocal?.interfaceNamePrefix, field, 'InterfaceNamePrefix'),
      }
    }
  }
}

/** iptables arguments matching local (pod) traffic (`IfLocal()`). */
export function iptablesIfLocal(d: LocalDetector): string[] {
  if (d.kind === 'cidr') return ['-s', d.cidr]
  if (d.kind === 'bridge') return ['-i', d.iface]
  if (d.kind === 'prefix') return ['-i', `${d.prefix}+`]
  return []
}

/** iptables arguments matching non-local traffic (`IfNotLocal()`). */
export function iptablesIfNotLocal(d: LocalDetector): string[] {
  const local = iptablesIfLocal(d)
  return local.length === 0 ? [] : ['!', ...local]
}

/** An nft match as kube-proxy writes it (`tx`) and as `nft list` prints it (`listed`). */
export interface NftText {
  readonly tx: string
  readonly listed: string
}

function nftMatch(d: LocalDetector, negated: boolean): NftText | undefined {
  const op = negated ? '!= ' : ''
  if (d.kind === 'cidr') {
    const text = `${d.family === 'IPv4' ? 'ip' : 'ip6'} saddr ${op}${d.cidr}`
    return { tx: text, listed: text }
  }
  // nft prints interface names as quoted strings.
  if (d.kind === 'bridge')
    return { tx: `iifname ${op}${d.iface}`, listed: `iifname ${op}"${d.iface}"` }
  if (d.kind === 'prefix')
    return { tx: `iifname ${op}${d.prefix}*`, listed: `iifname ${op}"${d.prefix}*"` }
  return undefined
}

/** nft match for local traffic (`IfLocalNFT()`), undefined without a detector. */
export function nftIfLocal(d: LocalDetector): NftText | undefined {
  return nftMatch(d, false)
}

/** nft match for non-local traffic (`IfNotLocalNFT()`), undefined without a detector. */
export function nftIfNotLocal(d: LocalDetector): NftText | undefined {
  return nftMatch(d, true)
}
