/**
 * @module core/iproute2/link/text-parse
 * Read back what {@link linkText} writes: the lines of one link of `ip [-d] link` or
 * `ip addr`, into the hub object the JSON listing would give (text-only facts under `@`
 * keys). Every word must be accounted for; a word left over is a located parse error.
 *
 * A name containing `@` is split at its last `@` (the text form cannot tell the two apart).
 */
import { parseError } from '../../errors.js'
import type { JsonObject, JsonValue } from '../json/value.js'
import { readDetails, typed, Words } from './details-text.js'
import { INFO_DATA, INFO_SLAVE_DATA } from './kinds.js'
import type { LinkView } from './record.js'
import { TAIL_FIELDS } from './text.js'

/** One line of input with its 1-based number. */
export interface NumberedLine {
  readonly text: string
  readonly no: number
}

const HEADER = /^(\d+): (.+?): <([^>]*)> ?(.*)$/

/** Is `line` the first line of a link (`2: eth0: <…>`)? */
export function isLinkHeader(line: string): boolean {
  return HEADER.test(line)
}

function readHeader(line: NumberedLine, view: LinkView, hub: Record<string, JsonValue>): void {
  const m = HEADER.exec(line.text)
  if (!m)
    throw parseError(
      'expected a link header like "2: eth0: <UP> mtu 1500 …"',
      line.no,
      1,
      line.text,
    )
  hub.ifindex = Number(m[1])
  const name = m[2] ?? ''
  const at = name.lastIndexOf('@')
  if (at > 0) {
    const lower = name.slice(at + 1)
    hub.ifname = name.slice(0, at)
    if (lower === 'NONE') hub.link = null
    else if (/^if[0-9]+$/.test(lower)) hub.link_index = Number(lower.slice(2))
    else hub.link = lower
  } else hub.ifname = name
  const flags = (m[3] ?? '').split(',').filter((f) => f !== '')
  hub.flags = flags
  const w = new Words(line.text, line.no, line.text.indexOf('>') + 1)
  const pairs: (readonly [string, string, 'num' | 'str'])[] = [
    ['mtu', 'mtu', 'num'],
    ['qdisc', 'qdisc', 'str'],
    ['master', 'master', 'str'],
    ['state', 'operstate', 'str'],
    ['mode', 'linkmode', 'str'],
    ['group', 'group', 'str'],
    ['qlen', 'txqlen', 'num'],
  ]
  for (const [word, key, type] of pairs) {
    if ((word === 'mode' && view.mode !== 'link') || !w.take(word)) continue
    const value = w.next(`a value after ${word}`)
    if (key === 'operstate' && value.startsWith('0x'))
      hub.operstate_index = Number.parseInt(value, 16)
    else hub[key] = typed(w, value, type)
  }
  if (!w.done()) throw w.fail(`unexpected "${w.peek()}" in the link header`)
}

const ADDRESS_WORDS = new Set([
  'brd',
  'peer',
  'permaddr',
  'link-netns',
  'link-netnsid',
  'protodown',
  'promiscuity',
])

function readAddressLine(
  line: NumberedLine,
  view: LinkView,
  hub: Record<string, JsonValue>,
): Words {
  const m = /^ {4}link\/(\S+)/.exec(line.text)
  if (!m) throw parseError('expected "    link/TYPE …"', line.no, 1, line.text)
  hub.link_type = m[1] ?? ''
  const w = new Words(line.text, line.no, m[0].length)
  const first = w.peek()
  if (first !== undefined && !ADDRESS_WORDS.has(first) && !TAIL_START.has(first))
    hub.address = w.next('an address')
  if (w.take('peer')) {
    hub.link_pointtopoint = true
    hub.broadcast = w.next('a peer address')
  } else if (w.take('brd')) hub.broadcast = w.next('a broadcast address')
  if (w.take('permaddr')) hub.permaddr = w.next('an address')
  if (w.take('link-netns')) hub['@link_netns'] = w.next('a namespace name')
  else if (w.take('link-netnsid')) hub.link_netnsid = typed(w, w.next('an id'), 'num')
  if (w.take('protodown')) hub.proto_down = w.next('on') === 'on'
  if (view.details) {
    for (const [word, key] of [
      ['promiscuity', 'promiscuity'],
      ['allmulti', 'allmulti'],
      ['minmtu', 'min_mtu'],
      ['maxmtu', 'max_mtu'],
    ] as const) {
      if (w.take(word)) hub[key] = typed(w, w.next(`a number after ${word}`), 'num')
    }
  }
  return w
}

const TAIL_START = new Set(TAIL_FIELDS.map((f) => (f.text.form === 'value' ? f.text.word : '')))

/** The kind lines (`    veth`, `    bridge_slave …`) and the tail words on the last line. */
function readKindLines(
  lines: readonly NumberedLine[],
  first: Words,
  hub: Record<string, JsonValue>,
): number {
  let w = first
  let i = 0
  const linkinfo: Record<string, JsonValue> = {}
  while (w.done() && i < lines.length && !/^ {4}(alias|altname) /.test(lines[i]?.text ?? '')) {
    const line = lines[i++] as NumberedLine
    w = new Words(line.text, line.no)
    const kind = w.next('a link kind')
    if (kind.endsWith('_slave')) {
      const slave = kind.slice(0, -'_slave'.length)
      linkinfo.info_slave_kind = slave
      linkinfo.info_slave_data = readDetails(w, INFO_SLAVE_DATA[slave] ?? [])
    } else {
      linkinfo.info_kind = kind
      const fields = INFO_DATA[kind]
      if (fields !== undefined) linkinfo.info_data = readDetails(w, fields)
    }
  }
  if (Object.keys(linkinfo).length > 0) hub.linkinfo = linkinfo
  Object.assign(hub, readDetails(w, TAIL_FIELDS))
  if (!w.done()) throw w.fail(`unexpected "${w.peek()}" in the link details`)
  return i
}

/** One link from its lines (header first); the lines must all belong to it. */
export function readLinkText(lines: readonly NumberedLine[], view: LinkView): JsonObject {
  const [header, address, ...rest] = lines
  if (header === undefined || address === undefined) {
    const at = header ?? { text: '', no: 1 }
    throw parseError('a link needs a header line and a link/TYPE line', at.no, 1, at.text)
  }
  const hub: Record<string, JsonValue> = {}
  readHeader(header, view, hub)
  const w = readAddressLine(address, view, hub)
  let i = 0
  if (view.details) i = readKindLines(rest, w, hub)
  else if (!w.done()) throw w.fail(`unexpected "${w.peek()}" after the link address`)
  const altnames: string[] = []
  for (const line of rest.slice(i)) {
    const m = /^ {4}(alias|altname) (.*)$/.exec(line.text)
    if (!m) throw parseError('unexpected line in a link', line.no, 1, line.text)
    if (m[1] === 'alias') hub.ifalias = m[2] ?? ''
    else altnames.push(m[2] ?? '')
  }
  if (altnames.length > 0) hub.altnames = altnames
  return hub
}
