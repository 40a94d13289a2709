/**
 * @module core/walk/trace
 * `traceCluster`: every branch of a packet's walk across the cluster, with its probability, and
 * the reply walked back through the same namespaces' conntrack. A branch is one set of answers
 * to every random decision on the way (`-m statistic`, nft numgen) in every namespace; each
 * branch forks every namespace's netfilter runtime when it first reaches it, so branches never
 * share connections, and the reply of a branch sees the connections its request created.
 */
import type { ClusterState } from '../model/cluster-state.js'
import type { Packet } from '../model/packet.js'
import { enumerate } from '../netfilter/engine/chooser.js'
import { WalkCtx, World } from './context.js'
import { replyTo } from './reply.js'
import type { ClusterTrace, TraceClusterOptions, Walk } from './types.js'
import { sendPacket } from './walk.js'

export interface TraceStart {
  /** The namespace whose socket sends the packet. */
  readonly netns: string
  readonly packet: Packet
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
  const world = new World(state)
  world.netns(start.netns)
  const branches = enumerate((chooser) => {
    const ctx = new WalkCtx(world, chooser, opts.maxHops ?? 64)
    const outcome = sendPacket(ctx, start.netns, start.packet)
    const hops = ctx.hops
    const received = ctx.delivered
    const answer = opts.reply === false || !received ? undefined : replyTo(received, outcome)
    let reply: Walk | undefined
    if (answer && (outcome.kind === 'delivered' || outcome.kind === 'refused')) {
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
      const back = sendPacket(ctx, outcome.netns, answer)
      reply = { hops: ctx.hops, outcome: back }
    }
    return { hops, outcome, ...(reply ? { reply } : {}) }
  }, opts.limit ?? 256)
  return {
    branches: branches.map((b) => ({
      probability: b.probability,
      decisions: b.decisions,
      ...b.value,
    })),
  }
}
