/**
 * @module cli/trace-output
 * How `kpath trace` prints its result in each `--format`: text (the terminal view, coloured on
 * a TTY), json (docs/TRACE-JSON.md), mermaid (a sequence diagram) or pcapng (written to
 * `--output FILE`, never to a terminal, with the tshark options that decode its tunnels).
 */
import { writeFileSync } from 'node:fs'
import type { ClusterTraceReport } from '../core/app/cluster-trace.js'
import { clusterTraceText, outcomeText, whoIs } from '../core/app/cluster-trace-text.js'
import { toJson } from '../core/app/show.js'
import { traceMermaid } from '../core/app/trace-mermaid.js'
import { tracePcapng, tsharkDecodeHints } from '../core/app/trace-pcapng.js'
import { segmentTitle } from '../core/app/trace-tcp.js'
import { KpathError } from '../core/errors.js'
import { palette } from './output.js'

export const TRACE_FORMATS = ['text', 'json', 'pcapng', 'mermaid'] as const
export type TraceFormat = (typeof TRACE_FORMATS)[number]

export interface TraceOutputOptions {
  readonly format: TraceFormat
  readonly output?: string
  readonly quiet: boolean
}

type Branch = ClusterTraceReport['trace']['branches'][number]

/** --quiet: the segments after the handshake (`--segment`): each one not taken, or that all were. */
function quietSegments(b: Branch, r: ClusterTraceReport): string {
  const all = b.segments ?? []
  const failed = all.flatMap((s, i) =>
    s.outcome.kind === 'delivered' ? [] : [`; ${segmentTitle(s, i)} ${outcomeText(s.outcome, r)}`],
  )
  if (failed.length > 0) return failed.join('')
  return all.length > 0 ? `; all ${all.length} segments after the handshake delivered` : ''
}

/** --quiet text: one line per branch, the request's outcome, the reply's and the segments'. */
function quietText(r: ClusterTraceReport): string {
  return r.trace.branches
    .map((b) => {
      const e = b.reply?.error
      const what = e ? `reply (${e.text}, sent by ${whoIs(r, e.netns)})` : 'reply'
      const reply = b.reply ? `; ${what} ${outcomeText(b.reply.outcome, r)}` : ''
      return `${outcomeText(b.outcome, r)}${reply}${quietSegments(b, r)}\n`
    })
    .join('')
}

function pcapng(r: ClusterTraceReport, o: TraceOutputOptions): void {
  if (o.output === undefined || o.output === '-') {
    if (process.stdout.isTTY === true)
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        'pcapng is binary: not written to a terminal',
        {
          hint: 'give --output FILE (or pipe it: kpath trace … --format pcapng | tshark -r -)',
        },
      )
    process.stdout.write(tracePcapng(r, { start: BigInt(Date.now()) * 1000n }))
  } else {
    try {
      writeFileSync(o.output, tracePcapng(r, { start: BigInt(Date.now()) * 1000n }))
    } catch (e) {
      throw new KpathError('KPATH_IO', `cannot write ${o.output}: ${(e as Error).message}`, {
        hint: 'pick a writable path for --output',
        cause: e,
      })
    }
  }
  if (o.quiet) return
  const file = o.output === undefined || o.output === '-' ? '-' : o.output
  const hints = tsharkDecodeHints(r)
  const where = o.output && o.output !== '-' ? `wrote ${o.output}; ` : ''
  process.stderr.write(`${where}read it with: tshark -r ${[file, ...hints].join(' ')}\n`)
}

/** Print or write the trace; text-like formats go to --output when given. */
export function writeTrace(r: ClusterTraceReport, o: TraceOutputOptions): void {
  if (o.format === 'pcapng') {
    pcapng(r, o)
    return
  }
  let text: string
  if (o.format === 'json') text = `${toJson(r.trace)}\n`
  else if (o.format === 'mermaid') text = traceMermaid(r)
  else if (o.quiet) text = quietText(r)
  else text = clusterTraceText(r, o.output ? undefined : palette(process.stdout))
  if (o.output === undefined || o.output === '-') process.stdout.write(text)
  else writeFileSync(o.output, text)
}
