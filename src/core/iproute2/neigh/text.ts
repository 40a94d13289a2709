/**
 * @module core/iproute2/neigh/text
 * A neighbour as `ip neigh` writes it (`10.244.1.0 dev flannel.1 lladdr 0e:… PERMANENT `),
 * from the hub object, and back: every word is followed by a space.
 */
import { arr } from '../fields.js'
import type { JsonObject, JsonValue } from '../json/value.js'
import { typed, valueText, Words } from '../link/details-text.js'
import type { NumberedLine } from '../link/text-parse.js'
import { NUD_STATES } from './record.js'

const MARKS = ['router', 'proxy', 'managed', 'extern_learn', 'offload'] as const

export function neighbourText(hub: JsonObject): string {
  let s = hub.miss === null ? 'miss ' : ''
  if (hub.dst !== undefined) s += `${valueText(hub.dst)} `
  if (hub.dev !== undefined) s += `dev ${valueText(hub.dev)} `
  if (hub.lladdr !== undefined) s += `lladdr ${valueText(hub.lladdr)} `
  for (const m of MARKS) if (hub[m] === null) s += `${m} `
  if (hub.probes !== undefined) s += `probes ${valueText(hub.probes)} `
  for (const st of arr(hub, 'state') ?? []) s += `${valueText(st)} `
  if (hub.protocol !== undefined) s += `proto ${valueText(hub.protocol)} `
  return `${s}\n`
}

export function readNeighbourText(line: NumberedLine): JsonObject {
  const w = new Words(line.text, line.no)
  const hub: Record<string, JsonValue> = {}
  if (w.take('miss')) hub.miss = null
  hub.dst = w.next('a destination')
  if (w.take('dev')) hub.dev = w.next('a device')
  if (w.take('lladdr')) hub.lladdr = w.next('a link-layer address')
  for (const m of MARKS) if (w.take(m)) hub[m] = null
  if (w.take('probes')) hub.probes = typed(w, w.next('a count'), 'num')
  const states: string[] = []
  for (const st of NUD_STATES) if (w.take(st)) states.push(st)
  if (states.length > 0) hub.state = states
  if (w.take('proto')) hub.protocol = w.next('a protocol')
  if (!w.done()) throw w.fail(`unexpected "${w.peek()}" in a neighbour`)
  return hub
}
