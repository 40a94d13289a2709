/**
 * @module core/iproute2/rule/text
 * A rule as `ip rule` writes it (`100:\tfrom all fwmark 0x4000/0x4000 lookup 100`), from the
 * hub object, and back. The words follow the text branches of iproute2 6.1's `print_rule`:
 * here every word is preceded by a space, and the line has no trailing blank.
 */
import type { JsonObject, JsonValue } from '../json/value.js'
import { typed, valueText, Words } from '../link/details-text.js'
import type { NumberedLine } from '../link/text-parse.js'

export function ruleText(hub: JsonObject): string {
  const t = (key: string) => valueText(hub[key])
  let s = `${t('priority')}:\t`
  if (hub.not === null) s += 'not '
  s += `from ${t('src')}`
  if (hub.srclen !== undefined) s += `/${t('srclen')}`
  if (hub.dst !== undefined)
    s += ` to ${t('dst')}${hub.dstlen !== undefined ? `/${t('dstlen')}` : ''}`
  if (hub.tos !== undefined) s += ` tos ${t('tos')}`
  if (hub.fwmark !== undefined)
    s += ` fwmark ${t('fwmark')}${hub.fwmask !== undefined ? `/${t('fwmask')}` : ''}`
  if (hub.iif !== undefined)
    s += ` iif ${t('iif')}${hub.iif_detached === null ? ' [detached]' : ''}`
  if (hub.oif !== undefined)
    s += ` oif ${t('oif')}${hub.oif_detached === null ? ' [detached]' : ''}`
  if (hub.l3mdev === null) s += ' lookup [l3mdev-table]'
  if (hub.uid_start !== undefined) s += ` uidrange ${t('uid_start')}-${t('uid_end')}`
  if (hub.ipproto !== undefined) s += ` ipproto ${t('ipproto')}`
  for (const p of ['sport', 'dport']) {
    if (hub[p] !== undefined) s += ` ${p} ${t(p)}`
    if (hub[`${p}_start`] !== undefined) s += ` ${p} ${t(`${p}_start`)}-${t(`${p}_end`)}`
  }
  if (hub.tun_id !== undefined) s += ` tun_id ${t('tun_id')}`
  if (hub.table !== undefined) s += ` lookup ${t('table')}`
  if (hub.suppress_prefixlen !== undefined) s += ` suppress_prefixlength ${t('suppress_prefixlen')}`
  if (hub.suppress_ifgroup !== undefined) s += ` suppress_ifgroup ${t('suppress_ifgroup')}`
  if (hub.flow_to !== undefined)
    s += ` realms ${hub.flow_from !== undefined ? `${t('flow_from')}/` : ''}${t('flow_to')}`
  if (hub.nat_gateway !== undefined) s += ` map-to ${t('nat_gateway')}`
  if (hub.masquerade === null) s += ' masquerade'
  if (hub.goto !== undefined) s += ` goto ${t('goto')}`
  if (hub.unresolved === null) s += ' [unresolved]'
  if (hub.nop === null) s += ' nop'
  if (hub.action !== undefined) s += ` ${t('action')}`
  if (hub.protocol !== undefined) s += ` proto ${t('protocol')}`
  return `${s}\n`
}

type Hub = Record<string, JsonValue>

function prefix(w: Words, hub: Hub, key: string, value: string): void {
  const slash = value.indexOf('/')
  hub[key] = slash < 0 ? value : value.slice(0, slash)
  if (slash >= 0) hub[`${key}len`] = typed(w, value.slice(slash + 1), 'num')
}

function readSelectors(w: Words, hub: Hub): void {
  if (w.take('not')) hub.not = null
  if (!w.take('from')) throw w.fail('expected "from"')
  prefix(w, hub, 'src', w.next('a source'))
  if (w.take('to')) prefix(w, hub, 'dst', w.next('a destination'))
  if (w.take('tos')) hub.tos = w.next('a TOS')
  if (w.take('fwmark')) {
    const [mark = '', mask] = w.next('a mark').split('/')
    hub.fwmark = mark
    if (mask !== undefined) hub.fwmask = mask
  }
  for (const dir of ['iif', 'oif']) {
    if (!w.take(dir)) continue
    hub[dir] = w.next('an interface')
    if (w.take('[detached]')) hub[`${dir}_detached`] = null
  }
  if (w.take('lookup [l3mdev-table]')) hub.l3mdev = null
  if (w.take('uidrange')) {
    const [a = '', b = ''] = w.next('a uid range').split('-')
    hub.uid_start = typed(w, a, 'num')
    hub.uid_end = typed(w, b, 'num')
  }
  if (w.take('ipproto')) hub.ipproto = w.next('a protocol')
  for (const p of ['sport', 'dport']) {
    if (!w.take(p)) continue
    const [a = '', b] = w.next('a port').split('-')
    if (b === undefined) hub[p] = typed(w, a, 'num')
    else {
      hub[`${p}_start`] = typed(w, a, 'num')
      hub[`${p}_end`] = typed(w, b, 'num')
    }
  }
  if (w.take('tun_id')) hub.tun_id = typed(w, w.next('a tunnel id'), 'num')
}

function readActions(w: Words, hub: Hub): void {
  if (w.take('lookup')) hub.table = w.next('a table')
  if (w.take('suppress_prefixlength')) hub.suppress_prefixlen = typed(w, w.next('a length'), 'num')
  if (w.take('suppress_ifgroup')) hub.suppress_ifgroup = w.next('a group')
  if (w.take('realms')) {
    const [a = '', b] = w.next('realms').split('/')
    if (b === undefined) hub.flow_to = a
    else {
      hub.flow_from = a
      hub.flow_to = b
    }
  }
  if (w.take('map-to')) hub.nat_gateway = w.next('an address')
  if (w.take('masquerade')) hub.masquerade = null
  if (w.take('goto')) {
    const target = w.next('a priority')
    hub.goto = target === 'none' ? target : typed(w, target, 'num')
  }
  if (w.take('[unresolved]')) hub.unresolved = null
  if (w.take('nop')) hub.nop = null
  const action = w.peek()
  if (action !== undefined && ['blackhole', 'unreachable', 'prohibit', 'nat'].includes(action))
    hub.action = w.next('')
  if (w.take('proto')) hub.protocol = w.next('a protocol')
}

export function readRuleText(line: NumberedLine): JsonObject {
  const m = /^([0-9]+):\t/.exec(line.text)
  const w = new Words(line.text, line.no, m ? m[0].length : 0)
  if (!m) throw w.fail('expected "PRIORITY:<TAB>"')
  const hub: Hub = { priority: Number(m[1]) }
  readSelectors(w, hub)
  readActions(w, hub)
  if (!w.done()) throw w.fail(`unexpected "${w.peek()}" in a rule`)
  return hub
}
