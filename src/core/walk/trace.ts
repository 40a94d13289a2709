/**
 * @module core/walk/trace
 * `traceCluster`: every branch of a packet's walk across the cluster, with its probability, and
 * the reply walked back through the same namespaces' conntrack. A branch is one set of answers
 * to every random decision on the way (`-m statistic`, nft numgen) in every namespace; each
 * branch forks every namespace's netfilter runtime when it first reaches it, so branches never
 * share connections, and the reply of a branch sees the connections its request created.
 */
import type { ConntrackEntry } from '../conntrack/model.js'
import type { ClusterState } from '../model/cluster-state.js'
import type { Packet } from '../model/packet.js'
import { enumerate } from '../netfilter/engine/chooser.js'
import { hopPacket, WalkCtx, World } from './context.js'
import { replyTo } from './reply.js'
import { walkSegments } from './segments.js'
import type { ClusterTrace, Outcome, ReplyWalk, SentBack, TraceClusterOptions } from './types.js'
import { sendPacket } from './walk.js'

export interface TraceStart {
  /** The namespace whose socket sends the packet. */
  readonly netns: string
  readonly packet: Packet
}

/** Walk the answer to the request back to the client socket: the server's, or an error. */
function replyWalk(ctx: WalkCtx, start: TraceStart, outcome: Outcome): ReplyWalk | undefined {
  const received = ctx.delivered
  const served = outcome.kind === 'delivered' || outcome.kind === 'refused'
  const answer = served && received ? replyTo(received, outcome) : undefined
  const sent = outcome.kind === 'dropped' ? ctx.answer : undefined
  const from = served ? outcome.netns : sent?.netns
  const pkt = answer ?? sent?.pkt
  if (pkt === undefined || from === undefined) return undefined
  ctx.restart()
  ctx.socket = {
    netns: start.netns,
    addr: start.packet.src,
    ...(start.packet.sport === undefined ? {} : { port: start.packet.sport }),
    peer: {
      addr: start.packet.dst,
      ...(start.packet.dport === undefined ? {} : { port: start.packet.dport }),
    },
  }
  const back = sendPacket(ctx, from, pkt)
  const error: SentBack | undefined =
    answer || !sent
      ? undefined
      : {
          netns: sent.netns,
          text: sent.text,
          packet: hopPacket(sent.pkt),
          ...(sent.pkt.icmpType === undefined ? {} : { icmpType: sent.pkt.icmpType }),
          ...(sent.pkt.icmpCode === undefined ? {} : { icmpCode: sent.pkt.icmpCode }),
          ...(sent.mtu === undefined ? {} : { mtu: sent.mtu }),
        }
  return { hops: ctx.hops, outcome: back, ...(error ? { error } : {}) }
}

/**
 * One World per cluster state: its routing views and compiled base runtimes are what a trace
 * costs on a big cluster (a node's 5,000-Service ruleset compiles in about a second), and they
 * never change (branches fork the bases), so later traces on the same state reuse them.
 */
const worlds = new WeakMap<ClusterState, World>()

function worldOf(state: ClusterState): World {
  let w = worlds.get(state)
  if (w === undefined) {
    w = new World(state)
    worlds.set(state, w)
  }
  return w
}

/** What each namespace's conntrack holds once the branch's walks are done. */
function conntrackOf(ctx: WalkCtx): Record<string, readonly ConntrackEntry[]> {
  return Object.fromEntries([...ctx.touched()].map(([n, rt]) => [n, rt.conntrack.entries()]))
}

/**
 * @example
 * traceCluster(state, { netns: 'pod-default-web-alpha-1', packet: syn('10.244.0.2', '10.96.0.10', 80) })
 * // → { branches: [{ probability: 0.5, hops: [...], outcome: { kind: 'delivered', … }, reply: {…} }, …] }
 * @throws KpathError KPATH_INVALID_ARGUMENT for an unknown namespace; KPATH_LOOP for a loop
 */
export function traceCluster(
  state: ClusterState,
  start: TraceStart,
  opts: TraceClusterOptions = {},
): ClusterTrace {
  const world = worldOf(state)
  world.netns(start.netns)
  const branches = enumerate((chooser) => {
    const ctx = new WalkCtx(world, chooser, opts.maxHops ?? 64)
    const outcome = sendPacket(ctx, start.netns, start.packet)
    const hops = ctx.hops
    const received = ctx.delivered
    const reply = opts.reply === false ? undefined : replyWalk(ctx, start, outcome)
    const segs =
      opts.segments !== undefined && outcome.kind === 'delivered' && received !== undefined
        ? {
            segments: walkSegments(
              ctx,
              { clientNetns: start.netns, syn: start.packet, serverNetns: outcome.netns, received },
              opts.segments,
            ),
          }
        : {}
    const conntrack = opts.conntrack ? { conntrack: conntrackOf(ctx) } : {}
    return { hops, outcome, ...(reply ? { reply } : {}), ...segs, ...conntrack }
  }, opts.limit ?? 256)
  return {
    branches: branches.map((b) => ({
      probability: b.probability,
      decisions: b.decisions,
      ...b.value,
    })),
  }
}
