/**
 * @module core/conntrack/list-parse
 * Parse what `conntrack -L` (conntrack-tools 1.4.7) prints, plain or `-o extended`, for every
 * protocol the library names. Items must come in the order the tool prints them; anything
 * unknown or out of place is a located parse error, never skipped.
 */
import { isKpathError, parseError } from '../errors.js'
import { formatAddr, parseAddr } from '../net/ip.js'
import {
  DCCP_STATES,
  extraRank,
  extraSlot,
  L3_NUMBERS,
  l4Name,
  SCTP_STATES,
  TCP_STATES,
} from './list-format.js'
import { Cursor, readUint, scanTokens, type Token } from './list-scan.js'
import type {
  ConntrackEntry,
  CtCounters,
  CtStatus,
  DccpCtState,
  SctpCtState,
  TcpCtState,
  Tuple,
} from './model.js'
import { isIcmpProto, isPortProto, PROTO_GRE } from './tuple.js'

export interface ParseConntrackOptions {
  /** File name for error locations. */
  readonly file?: string
}

const SUMMARY = /^conntrack v[0-9.]+ \(conntrack-tools\): ([0-9]+) flow entries have been shown\.$/

/**
 * @example
 * parseConntrackList('udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=53 [UNREPLIED] ' +
 *   'src=10.0.0.2 dst=10.0.0.1 sport=53 dport=1 mark=0 use=1\n')[0].proto // 17
 */
export function parseConntrackList(
  text: string,
  options: ParseConntrackOptions = {},
): ConntrackEntry[] {
  try {
    return parseLines(text)
  } catch (e) {
    if (options.file !== undefined && isKpathError(e)) throw e.inFile(options.file)
    throw e
  }
}

function parseLines(text: string): ConntrackEntry[] {
  const lines = text.split('\n')
  const out: ConntrackEntry[] = []
  let summary: { count: number; lineNo: number; line: string } | undefined
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    if (summary) throw parseError('text after the summary line', i + 1, 1, line)
    const m = SUMMARY.exec(line)
    if (m) summary = { count: Number(m[1]), lineNo: i + 1, line }
    else out.push(parseLine(line, i + 1))
  })
  // The summary goes to stderr, but a capture with 2>&1 has it: it must agree with the list.
  if (summary && summary.count !== out.length) {
    throw parseError(
      `the summary says ${summary.count} entries but ${out.length} were listed`,
      summary.lineNo,
      1,
      summary.line,
      'the listing is truncated or was edited',
    )
  }
  return out
}

interface Head {
  readonly l3?: 'ipv4' | 'ipv6'
  readonly proto: number
  readonly timeout: number
}

function parseHead(cur: Cursor, tokens: readonly Token[]): Head {
  const first = tokens[0]
  if (first && /^\[(NEW|UPDATE|DESTROY)\]$/.test(first.text)) {
    throw cur.error(first, `"${first.text}" starts an event line (conntrack -E), not a listing`)
  }
  const extended = tokens[2] !== undefined && !/^[0-9]+$/.test(tokens[2].text)
  let l3: 'ipv4' | 'ipv6' | undefined
  if (extended) {
    const name = cur.next('a layer-3 name')
    if (name.text !== 'ipv4' && name.text !== 'ipv6') {
      throw cur.error(
        name,
        `unknown layer-3 protocol "${name.text}"`,
        'conntrack lists ipv4 and ipv6',
      )
    }
    l3 = name.text
    const family = cur.next('a layer-3 number')
    if (family.text !== String(L3_NUMBERS[l3])) {
      throw cur.error(family, `${l3} is family ${L3_NUMBERS[l3]}, not ${family.text}`)
    }
  }
  const name = cur.next('a protocol name')
  const num = cur.next('a protocol number')
  const proto = readUint(cur, { text: num.text, token: num }, 255, 'protocol')
  if (l4Name(proto) !== name.text) {
    throw cur.error(name, `protocol ${proto} is listed as "${l4Name(proto)}", not "${name.text}"`)
  }
  const t = cur.next('the timeout')
  return {
    ...(l3 ? { l3 } : {}),
    proto,
    timeout: readUint(cur, { text: t.text, token: t }, 0xffffffff, 'timeout'),
  }
}

type ProtoState =
  | { tcpState: TcpCtState }
  | { sctpState: SctpCtState }
  | { dccpState: DccpCtState }
  | object

function parseState(cur: Cursor, proto: number): ProtoState {
  const t = cur.peek()
  if (!t || t.text.includes('=') || t.text.startsWith('[')) return {}
  const names: readonly string[] =
    proto === 6 ? TCP_STATES : proto === 132 ? SCTP_STATES : proto === 33 ? DCCP_STATES : []
  cur.next('a state')
  if (!names.includes(t.text)) {
    const hint = names.length ? `states of ${l4Name(proto)}: ${names.join(' ')}` : undefined
    throw cur.error(t, `unexpected "${t.text}" for protocol ${l4Name(proto)}`, hint)
  }
  if (proto === 6) return { tcpState: t.text as TcpCtState }
  return proto === 132 ? { sctpState: t.text as SctpCtState } : { dccpState: t.text as DccpCtState }
}

function parseAddrValue(cur: Cursor, key: string, family: { v?: 4 | 6 }): string {
  const v = cur.value(key)
  const a = parseAddr(v.text)
  if (!a) throw cur.error(v.token, `"${v.text}" is not an IP address`)
  if (family.v !== undefined && a.family !== family.v) {
    throw cur.error(v.token, `IPv${a.family} address in an IPv${family.v} entry`)
  }
  family.v = a.family
  return formatAddr(a)
}

