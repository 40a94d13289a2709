/**
 * @module core/iproute2/fdb/text
 * An entry as `bridge fdb` writes it (`0e:… dev flannel.1 dst 192.168.50.51 self permanent`),
 * from the hub object, and back. Every word but the state is followed by a space; a learned
 * entry's state is empty, which leaves a trailing space.
 */
import { arr } from '../fields.js'
import type { JsonObject, JsonValue } from '../json/value.js'
import { typed, valueText, Words } from '../link/details-text.js'
import type { NumberedLine } from '../link/text-parse.js'
import { FDB_FLAGS } from './record.js'

const NUMBERS = [
  ['vlan', 'vlan'],
  ['port', 'port'],
  ['vni', 'vni'],
  ['src_vni', 'src_vni'],
] as const

export function fdbText(hub: JsonObject): string {
  const t = (key: string) => valueText(hub[key])
  let s = `${t('mac')} `
  if (hub.ifname !== undefined) s += `dev ${t('ifname')} `
  if (hub.dst !== undefined) s += `dst ${t('dst')} `
  for (const [key, word] of NUMBERS) if (hub[key] !== undefined) s += `${word} ${t(key)} `
  if (hub.viaIfIndex !== undefined) s += `via ifindex ${t('viaIfIndex')} `
  if (hub.viaIf !== undefined) s += `via ${t('viaIf')} `
  if (hub.nhid !== undefined) s += `nhid ${t('nhid')} `
  if (hub.linkNetNsId !== undefined) s += `link-netnsid ${t('linkNetNsId')} `
  if (hub.used !== undefined) s += `used ${t('used')}/${t('updated')} `
  for (const f of arr(hub, 'flags') ?? []) s += `${valueText(f)} `
  if (hub.master !== undefined) s += `master ${t('master')} `
  const state = t('state')
  // state_n2a prints an unknown state as "%#x" in JSON but "state=%#x" in text.
  return `${s}${/^0x/.test(state) ? `state=${state}` : state}\n`
}

export function readFdbText(line: NumberedLine): JsonObject {
  const w = new Words(line.text, line.no)
  const hub: Record<string, JsonValue> = { mac: w.next('a MAC address') }
  if (w.take('dev')) hub.ifname = w.next('a device')
  if (w.take('dst')) hub.dst = w.next('an address')
  for (const [key, word] of NUMBERS) if (w.take(word)) hub[key] = typed(w, w.next(word), 'num')
  if (w.take('via ifindex')) hub.viaIfIndex = typed(w, w.next('an index'), 'num')
  else if (w.take('via')) hub.viaIf = w.next('a device')
  if (w.take('nhid')) hub.nhid = typed(w, w.next('an id'), 'num')
  if (w.take('link-netnsid')) hub.linkNetNsId = typed(w, w.next('an id'), 'num')
  if (w.take('used')) {
    const [used = '', updated = ''] = w.next('used/updated').split('/')
    hub.used = typed(w, used, 'num')
    hub.updated = typed(w, updated, 'num')
  }
  const flags: string[] = []
  for (const f of FDB_FLAGS) {
    // The NTF_MASTER flag word and "master BRIDGE" (NDA_MASTER) look alike: the flag is
    // followed by another flag word or by "master".
    if (
      f === 'master' &&
      !(w.peek() === 'master' && ['master', 'sticky'].includes(w.peek(1) ?? ''))
    )
      continue
    if (w.take(f)) flags.push(f)
  }
  hub.flags = flags
  if (w.take('master')) hub.master = w.next('a bridge')
  const state = w.done() ? '' : w.next('a state')
  hub.state = state.startsWith('state=') ? state.slice('state='.length) : state
  if (!w.done()) throw w.fail(`unexpected "${w.peek()}" in an fdb entry`)
  return hub
}
