/**
 * @module core/explain/facts
 * What the detectors ask of a trace and its cluster: who a namespace is (in words and as an
 * edit target), the Service behind an address, where kube-proxy DNATed or SNATed, the pod
 * network, and whether the input holds an object a fix would edit.
 */

import type { ClusterTraceReport } from '../app/cluster-trace.js'
import { ruleText, whoIs } from '../app/cluster-trace-text.js'
import { formatPrefix4, parsePrefix4 } from '../cluster/ipv4.js'
import type { Service } from '../kube/model.js'
import { findNetns } from '../model/cluster-state.js'
import type { NetnsState } from '../model/netns.js'
import { formatIPv4, parseIPv4, v4Mask } from '../net/ip.js'
import { CLIENT_ISN, type Hop, SERVER_ISN } from '../walk/index.js'
import { parseNetnsTarget } from '../whatif/index.js'
import type { NetnsTarget } from '../whatif/types.js'
import type { Evidence, ExplainContext } from './types.js'

export { whoIs }

/** The edit target of a namespace (`node/slave2`), when edits can address it. */
export function targetOf(r: ClusterTraceReport, netns: string): NetnsTarget | undefined {
  const role = findNetns(r.state, netns)?.role
  const ref =
    role?.kind === 'node'
      ? `node/${role.node}`
      : role?.kind === 'pod'
        ? `pod/${role.namespace}/${role.name}`
        : role?.kind === 'router'
          ? `router/${role.name}`
          : role?.kind === 'external'
            ? `external/${role.name}`
            : undefined
  return ref === undefined ? undefined : parseNetnsTarget(ref)
}

export function netnsOf(r: ClusterTraceReport, netns: string): NetnsState | undefined {
  return findNetns(r.state, netns)
}

/** The last hop of the failing walk and its index. */
export function lastHop(ctx: ExplainContext): { hop: Hop | undefined; index: number } {
  const hops = ctx.failure.hops
  return { hop: hops.at(-1), index: hops.length - 1 }
}

/** Evidence at hop `index` of the failing walk. */
export function evidence(ctx: ExplainContext, index: number, line: string): Evidence {
  const hop = ctx.failure.hops[index]
  return {
    branch: ctx.failure.branch,
    walk:
      ctx.failure.kind === 'reply' || ctx.failure.kind === 'segment' ? ctx.failure.kind : 'request',
    hop: index,
    netns: hop?.netns ?? (ctx.failure.outcome.netns as string),
    line,
  }
}

export interface NatLine {
  readonly hop: number
  readonly netns: string
  readonly from: string
  readonly to: string
}

/** Every `nat(HOOK): DNAT|SNAT A -> B` line of a walk, in order. */
export function natLines(hops: readonly Hop[], kind: 'DNAT' | 'SNAT'): NatLine[] {
  const re = new RegExp(`^nat\\([A-Z]+\\): ${kind} (\\S+) -> (\\S+)$`)
  return hops.flatMap((h, i) =>
    h.netfilter.flatMap((l) => {
      const m = re.exec(l)
      return m === null ? [] : [{ hop: i, netns: h.netns, from: m[1] ?? '', to: m[2] ?? '' }]
    }),
  )
}

/** An `addr:port` of a NAT line without the port. */
export function hostOf(addrPort: string): string {
  return addrPort.split(':')[0] ?? addrPort
}

export function serviceKey(s: Service): string {
  return `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`
}

/** The Service whose ClusterIP (and port), or NodePort, the request was sent to. */
export function requestedService(r: ClusterTraceReport): Service | undefined {
  const p = r.packet
  const byIp = r.cluster.services.find(
    (s) => s.spec.clusterIP === p.dst && s.spec.ports.some((x) => x.port === p.dport),
  )
  if (byIp !== undefined) return byIp
  const local = r.state.namespaces.some((n) => n.addresses.some((a) => a.local === p.dst))
  const loopback = p.dst.startsWith('127.')
  if (!local && !loopback) return undefined
  return r.cluster.services.find((s) => s.spec.ports.some((x) => x.nodePort === p.dport))
}

