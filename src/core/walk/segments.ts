/**
 * @module core/walk/segments
 * TCP segments after the handshake, walked through the conntrack state the request and its
 * SYN/ACK left: the client's ACK that completes the handshake, then each segment asked for
 * (`--segment`), from the client socket or from the server's. A segment no socket takes (a
 * server's segment that reaches the client still carrying the pod's address because conntrack
 * did not un-DNAT it) is answered by the receiving kernel with an RST (tcp_v4_send_reset:
 * sequence number = the segment's ACK when it had one), and that RST is walked back too.
 */
import type { Packet, TcpSeqInfo } from '../model/packet.js'
import { PROTO } from '../model/packet.js'
import type { WalkCtx } from './context.js'
import { CLIENT_ISN, SCALED_WINDOW, SERVER_ISN } from './tcp-seq.js'
import type { Outcome, SegmentSpec, SegmentWalk, Walk } from './types.js'
import { sendPacket } from './walk.js'

const u32 = (x: number) => x >>> 0
/** IP + TCP headers with the timestamp option, as Linux sends data segments. */
const HEADERS = 52

type Socket = NonNullable<WalkCtx['socket']>

/** The two ends: the client's namespace and first packet, the server's and what it received. */
export interface Conversation {
  readonly clientNetns: string
  readonly syn: Packet
  readonly serverNetns: string
  readonly received: Packet
}

interface Side {
  readonly isn: number
  next: number
  readonly netns: string
  /** The socket as this side sees the connection (its address, the peer's). */
  readonly socket: Socket
}

function sides(c: Conversation): { client: Side; server: Side } {
  const r = c.received
  const client: Side = {
    isn: CLIENT_ISN,
    next: u32(CLIENT_ISN + 1),
    netns: c.clientNetns,
    socket: socketOf(c.clientNetns, c.syn.src, c.syn.sport, c.syn.dst, c.syn.dport),
  }
  const server: Side = {
    isn: SERVER_ISN,
    next: u32(SERVER_ISN + 1),
    netns: c.serverNetns,
    socket: socketOf(c.serverNetns, r.dst, r.dport, r.src, r.sport),
  }
  return { client, server }
}

function socketOf(netns: string, addr: string, port?: number, peer?: string, peerPort?: number) {
  return {
    netns,
    addr,
    ...(port === undefined ? {} : { port }),
    peer: { addr: peer ?? '', ...(peerPort === undefined ? {} : { port: peerPort }) },
  }
}

/** The packet a side's socket sends. */
function segmentPacket(from: Side, spec: SegmentSpec, seq: TcpSeqInfo): Packet {
  const s = from.socket
  return {
    family: 4,
    src: s.addr,
    dst: s.peer.addr,
    proto: PROTO.tcp,
    ...(s.port === undefined ? {} : { sport: s.port }),
    ...(s.peer.port === undefined ? {} : { dport: s.peer.port }),
    tcpFlags: [...spec.flags],
    tcpSeq: seq,
    ttl: 64,
    length: HEADERS + seq.payload,
    df: true,
    mark: 0,
  }
}

/** Walk one packet from `from`'s socket; the other side's socket is the one waiting. */
function walkFrom(ctx: WalkCtx, from: Side, to: Side, pkt: Packet): Outcome {
  ctx.restart()
  ctx.delivered = undefined
  // The client socket matches what it receives against its peer; the server listens.
  ctx.socket = to.isn === CLIENT_ISN ? to.socket : undefined
  return sendPacket(ctx, from.netns, pkt)
}

/** tcp_v4_send_reset: the RST a kernel sends for a segment no socket wants. */
function resetFor(received: Packet): Packet {
  const seq = received.tcpSeq
  const acked = received.tcpFlags?.includes('ACK') === true
  const end = seq === undefined ? 0 : u32(seq.seq + seq.payload)
  return {
    family: 4,
    src: received.dst,
    dst: received.src,
    proto: PROTO.tcp,
    ...(received.dport === undefined ? {} : { sport: received.dport }),
    ...(received.sport === undefined ? {} : { dport: received.sport }),
    tcpFlags: acked ? ['RST'] : ['RST', 'ACK'],
    tcpSeq: { seq: acked ? (seq?.ack ?? 0) : 0, ack: acked ? 0 : end, window: 0, payload: 0 },
    ttl: 64,
    length: 40,
    mark: 0,
  }
}

function walkOne(ctx: WalkCtx, from: Side, to: Side, spec: SegmentSpec): SegmentWalk {
  const seq = spec.seq === undefined ? from.next : u32(from.isn + spec.seq)
  const ack = spec.ack === undefined ? to.next : u32(to.isn + spec.ack)
  const payload = spec.payload ?? 0
  const info = { seq, ack, window: spec.window ?? SCALED_WINDOW, payload }
  if (spec.seq === undefined) from.next = u32(seq + payload + (spec.flags.includes('FIN') ? 1 : 0))
  const outcome = walkFrom(ctx, from, to, segmentPacket(from, spec, info))
  const walk: Walk = { hops: ctx.hops, outcome }
  const received = ctx.delivered
  if (outcome.kind !== 'refused' || received === undefined || spec.flags.includes('RST'))
    return { ...walk, spec, seq, ack }
  // The RST goes back to the socket that sent the segment: it must fit its four-tuple.
  ctx.restart()
  ctx.socket = from.socket
  const rst = resetFor(received)
  const back = sendPacket(ctx, outcome.netns, rst)
  const sent = { flags: rst.tcpFlags ?? [], seq: rst.tcpSeq?.seq ?? 0, ack: rst.tcpSeq?.ack ?? 0 }
  return { ...walk, spec, seq, ack, reset: { hops: ctx.hops, outcome: back, ...sent } }
}

/**
 * The handshake's last ACK and then every spec, in order, on the branch's runtimes.
 *
 * @example
 * walkSegments(ctx, conv, [{ from: 'server', flags: ['PSH', 'ACK'], seq: 200001, payload: 1448 }])
 * // → [handshake ACK walk, the server's segment: dropped by KUBE-FORWARD (ctstate INVALID)]
 */
export function walkSegments(
  ctx: WalkCtx,
  c: Conversation,
  specs: readonly SegmentSpec[],
): SegmentWalk[] {
  const { client, server } = sides(c)
  const out: SegmentWalk[] = [walkOne(ctx, client, server, { from: 'client', flags: ['ACK'] })]
  for (const spec of specs) {
    const [from, to] = spec.from === 'client' ? [client, server] : [server, client]
    out.push(walkOne(ctx, from, to, spec))
  }
  return out
}
