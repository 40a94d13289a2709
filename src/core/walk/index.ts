/**
 * @module core/walk
 * The packet walk across a cluster's namespaces: {@link traceCluster} follows a packet from a
 * socket hop by hop (veth, bridge, vxlan; routing, ARP and netfilter in every namespace) to a
 * listener, a drop or the edge of the modelled world, then walks the reply back.
 */

export { parseSegmentSpec } from './segment-spec.js'
export { CLIENT_ISN, SERVER_ISN, synSeq } from './tcp-seq.js'
export { type TraceStart, traceCluster } from './trace.js'
export type * from './types.js'
