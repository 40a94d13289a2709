/**
 * @module core/iproute2/link/text
 * A link as `ip [-d] link` and `ip addr` write it, from the hub object: the header line
 * (`2: eth0@if2: <BROADCAST,…> mtu 1500 qdisc noqueue …`), the `link/ether …` line and, with
 * `-d`, the kind lines. Spacing follows iproute2 6.1's `print_linkinfo` format strings exactly,
 * including its double spaces (`promiscuity 0  allmulti 0`) and trailing blanks.
 */
import { arr, num, obj, str } from '../fields.js'
import type { JsonObject } from '../json/value.js'
import { detailsText, valueText } from './details-text.js'
import { type DetailField, INFO_DATA, INFO_SLAVE_DATA } from './kinds.js'
import type { LinkView } from './record.js'

const v = (key: string, type: 'num' | 'str', word: string): DetailField => ({
  key,
  type,
  text: { form: 'value', word },
})

/** The `-d` words after the kind lines (af_spec, queues, GSO/TSO/GRO, port names). */
export const TAIL_FIELDS: readonly DetailField[] = [
  v('inet6_addr_gen_mode', 'str', 'addrgenmode'),
  v('num_tx_queues', 'num', 'numtxqueues'),
  v('num_rx_queues', 'num', 'numrxqueues'),
  v('gso_max_size', 'num', 'gso_max_size'),
  v('gso_max_segs', 'num', 'gso_max_segs'),
  v('tso_max_size', 'num', 'tso_max_size'),
  v('tso_max_segs', 'num', 'tso_max_segs'),
  v('gro_max_size', 'num', 'gro_max_size'),
  v('phys_port_name', 'str', 'portname'),
  v('phys_port_id', 'str', 'portid'),
  v('phys_switch_id', 'str', 'switchid'),
  v('parentbus', 'str', 'parentbus'),
  v('parentdev', 'str', 'parentdev'),
]

/** `name@lower` as print_name_and_link writes it in text. */
export function nameAndLink(hub: JsonObject): string {
  const name = str(hub, 'ifname') ?? ''
  if (hub.link === null) return `${name}@NONE`
  const lower = str(hub, 'link')
  if (lower !== undefined) return `${name}@${lower}`
  const index = num(hub, 'link_index')
  return index === undefined ? name : `${name}@if${index}`
}

/** `<A,B>`: M-DOWN is printed with a leading comma whatever comes before it. */
export function flagsText(hub: JsonObject): string {
  const flags = (arr(hub, 'flags') ?? []).map(valueText)
  const plain = flags.filter((f) => f !== 'M-DOWN')
  return `<${plain.join(',')}${flags.includes('M-DOWN') ? ',M-DOWN' : ''}>`
}

function headerLine(hub: JsonObject, view: LinkView): string {
  let s = `${valueText(hub.ifindex)}: ${nameAndLink(hub)}: ${flagsText(hub)} `
  const add = (key: string, word: string) => {
    if (hub[key] !== undefined) s += `${word} ${valueText(hub[key])} `
  }
  add('mtu', 'mtu')
  add('qdisc', 'qdisc')
  add('master', 'master')
  add('operstate', 'state')
  const index = num(hub, 'operstate_index')
  if (index !== undefined) s += `state 0x${index.toString(16)} `
  if (view.mode === 'link') {
    add('linkmode', 'mode')
    add('linkmode_index', 'mode')
  }
  add('group', 'group')
  if (hub.txqlen !== undefined) s += `qlen ${valueText(hub.txqlen)}`
  return s
}

function addressLine(hub: JsonObject): string {
  let s = `    link/${valueText(hub.link_type)} `
  if (hub.address !== undefined) s += valueText(hub.address)
  if (hub.broadcast !== undefined) {
    s += `${hub.link_pointtopoint === true ? ' peer ' : ' brd '}${valueText(hub.broadcast)}`
  }
  if (hub.permaddr !== undefined) s += ` permaddr ${valueText(hub.permaddr)}`
  const ns = str(hub, '@link_netns')
  if (ns !== undefined) s += ` link-netns ${ns}`
  else if (hub.link_netnsid !== undefined) s += ` link-netnsid ${valueText(hub.link_netnsid)}`
  if (hub.proto_down === true) s += ' protodown on '
  return s
}

function detailLines(hub: JsonObject): string {
  let s = ''
  const add = (key: string, format: (v: string) => string) => {
    if (hub[key] !== undefined) s += format(valueText(hub[key]))
  }
  add('promiscuity', (x) => ` promiscuity ${x} `)
  add('allmulti', (x) => ` allmulti ${x} `)
  add('min_mtu', (x) => `minmtu ${x} `)
  add('max_mtu', (x) => `maxmtu ${x} `)
  const li = obj(hub, 'linkinfo')
  if (li !== undefined) {
    const kind = str(li, 'info_kind')
    if (kind !== undefined) {
      s += `\n    ${kind} ${detailsText(INFO_DATA[kind] ?? [], obj(li, 'info_data') ?? {})}`
    }
    const slave = str(li, 'info_slave_kind')
    if (slave !== undefined) {
      s += `\n    ${slave}_slave ${detailsText(INFO_SLAVE_DATA[slave] ?? [], obj(li, 'info_slave_data') ?? {})}`
    }
  }
  return s + detailsText(TAIL_FIELDS, hub)
}

/** The text of one link, without the final newline; `ip addr` appends the addresses after it. */
export function linkText(hub: JsonObject, view: LinkView): string {
  let s = `${headerLine(hub, view)}\n${addressLine(hub)}`
  if (view.details) s += detailLines(hub)
  if (hub.ifalias !== undefined) s += `\n    alias ${valueText(hub.ifalias)}`
  for (const name of arr(hub, 'altnames') ?? []) s += `\n    altname ${valueText(name)}`
  return s
}