function covering(prefixes: readonly string[]): string | undefined {
  const ps = prefixes.flatMap((t) => parsePrefix4(t) ?? [])
  const [first] = ps
  if (first === undefined) return undefined
  let len = Math.min(...ps.map((p) => p.len))
  while (len > 0 && !ps.every((p) => ((p.net ^ first.net) & v4Mask(len)) >>> 0 === 0)) len--
  return formatPrefix4({ net: (first.net & v4Mask(len)) >>> 0, len })
}

/** The pod network: kubeadm's podSubnet, kube-proxy's clusterCIDR, or what covers the nodes' podCIDRs. */
export function podNetwork(ctx: ExplainContext): string | undefined {
  const c = ctx.report.cluster
  const given = [c.networking.podSubnet, c.kubeProxy.clusterCIDR].find(
    (x) => x !== undefined && x !== '' && parsePrefix4(x) !== undefined,
  )
  if (given !== undefined) return given
  const flannel = ctx.options.inputs
    .map((i) => /"Network":\s*"([0-9./]+)"/.exec(i.text)?.[1])
    .find((x) => x !== undefined)
  return flannel ?? covering(c.nodes.flatMap((n) => n.spec.podCIDR ?? []))
}

/** Does the input hold an object of this kind (`kind: KubeProxyConfiguration`)? */
export function inputHas(ctx: ExplainContext, kind: string): boolean {
  const re = new RegExp(`^\\s*kind:\\s*${kind}\\s*$`, 'm')
  return ctx.options.inputs.some((i) => re.test(i.text))
}

/** `a.b.c.d/32` for an address. */
export function host32(ip: string): string {
  const v = parseIPv4(ip)
  return v === undefined ? ip : `${formatIPv4(v)}/32`
}

/** Does the IPv4 prefix `cidr` hold `ip`? */
export function inPrefix(cidr: string | undefined, ip: string): boolean {
  const p = cidr === undefined ? undefined : parsePrefix4(cidr)
  const v = parseIPv4(ip)
  return p !== undefined && v !== undefined && (v & v4Mask(p.len)) >>> 0 === p.net
}

/** The Service range holding a ClusterIP (kubeadm's serviceSubnet), else the address alone. */
export function serviceRange(r: ClusterTraceReport, ip: string): string {
  const s = r.cluster.networking.serviceSubnet
  return s !== undefined && inPrefix(s, ip) ? s : host32(ip)
}

/** The rule the last `TRACE: table:chain:rule:N` line of a hop points at, as iptables-save prints it. */
export function lastRule(r: ClusterTraceReport, hop: Hop | undefined): string | undefined {
  const line = [...(hop?.netfilter ?? [])].reverse().find((l) => /^TRACE: \S+:rule:\d+$/.test(l))
  const n = hop === undefined ? undefined : findNetns(r.state, hop.netns)
  return line === undefined ? undefined : ruleText(n, line)
}

/** The `--comment` of a rule's text. */
export function ruleComment(rule: string | undefined): string | undefined {
  return rule === undefined ? undefined : /--comment "([^"]*)"/.exec(rule)?.[1]
}

/** The failing walk in words: `the packet`, `the reply`, `the server's segment PSH/ACK seq=…`. */
export function walkName(
  r: ClusterTraceReport,
  f: { readonly kind: string; readonly branch: number; readonly segment?: number },
): string {
  if (f.kind === 'reply') return 'the reply'
  if (f.kind !== 'segment' || f.segment === undefined) return 'the packet'
  const s = r.trace.branches[f.branch]?.segments?.[f.segment]
  if (s === undefined) return 'the segment'
  const len = s.spec.payload ?? 0
  const seq = `seq=${(s.seq - (s.spec.from === 'client' ? CLIENT_ISN : SERVER_ISN)) >>> 0}`
  return `the ${s.spec.from}'s segment ${s.spec.flags.join('/')} ${seq}${len > 0 ? ` len=${len}` : ''}`
}
