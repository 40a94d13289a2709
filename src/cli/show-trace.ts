/**
 * @module cli/show-trace
 * The trace flags of `kpath show … conntrack --from REF --to REF`: checked together (both or
 * neither, and only with the conntrack view), then handed to showConntrackAfterTrace.
 */
import type { TextInput } from '../adapters/node/files.js'
import type { ShowResult } from '../core/app/show.js'
import { showConntrackAfterTrace } from '../core/app/show-conntrack.js'
import { KpathError } from '../core/errors.js'

export const PROTOS = ['tcp', 'udp', 'icmp'] as const

export function branchArg(v: string): number {
  if (!/^[1-9][0-9]*$/.test(v))
    throw new KpathError('KPATH_INVALID_ARGUMENT', `--branch ${v} is not a branch number (1, 2, …)`)
  return Number(v)
}

interface TraceFlags {
  readonly from?: string
  readonly to?: string
  readonly port?: number
  readonly proto?: (typeof PROTOS)[number]
  readonly branch?: number
}

/** The trace to run before listing, or undefined for the model's own table. */
export function traceFlags(view: string, o: TraceFlags): { from: string; to: string } | undefined {
  const any = [o.from, o.to, o.port, o.proto, o.branch].some((x) => x !== undefined)
  if (!any) return undefined
  if (view !== 'conntrack')
    throw new KpathError('KPATH_INVALID_ARGUMENT', `--from/--to trace first only for conntrack`, {
      hint: `kpath show FILE --node N conntrack --from REF --to REF (the ${view} view does not change with a trace)`,
    })
  if (o.from === undefined || o.to === undefined)
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      'the conntrack view after a trace needs both --from and --to',
      {
        hint: 'e.g. --from pod/default/client --to svc/default/web',
      },
    )
  return { from: o.from, to: o.to }
}

export function conntrackAfter(
  inputs: readonly TextInput[],
  t: { from: string; to: string },
  o: TraceFlags & { readonly node?: string; readonly pod?: string; readonly quiet?: boolean },
): ShowResult {
  const r = showConntrackAfterTrace({
    inputs,
    ...t,
    ...(o.node ? { node: o.node } : {}),
    ...(o.pod ? { pod: o.pod } : {}),
    ...(o.port === undefined ? {} : { port: o.port }),
    ...(o.proto === undefined ? {} : { proto: o.proto }),
    ...(o.branch === undefined ? {} : { branch: o.branch }),
  })
  // conntrack -L writes its count line on stderr.
  if (o.quiet !== true) process.stderr.write(r.summary)
  return r
}
