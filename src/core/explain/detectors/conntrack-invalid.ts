/**
 * @module core/explain/detectors/conntrack-invalid
 * kubernetes#74839: conntrack on a node marks a packet of a tracked connection INVALID (a TCP
 * segment outside the window conntrack tracks, nf_conntrack_proto_tcp.c tcp_in_window). An
 * INVALID packet has no connection, so it is never un-DNATed. kube-proxy's
 * `-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP` drops it; without that rule it
 * reaches the client with the endpoint's address, no socket takes it, and the client's kernel
 * answers with an RST that resets the real connection. `nf_conntrack_tcp_be_liberal=1` makes
 * conntrack accept such segments (and kube-proxy leaves the DROP rule out then).
 */
import { parseSetEdit } from '../../whatif/index.js'
import { evidence, lastRule, walkName } from '../facts.js'
import type { Detector, ExplainContext, FixCandidate } from '../types.js'

const INVALID_LINE = /^conntrack\([A-Z]+\): INVALID: no connection(?: \((.*)\))?$/
const BE_LIBERAL = 'net.netfilter.nf_conntrack_tcp_be_liberal'

interface Marked {
  readonly index: number
  readonly node: string
  readonly reason: string | undefined
}

/** The first node that marked the failing walk's packet INVALID. */
function firstInvalid(ctx: ExplainContext): Marked | undefined {
  const r = ctx.report
  for (const [index, hop] of ctx.failure.hops.entries()) {
    const role = r.state.namespaces.find((n) => n.name === hop.netns)?.role
    if (role?.kind !== 'node') continue
    for (const line of hop.netfilter) {
      const m = INVALID_LINE.exec(line)
      if (m !== null) return { index, node: role.node, reason: m[1] }
    }
  }
  return undefined
}

function fixes(ctx: ExplainContext, node: string): FixCandidate[] {
  const nodes = ctx.report.cluster.nodes.map((n) => n.metadata.name)
  const here: FixCandidate = {
    title: `liberal TCP window tracking (nf_conntrack_tcp_be_liberal=1) on node ${node}`,
    edits: [parseSetEdit(`node/${node}:sysctl.${BE_LIBERAL}=1`)],
  }
  if (nodes.length < 2) return [here]
  const all: FixCandidate = {
    title:
      'liberal TCP window tracking on every node (conntrack on each node on the path sees the segment)',
    edits: nodes.map((n) => parseSetEdit(`node/${n}:sysctl.${BE_LIBERAL}=1`)),
  }
  return [here, all]
}

function lastIndexIn(ctx: ExplainContext, netns: string): number {
  const hops = ctx.failure.hops
  for (let i = hops.length - 1; i >= 0; i--) if (hops[i]?.netns === netns) return i
  return -1
}

export const conntrackInvalid: Detector = (ctx) => {
  const o = ctx.failure.outcome
  if (o.kind !== 'dropped' && o.kind !== 'refused') return undefined
  const marked = firstInvalid(ctx)
  if (marked === undefined) return undefined
  const r = ctx.report
  const what = walkName(r, ctx.failure)
  const why = marked.reason === undefined ? '' : ` (${marked.reason})`
  const head = `conntrack on node ${marked.node} marks ${what} INVALID${why}`
  if (o.kind === 'dropped') {
    const at = lastIndexIn(ctx, o.netns)
    const rule = lastRule(r, ctx.failure.hops[at])
    if (rule === undefined || !/--ctstate INVALID\b.*-j DROP/.test(rule)) return undefined
    const chain = /^-A (\S+)/.exec(rule)?.[1] ?? 'FORWARD'
    const who = chain === 'KUBE-FORWARD' ? `kube-proxy's ${chain}` : chain
    const where = o.netns === ctx.failure.hops[marked.index]?.netns ? '' : ` in ${o.netns}`
    return {
      cause: 'conntrack-invalid',
      sentence: `${head}; ${who} drops it${where} (kubernetes#74839)`,
      evidence: evidence(ctx, at, rule),
      fixes: fixes(ctx, marked.node),
    }
  }
  const hop = ctx.failure.hops.at(-1)
  const from = hop?.packet.src ?? '?'
  const sentence = `${head}, so it is never un-DNATed: it reaches the client from ${from}, an address the client never called, and the client's kernel answers with an RST that resets the connection (kubernetes#74839; kube-proxy's KUBE-FORWARD rule dropping ctstate INVALID is missing)`
  return {
    cause: 'conntrack-invalid',
    sentence,
    evidence: evidence(ctx, marked.index, `INVALID: no connection${why}`),
    fixes: fixes(ctx, marked.node),
  }
}
