/**
 * @module cli/segment-option
 * `--segment WHO:FLAGS[,seq=N][,ack=N][,len=N][,win=N]` on `trace` and `explain`: TCP segments
 * sent after the handshake (core/walk segment-spec.ts), e.g. a server segment beyond the
 * client's window to reproduce kubernetes#74839.
 */
import { parseSegmentSpec, type SegmentSpec } from '../core/walk/index.js'

export const SEGMENT_HELP =
  'after the handshake, send a TCP segment: WHO:FLAGS[,seq=N][,ack=N][,len=N][,win=N], WHO client or server, FLAGS like PSH+ACK, seq/ack relative as tcpdump prints them (repeatable)'

export const SEGMENT_EXAMPLE = `  kpath explain cluster.yaml --from pod/client --to svc/default/web \\
    --segment server:PSH+ACK,seq=200001,len=1398   # a segment beyond the client window (kubernetes#74839)`

/** The parsed `--segment` options, as the trace options take them (none: no key at all). */
export function segmentsOf(specs: readonly string[] | undefined): {
  segments?: readonly SegmentSpec[]
} {
  return specs === undefined || specs.length === 0 ? {} : { segments: specs.map(parseSegmentSpec) }
}
