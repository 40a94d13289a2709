/**
 * @module core/walk/deliver
 * Local delivery: a packet the IP layer hands to a socket. A VXLAN port's UDP socket
 * decapsulates (vxlan.ts), as does flanneld's (tun.ts) and an ipip device for protocol 4 (ipip.ts); during the reply the client socket waits for it; otherwise an
 * `echo-server` daemon listening on the port receives it (hostNetwork servers run in the
 * node's namespace). ICMP echo requests are answered by the kernel itself.
 */
import { type Packet, PROTO } from '../model/packet.js'
import type { WalkCtx } from './context.js'
import { ipipDecap } from './ipip.js'
import { tunDecap } from './tun.js'
import type { Outcome } from './types.js'
import { vxlanDecap } from './vxlan.js'

function listens(ctx: WalkCtx, netns: string, pkt: Packet): boolean {
  if (pkt.proto === PROTO.icmp) return pkt.icmpType === 8
  const proto = pkt.proto === PROTO.udp ? 'UDP' : pkt.proto === PROTO.sctp ? 'SCTP' : 'TCP'
  return (ctx.world.netns(netns).daemons ?? []).some(
    (d) =>
      d.kind === 'echo-server' &&
      Number(d.config.port) === pkt.dport &&
      String(d.config.protocol ?? 'TCP').toUpperCase() === proto,
  )
}

function isReplyForClient(ctx: WalkCtx, netns: string, pkt: Packet): boolean {
  const s = ctx.socket
  if (!s || s.netns !== netns || s.addr !== pkt.dst) return false
  // An ICMP error quotes the packet the socket sent (un-NATed by conntrack on the way back).
  if (pkt.proto === PROTO.icmp && pkt.inner) return pkt.inner.dst === s.peer.addr
  // Anything else must come from the address and port the socket talks to: a SYN-ACK from a
  // backend that was never un-DNATed finds no socket (tcp_v4_rcv answers with a RST).
  if (pkt.src !== s.peer.addr) return false
  return (
    pkt.proto === PROTO.icmp ||
    s.port === undefined ||
    (s.port === pkt.dport && s.peer.port === pkt.sport)
  )
}

export function deliver(ctx: WalkCtx, netns: string, pkt: Packet): Outcome {
  const decap =
    vxlanDecap(ctx, netns, pkt) ?? tunDecap(ctx, netns, pkt) ?? ipipDecap(ctx, netns, pkt)
  if (decap) return decap
  ctx.delivered = pkt
  const port = pkt.dport
  if (ctx.socket ? isReplyForClient(ctx, netns, pkt) : listens(ctx, netns, pkt)) {
    return {
      kind: 'delivered',
      netns,
      port,
      serverSaw: { src: pkt.src, sport: pkt.sport },
      ttlAtArrival: pkt.ttl,
    }
  }
  return { kind: 'refused', netns, port, ttlAtArrival: pkt.ttl }
}
