/**
 * @module core/iproute2/addr/text
 * One address as `ip addr` writes it (two lines: the address, then its lifetimes), from the
 * hub object, and back. Lifetimes of 4294967295 (INFINITY_LIFE_TIME) print as `forever`.
 */
import { parseError } from '../../errors.js'
import type { JsonObject, JsonValue } from '../json/value.js'
import { typed, valueText, Words } from '../link/details-text.js'
import type { NumberedLine } from '../link/text-parse.js'
import { ADDR_FLAG_KEYS } from './record.js'

const FOREVER = 4294967295

function lifetime(v: JsonValue | undefined): string {
  return v === FOREVER ? 'forever' : `${valueText(v)}sec`
}

export function addressText(hub: JsonObject): string {
  const family =
    hub.family !== undefined ? valueText(hub.family) : `family ${valueText(hub.family_index)}`
  let s = `    ${family} ${valueText(hub.local)}`
  if (hub.address !== undefined) s += ` peer ${valueText(hub.address)}`
  s += `/${valueText(hub.prefixlen)} `
  if (hub.metric !== undefined) s += `metric ${valueText(hub.metric)} `
  if (hub.broadcast !== undefined) s += `brd ${valueText(hub.broadcast)} `
  if (hub.anycast !== undefined) s += `any ${valueText(hub.anycast)} `
  s += `scope ${valueText(hub.scope)} `
  for (const key of ADDR_FLAG_KEYS) if (hub[key] === true) s += `${key} `
  if (hub.ifa_flags !== undefined) s += `flags ${valueText(hub.ifa_flags)} `
  if (hub.label !== undefined) s += valueText(hub.label)
  s += '\n'
  if (hub.valid_life_time !== undefined) {
    s += `       valid_lft ${lifetime(hub.valid_life_time)} preferred_lft ${lifetime(hub.preferred_life_time)}\n`
  }
  return s
}

/** Is `line` the first line of an address (`    inet …`)? */
export function isAddressLine(line: string): boolean {
  return /^ {4}(inet6?|family [0-9]+) /.test(line)
}

function readLifetime(w: Words, word: string): number {
  if (word === 'forever') return FOREVER
  if (!/^[0-9]+sec$/.test(word)) throw w.failLast(`"${word}" is not a lifetime`)
  return Number(word.slice(0, -3))
}

/** The address whose first line is `lines[0]`; returns it and how many lines it took. */
export function readAddressText(lines: readonly NumberedLine[]): { hub: JsonObject; used: number } {
  const [first, second] = lines
  if (first === undefined) throw parseError('expected an address line', 1, 1, '')
  const hub: Record<string, JsonValue> = {}
  const w = new Words(first.text, first.no)
  const family = w.next('a family')
  if (family === 'family') hub.family_index = typed(w, w.next('a family number'), 'num')
  else hub.family = family
  const local = w.next('an address')
  const slash = local.lastIndexOf('/')
  if (slash < 0) {
    hub.local = local
    if (!w.take('peer')) throw w.fail('expected "/LEN" or "peer"')
    const peer = w.next('a peer address')
    const at = peer.lastIndexOf('/')
    if (at < 0) throw w.failLast('expected PEER/LEN')
    hub.address = peer.slice(0, at)
    hub.prefixlen = typed(w, peer.slice(at + 1), 'num')
  } else {
    hub.local = local.slice(0, slash)
    hub.prefixlen = typed(w, local.slice(slash + 1), 'num')
  }
  if (w.take('metric')) hub.metric = typed(w, w.next('a metric'), 'num')
  if (w.take('brd')) hub.broadcast = w.next('a broadcast address')
  if (w.take('any')) hub.anycast = w.next('an anycast address')
  if (!w.take('scope')) throw w.fail('expected "scope"')
  hub.scope = w.next('a scope')
  for (const key of ADDR_FLAG_KEYS) if (w.take(key)) hub[key] = true
  if (w.take('flags')) hub.ifa_flags = w.next('flags')
  if (!w.done()) hub.label = w.next('a label')
  if (!w.done()) throw w.fail(`unexpected "${w.peek()}" after the label`)
  const m =
    second === undefined ? null : /^ {7}valid_lft (\S+) preferred_lft (\S+)$/.exec(second.text)
  if (!m || second === undefined) return { hub, used: 1 }
  const lw = new Words(second.text, second.no)
  lw.pos = 1
  hub.valid_life_time = readLifetime(lw, lw.next('a lifetime'))
  lw.pos = 3
  hub.preferred_life_time = readLifetime(lw, lw.next('a lifetime'))
  return { hub, used: 2 }
}
