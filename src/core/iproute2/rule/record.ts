/**
 * @module core/iproute2/rule/record
 * One policy rule of `ip -j rule` both ways, following iproute2 6.1's `print_rule`
 * (ip/iprule.c). `from all` is the model's absent `from`; a host selector keeps `/32` or
 * `/128` in the model (iproute2 leaves out `srclen` when it is the host length); a fwmark
 * without a mask is the model's mask 0xffffffff.
 */
import type { PolicyRule } from '../../model/netns.js'
import { checkObject, type Locator, num, ordered, str, table } from '../fields.js'
import { type JsonObject, type JsonValue, omitKeys } from '../json/value.js'
import { dsfieldName, dsfieldValue, hex0x, parseHex0x, tableId, tableName } from '../names.js'

export interface IpRule {
  readonly rule: PolicyRule
  readonly extra: JsonObject
}

export const RULE_FIELDS = table(
  'priority:num',
  'not:null',
  'src:str',
  'srclen:num',
  'dst:str',
  'dstlen:num',
  'tos:str',
  'fwmark:str',
  'fwmask:str',
  'iif:str',
  'iif_detached:null',
  'oif:str',
  'oif_detached:null',
  'l3mdev:null',
  'uid_start:num',
  'uid_end:num',
  'ipproto:str',
  'sport:num',
  'sport_start:num',
  'sport_end:num',
  'dport:num',
  'dport_start:num',
  'dport_end:num',
  'tun_id:num',
  'table:str',
  'suppress_prefixlen:num',
  'suppress_ifgroup:str',
  'flow_from:str',
  'flow_to:str',
  'nat_gateway:str',
  'masquerade:null',
  'goto:num|str',
  'unresolved:null',
  'nop:null',
  'action:str',
  'protocol:str',
)

const ACTIONS = ['blackhole', 'unreachable', 'prohibit'] as const
type Mutable<T> = { -readonly [K in keyof T]?: T[K] }

function selector(
  loc: Locator,
  hub: JsonObject,
  key: 'src' | 'dst',
  family: 4 | 6,
): string | undefined {
  const addr = str(hub, key)
  if (addr === undefined || addr === 'all') return undefined
  const len = num(hub, `${key}len`)
  if (addr === '0' && len === undefined) throw loc.error(`"${key}" 0 needs a length`, hub, key)
  return `${addr}/${len ?? (family === 4 ? 32 : 128)}`
}

export function readRule(loc: Locator, hub: JsonObject, family: 4 | 6): IpRule {
  checkObject(loc, hub, RULE_FIELDS, 'a rule')
  const priority = num(hub, 'priority')
  if (priority === undefined) throw loc.error('a rule without "priority"', hub)
  const src = str(hub, 'src') ?? ''
  const fam: 4 | 6 = src.includes(':') || str(hub, 'dst')?.includes(':') ? 6 : family
  const rule: Mutable<PolicyRule> = { family: fam, priority }
  const taken = ['priority', 'src', 'srclen', 'dst', 'dstlen']
  const put = <K extends keyof PolicyRule>(
    keys: string[],
    field: K,
    value: PolicyRule[K] | undefined,
  ) => {
    if (value === undefined) return
    rule[field] = value
    taken.push(...keys)
  }
  put(['not'], 'not', hub.not === null ? true : undefined)
  put([], 'from', selector(loc, hub, 'src', fam))
  put([], 'to', selector(loc, hub, 'dst', fam))
  const tos = str(hub, 'tos')
  put(['tos'], 'tos', tos === undefined ? undefined : dsfieldValue(tos))
  const mark = str(hub, 'fwmark')
  if (mark !== undefined) {
    const value = parseHex0x(mark)
    const maskText = str(hub, 'fwmask')
    const mask = maskText === undefined ? 0xffffffff : parseHex0x(maskText)
    if (value === undefined || mask === undefined)
      throw loc.error('fwmark/fwmask must be hexadecimal', hub, 'fwmark')
    put(['fwmark', 'fwmask'], 'fwmark', { value, mask })
  }
  put(['iif'], 'iif', str(hub, 'iif'))
  put(['oif'], 'oif', str(hub, 'oif'))
  const tableText = str(hub, 'table')
  if (tableText !== undefined) {
    const id = tableId(tableText)
    if (id === undefined) throw loc.error(`"${tableText}" is not a routing table`, hub, 'table')
    put(['table'], 'table', id)
  }
  put(['suppress_prefixlen'], 'suppressPrefixLength', num(hub, 'suppress_prefixlen'))
  readAction(hub, rule, taken)
  return { rule: rule as PolicyRule, extra: omitKeys(hub, taken) }
}

function readAction(hub: JsonObject, rule: Mutable<PolicyRule>, taken: string[]): void {
  const action = ACTIONS.find((a) => a === hub.action)
  if (action !== undefined) {
    rule.action = action
    taken.push('action')
  } else if (typeof hub.goto === 'number') {
    rule.action = 'goto'
    rule.goto = hub.goto
    taken.push('goto')
  } else if (hub.nop === null) {
    rule.action = 'nop'
    taken.push('nop')
  }
}

function selectorJson(
  prefix: string | undefined,
  key: 'src' | 'dst',
  family: 4 | 6,
): Record<string, JsonValue> {
  if (prefix === undefined) return key === 'src' ? { src: 'all' } : {}
  const [addr = '', len = ''] = prefix.split('/')
  const host = family === 4 ? '32' : '128'
  return len === '' || len === host ? { [key]: addr } : { [key]: addr, [`${key}len`]: Number(len) }
}

export function writeRule(rec: IpRule): JsonObject {
  const r = rec.rule
  const model: Record<string, JsonValue> = { priority: r.priority }
  if (r.not) model.not = null
  Object.assign(model, selectorJson(r.from, 'src', r.family), selectorJson(r.to, 'dst', r.family))
  if (r.tos !== undefined && r.tos !== 0) model.tos = dsfieldName(r.tos)
  if (r.fwmark !== undefined) {
    model.fwmark = hex0x(r.fwmark.value)
    if (r.fwmark.mask !== 0xffffffff) model.fwmask = hex0x(r.fwmark.mask)
  }
  if (r.iif !== undefined) model.iif = r.iif
  if (r.oif !== undefined) model.oif = r.oif
  if (r.table !== undefined) model.table = tableName(r.table)
  if (r.suppressPrefixLength !== undefined) model.suppress_prefixlen = r.suppressPrefixLength
  if (r.action === 'goto') model.goto = r.goto ?? 'none'
  else if (r.action === 'nop') model.nop = null
  else if (r.action !== undefined && r.action !== 'lookup') model.action = r.action
  return ordered(RULE_FIELDS, model, rec.extra)
}