function parseHex16(cur: Cursor, key: string): number {
  const v = cur.value(key)
  if (!/^0x[0-9a-f]{1,4}$/.test(v.text))
    throw cur.error(v.token, `${key} "${v.text}" is not a 16-bit hex key`)
  return Number.parseInt(v.text.slice(2), 16)
}

function parseTuple(cur: Cursor, proto: number, family: { v?: 4 | 6 }): Tuple {
  const src = parseAddrValue(cur, 'src', family)
  const dst = parseAddrValue(cur, 'dst', family)
  if (isPortProto(proto)) {
    const sport = readUint(cur, cur.value('sport'), 65535, 'sport')
    return { src, dst, sport, dport: readUint(cur, cur.value('dport'), 65535, 'dport') }
  }
  if (isIcmpProto(proto)) {
    const icmpType = readUint(cur, cur.value('type'), 255, 'type')
    const icmpCode = readUint(cur, cur.value('code'), 255, 'code')
    return { src, dst, icmpType, icmpCode, icmpId: readUint(cur, cur.value('id'), 65535, 'id') }
  }
  if (proto === PROTO_GRE)
    return { src, dst, srcKey: parseHex16(cur, 'srckey'), dstKey: parseHex16(cur, 'dstkey') }
  return { src, dst }
}

function parseCounters(cur: Cursor): CtCounters | undefined {
  const p = cur.optional('packets')
  if (!p) return undefined
  const b = cur.value('bytes')
  const count = (v: { text: string; token: Token }) => {
    if (!/^[0-9]{1,20}$/.test(v.text) || BigInt(v.text) > 0xffffffffffffffffn) {
      throw cur.error(v.token, `"${v.text}" is not a 64-bit counter`)
    }
    return BigInt(v.text)
  }
  return { packets: count(p), bytes: count(b) }
}

function parseZone(cur: Cursor, key: string): number | undefined {
  const z = cur.optional(key)
  return z && readUint(cur, z, 65535, key)
}

/** Status flags after the reply tuple: the library prints at most one of them. */
function parseAssured(cur: Cursor): Pick<CtStatus, 'assured' | 'offload' | 'hwOffload'> {
  if (cur.flag('[HW_OFFLOAD]')) return { assured: true, hwOffload: true }
  // Offloaded flows are ASSURED (the flowtable only takes established, assured flows).
  if (cur.flag('[OFFLOAD]')) return { assured: true, offload: true }
  return { assured: cur.flag('[ASSURED]') }
}

/** Verbatim items of one slot, in the order the library prints them. */
function parseExtras(
  cur: Cursor,
  slot: 'afterMark' | 'beforeUse' | 'afterUse',
  into: string[],
): void {
  let last = -1
  for (let t = cur.peek(); t && extraSlot(t.text) === slot; t = cur.peek()) {
    const rank = extraRank(t.text)
    if (rank <= last) throw cur.error(t, `"${t.text}" is out of order`)
    last = rank
    into.push(cur.next('an item').text)
  }
}

function isNat(orig: Tuple, reply: Tuple): { srcNat: boolean; dstNat: boolean } {
  return {
    srcNat: reply.dst !== orig.src || reply.dport !== orig.sport || reply.icmpId !== orig.icmpId,
    dstNat: reply.src !== orig.dst || reply.sport !== orig.dport,
  }
}

function parseLine(line: string, lineNo: number): ConntrackEntry {
  const tokens = scanTokens(line)
  const cur = new Cursor(tokens, lineNo, line)
  const head = parseHead(cur, tokens)
  const state = parseState(cur, head.proto)
  const family: { v?: 4 | 6 } = head.l3 ? { v: head.l3 === 'ipv4' ? 4 : 6 } : {}
  const orig = parseTuple(cur, head.proto, family)
  const origZone = parseZone(cur, 'zone-orig')
  const origCounters = parseCounters(cur)
  const unreplied = cur.flag('[UNREPLIED]')
  const reply = parseTuple(cur, head.proto, family)
  const replyZone = parseZone(cur, 'zone-reply')
  const replyCounters = parseCounters(cur)
  if ((origCounters === undefined) !== (replyCounters === undefined)) {
    throw cur.errorAtEnd('packets=/bytes= must be listed for both directions or neither')
  }
  const assured = parseAssured(cur)
  const mark = readUint(cur, cur.value('mark'), 0xffffffff, 'mark')
  const extra: string[] = []
  parseExtras(cur, 'afterMark', extra)
  const zone = parseZone(cur, 'zone')
  parseExtras(cur, 'beforeUse', extra)
  const use = readUint(cur, cur.value('use'), 0xffffffff, 'use')
  parseExtras(cur, 'afterUse', extra)
  const rest = cur.peek()
  if (rest)
    throw cur.error(rest, `unexpected "${rest.text}"`, 'not something conntrack -L prints here')
  return {
    l3: family.v === 6 ? 'ipv6' : 'ipv4',
    proto: head.proto,
    timeout: head.timeout,
    ...state,
    orig,
    reply,
    status: { seenReply: !unreplied, confirmed: true, ...isNat(orig, reply), ...assured },
    mark,
    ...(zone === undefined ? {} : { zone }),
    ...(origZone === undefined ? {} : { origZone }),
    ...(replyZone === undefined ? {} : { replyZone }),
    ...(origCounters && replyCounters
      ? { counters: { orig: origCounters, reply: replyCounters } }
      : {}),
    use,
    ...(extra.length ? { extra } : {}),
  }
}
