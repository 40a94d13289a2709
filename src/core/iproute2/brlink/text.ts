/**
 * @module core/iproute2/brlink/text
 * A bridge port as `bridge [-d] link` writes it, from the hub object, and back: the header
 * (`4: veth-p1@eth0: <…> mtu 1500 master cni0 state forwarding priority 32 cost 2 `) and,
 * with `-d`, a second line of on/off switches.
 */
import { parseError } from '../../errors.js'
import type { JsonObject, JsonValue } from '../json/value.js'
import { typed, valueText, Words } from '../link/details-text.js'
import { flagsText, nameAndLink } from '../link/text.js'
import type { NumberedLine } from '../link/text-parse.js'
import { BRLINK_DETAIL_KEYS } from './record.js'

const HEAD = [
  ['mtu', 'mtu', 'num'],
  ['master', 'master', 'str'],
  ['state', 'state', 'str'],
  ['priority', 'priority', 'num'],
  ['cost', 'cost', 'num'],
] as const

function detailWord(hub: JsonObject, key: string): string {
  const v = hub[key]
  if (typeof v === 'boolean') return `${key} ${v ? 'on' : 'off'} `
  return `${key} ${valueText(v)} `
}

export function bridgeLinkText(hub: JsonObject, details: boolean): string {
  let s = `${valueText(hub.ifindex)}: ${nameAndLink(hub)}: ${flagsText(hub)} `
  for (const [key, word] of HEAD) if (hub[key] !== undefined) s += `${word} ${valueText(hub[key])} `
  if (details) {
    s += '\n    '
    for (const key of BRLINK_DETAIL_KEYS) if (hub[key] !== undefined) s += detailWord(hub, key)
  }
  return `${s}\n`
}

export function readBridgeLinkText(
  lines: readonly NumberedLine[],
  details: boolean,
): { hub: JsonObject; used: number } {
  const first = lines[0] as NumberedLine
  const m = /^(\d+): (.+?): <([^>]*)> /.exec(first.text)
  if (!m) throw parseError('expected "INDEX: NAME: <FLAGS> …"', first.no, 1, first.text)
  const hub: Record<string, JsonValue> = { ifindex: Number(m[1]) }
  const name = m[2] ?? ''
  const at = name.lastIndexOf('@')
  hub.ifname = at > 0 ? name.slice(0, at) : name
  if (at > 0) hub.link = name.slice(at + 1) === 'NONE' ? null : name.slice(at + 1)
  hub.flags = (m[3] ?? '').split(',').filter((f) => f !== '')
  const w = new Words(first.text, first.no, m[0].length)
  for (const [key, word, type] of HEAD) if (w.take(word)) hub[key] = typed(w, w.next(word), type)
  if (!w.done()) throw w.fail(`unexpected "${w.peek()}" in a bridge port`)
  const second = lines[1]
  if (!details || second === undefined) return { hub, used: 1 }
  const d = new Words(second.text, second.no)
  for (const key of BRLINK_DETAIL_KEYS) {
    if (!d.take(key)) continue
    const v = d.next(`a value after ${key}`)
    hub[key] =
      v === 'on' ? true : v === 'off' ? false : typed(d, v, key === 'backup_port' ? 'str' : 'num')
  }
  if (!d.done()) throw d.fail(`unexpected "${d.peek()}" in the port details`)
  return { hub, used: 2 }
}
