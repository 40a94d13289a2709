/**
 * @module bench/kube/rules
 * kube-proxy's rules in the text `iptables-save` 1.8.9 prints for them: `-s`/`-d` (with `/32`)
 * and `-p` first, then the matches in the order kube-proxy wrote them, then the target; `-m tcp
 * -p tcp` becomes `-p tcp … -m tcp`, and comments are quoted unless they are a single word.
 * Templates follow kube-proxy's syncProxyRules (pkg/proxy/iptables/proxier.go, ~v1.33) as
 * summarised in /work/shared/notes/kube-proxy-spec.md §2.3–2.5 and §2.8, for ClusterIP
 * services with the ClusterCIDR local-traffic detector (kube-proxy's default).
 *
 * Each function returns a rule's text without the leading `-A <chain> `.
 */
import { POD_CIDR } from './addresses.js'

export interface BenchEndpoint {
  readonly ip: string
  readonly port: number
  /** `ip:port`, the string kube-proxy sorts endpoints by and hashes into the SEP chain name. */
  readonly key: string
  readonly sepChain: string
}

export interface BenchService {
  /** The ServicePortName string, e.g. `ns1/svc1:p80`. */
  readonly spn: string
  readonly protocol: 'tcp'
  readonly clusterIp: string
  readonly port: number
  readonly svcChain: string
  /** Sorted by `key` in byte order, as kube-proxy sorts them (so `…1.10:80` < `…1.9:80`). */
  readonly endpoints: readonly BenchEndpoint[]
}

/**
 * iptables-save prints a comment bare only when it is made of `[A-Za-z0-9_-]`; anything else is
 * double-quoted with `"`, `\` and `'` escaped (xtables_save_string in iptables 1.8.9).
 */
export function saveComment(text: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(text)) return text
  return `"${text.replace(/["\\']/g, (c) => `\\${c}`)}"`
}

/** The ClusterIP rule in nat KUBE-SERVICES (§2.5 step 1). */
export function clusterIpRule(svc: BenchService): string {
  const comment = saveComment(`${svc.spn} cluster IP`)
  return `-d ${svc.clusterIp}/32 -p ${svc.protocol} -m comment --comment ${comment} -m ${svc.protocol} --dport ${svc.port} -j ${svc.svcChain}`
}

/** The first rule of KUBE-SVC: mark for masquerade what does not come from a pod (step 6). */
export function svcMasqueradeRule(svc: BenchService): string {
  const comment = saveComment(`${svc.spn} cluster IP`)
  return `! -s ${POD_CIDR} -d ${svc.clusterIp}/32 -p ${svc.protocol} -m comment --comment ${comment} -m ${svc.protocol} --dport ${svc.port} -j KUBE-MARK-MASQ`
}

/**
 * One load-balancing rule of KUBE-SVC (step 9). `probability` is undefined for the last
 * endpoint. In large-cluster mode (> 1000 endpoints) kube-proxy leaves the comment out.
 */
export function svcEndpointRule(
  svc: BenchService,
  ep: BenchEndpoint,
  probability: string | undefined,
  largeCluster: boolean,
): string {
  const comment = largeCluster
    ? ''
    : ` -m comment --comment ${saveComment(`${svc.spn} -> ${ep.key}`)}`
  const statistic =
    probability === undefined ? '' : ` -m statistic --mode random --probability ${probability}`
  return `${comment}${statistic} -j ${ep.sepChain}`.trimStart()
}

/** The two rules of KUBE-SEP: hairpin masquerade, then DNAT to the endpoint (step 10). */
export function sepRules(svc: BenchService, ep: BenchEndpoint, largeCluster: boolean): string[] {
  const comment = largeCluster ? '' : ` -m comment --comment ${saveComment(svc.spn)}`
  return [
    `-s ${ep.ip}/32${comment} -j KUBE-MARK-MASQ`,
    `-p ${svc.protocol}${comment} -m ${svc.protocol} -j DNAT --to-destination ${ep.key}`,
  ]
}

/**
 * The catch-all that must stay last in nat KUBE-SERVICES: node-local destinations go on to
 * KUBE-NODEPORTS (§2.4, nodePortAddresses unset, IPv4 with localhost NodePorts allowed).
 */
export const NODEPORTS_LAST_RULE =
  '-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
