/**
 * @module core/explain/detectors/route-localnet
 * A NodePort called on 127.0.0.1: kube-proxy's iptables mode DNATs it to an endpoint, but the
 * kernel refuses to route a packet with a loopback source off the loopback device unless
 * net.ipv4.conf.<dev>.route_localnet=1 (ip_route_output_key_hash_rcu: "invalid source";
 * kube-proxy sets conf.all.route_localnet=1 itself when localhost NodePorts are on).
 */
import { parseSetEdit } from '../../whatif/index.js'
import { evidence, lastHop, requestedService, serviceKey, targetOf, whoIs } from '../facts.js'
import type { Detector } from '../types.js'

export const routeLocalnet: Detector = (ctx) => {
  const o = ctx.failure.outcome
  const r = ctx.report
  if (o.kind !== 'dropped' || !o.reason.endsWith('invalid source')) return undefined
  if (!r.packet.src.startsWith('127.')) return undefined
  const { index } = lastHop(ctx)
  const t = targetOf(r, o.netns)
  const svc = requestedService(r)
  if (t === undefined) return undefined
  const what =
    svc === undefined
      ? `port ${r.packet.dport}`
      : `Service ${serviceKey(svc)}'s NodePort ${r.packet.dport}`
  const sentence = `${what} on ${r.packet.dst} is DNATed on ${whoIs(r, o.netns)}, but net.ipv4.conf.all.route_localnet=0 there: the kernel will not route a packet with the loopback source ${r.packet.src} to another host`
  return {
    cause: 'localhost-nodeport-route-localnet',
    sentence,
    evidence: evidence(ctx, index, `${o.where}: ${o.reason}`),
    fixes: [
      {
        title: `route_localnet=1 on ${whoIs(r, o.netns)} (what kube-proxy sets)`,
        edits: [parseSetEdit(`${t.ref}:sysctl.net.ipv4.conf.all.route_localnet=1`)],
      },
    ],
  }
}
