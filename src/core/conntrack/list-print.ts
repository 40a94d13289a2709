/**
 * @module core/conntrack/list-print
 * Print entries byte for byte as `conntrack -L` (conntrack-tools 1.4.7, libnetfilter_conntrack
 * 1.0.9) writes them on stdout; the count line it writes on stderr is
 * {@link printConntrackSummary}.
 */
import { KpathError } from '../errors.js'
import { type ExtraSlot, extraSlot, L3_NUMBERS, l4Name, listAddr } from './list-format.js'
import type { ConntrackEntry, CtCounters, Tuple } from './model.js'
import { isIcmpProto, isPortProto, PROTO_GRE } from './tuple.js'

export interface PrintConntrackOptions {
  /** `-o extended`: prefix each line with the layer-3 name and number (`ipv4     2 `). */
  readonly extended?: boolean
}

/** `%-8s %u`: a name left-aligned in 8 columns, then its number. */
function named(name: string, num: number): string {
  return `${name.padEnd(8)} ${num}`
}

function tupleItems(t: Tuple, proto: number): string[] {
  const items = [`src=${listAddr(t.src)}`, `dst=${listAddr(t.dst)}`]
  if (isPortProto(proto)) items.push(`sport=${t.sport ?? 0}`, `dport=${t.dport ?? 0}`)
  else if (isIcmpProto(proto)) {
    items.push(`type=${t.icmpType ?? 0}`, `code=${t.icmpCode ?? 0}`, `id=${t.icmpId ?? 0}`)
  } else if (proto === PROTO_GRE) {
    items.push(
      `srckey=0x${(t.srcKey ?? 0).toString(16)}`,
      `dstkey=0x${(t.dstKey ?? 0).toString(16)}`,
    )
  }
  return items
}

function counterItems(c: CtCounters | undefined): string[] {
  return c ? [`packets=${c.packets}`, `bytes=${c.bytes}`] : []
}

function statusItem(e: ConntrackEntry): string[] {
  if (e.status.hwOffload) return ['[HW_OFFLOAD]']
  if (e.status.offload) return ['[OFFLOAD]']
  return e.status.assured ? ['[ASSURED]'] : []
}

function extras(e: ConntrackEntry, slot: ExtraSlot): string[] {
  return (e.extra ?? []).filter((item) => extraSlot(item) === slot)
}

function checkExtras(e: ConntrackEntry): void {
  for (const item of e.extra ?? []) {
    if (extraSlot(item) === undefined) {
      throw new KpathError('KPATH_INVALID_ARGUMENT', `conntrack -L never prints "${item}"`, {
        hint: 'extra items are secmark=, secctx=, delta-time=, [start=…], [stop=…], helper=, id=, labels=',
      })
    }
  }
}

/** One entry as one line, without the newline. */
export function printConntrackEntry(
  e: ConntrackEntry,
  options: PrintConntrackOptions = {},
): string {
  checkExtras(e)
  const items: string[] = []
  if (options.extended) items.push(named(e.l3, L3_NUMBERS[e.l3]))
  items.push(named(l4Name(e.proto), e.proto), String(e.timeout))
  const state = e.tcpState ?? e.sctpState ?? e.dccpState
  if (state !== undefined) items.push(state)
  items.push(...tupleItems(e.orig, e.proto))
  if (e.origZone !== undefined) items.push(`zone-orig=${e.origZone}`)
  items.push(...counterItems(e.counters?.orig))
  if (!e.status.seenReply) items.push('[UNREPLIED]')
  items.push(...tupleItems(e.reply, e.proto))
  if (e.replyZone !== undefined) items.push(`zone-reply=${e.replyZone}`)
  items.push(...counterItems(e.counters?.reply), ...statusItem(e), `mark=${e.mark}`)
  items.push(...extras(e, 'afterMark'))
  if (e.zone !== undefined) items.push(`zone=${e.zone}`)
  items.push(...extras(e, 'beforeUse'), `use=${e.use}`, ...extras(e, 'afterUse'))
  return items.join(' ')
}

/**
 * The whole listing: one line per entry, each ending in a newline.
 *
 * @example
 * printConntrackList(entries, { extended: true })
 */
export function printConntrackList(
  entries: readonly ConntrackEntry[],
  options: PrintConntrackOptions = {},
): string {
  return entries.map((e) => `${printConntrackEntry(e, options)}\n`).join('')
}

/** The line conntrack -L writes to stderr after the listing. */
export function printConntrackSummary(count: number): string {
  return `conntrack v1.4.7 (conntrack-tools): ${count} flow entries have been shown.\n`
}
