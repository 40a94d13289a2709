/**
 * @module core/iproute2/conformance/listings
 * The listings compared between the real tools and kpath's printers for a model world: for
 * each, the command, how kpath prints it from the model, and how both sides are normalised
 * (bridge timers run in the kernel; neighbour and FDB dumps come in hash-table order; the
 * FDB also lists entries the kernel makes for multicast and local MACs).
 */
import type { NetnsState } from '../../model/netns.js'
import { kernelFdb } from '../batch/kernel-made.js'
import { contextFor } from '../context.js'
import { parseJsonDoc } from '../json/parse.js'
import { printJsonListing } from '../json/print.js'
import { isJsonObject, type JsonValue } from '../json/value.js'
import { printIpAddrJson, printIpAddrText } from '../listing/addr.js'
import { printBridgeLinkJson, printBridgeLinkText } from '../listing/brlink.js'
import { parseBridgeFdbText, printBridgeFdbJson, printBridgeFdbText } from '../listing/fdb.js'
import { printIpLinkJson, printIpLinkText } from '../listing/link.js'
import { printIpNeighJson, printIpNeighText } from '../listing/neigh.js'
import { printIpRouteJson, printIpRouteText } from '../listing/route.js'
import { printIpRuleJson, printIpRuleText } from '../listing/rule.js'
import {
  addrListing,
  bridgeLinkRecords,
  fdbRecords,
  linkRecords,
  neighRecords,
  routeRecords,
  ruleRecords,
} from '../render/records.js'
import { worldOf } from '../render/world.js'

export interface Listing {
  /** A name for the fixture file and the test. */
  readonly name: string
  /** The command, without `-n NS`. */
  readonly argv: readonly string[]
  /** What kpath prints for the model namespace. */
  readonly print: (state: NetnsState, all: readonly NetnsState[]) => string
  /** Applied to the real output (and to kpath's) before comparing. */
  readonly normalise?: (text: string, state: NetnsState) => string
}

const TIMERS = [
  'hello_timer',
  'tcn_timer',
  'topology_change_timer',
  'gc_timer',
  'hold_timer',
  'message_age_timer',
  'forward_delay_timer',
]

/** Running bridge timers read 0.00 (kpath's model has no clock). */
export function zeroTimers(text: string): string {
  let out = text
  for (const t of TIMERS) {
    out = out.replace(new RegExp(`"${t}":[0-9]+\\.[0-9]{2}`, 'g'), `"${t}":0.00`)
    out = out.replace(new RegExp(`${t} +[0-9]+\\.[0-9]{2} `, 'g'), `${t}    0.00 `)
  }
  return out
}

function sortedLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .sort()
    .map((l) => `${l}\n`)
    .join('')
}

function sortedJson(text: string): string {
  const root = parseJsonDoc(text).root
  const items = Array.isArray(root) ? [...root] : []
  return printJsonListing(
    items
      .map((i) => JSON.stringify(i))
      .sort()
      .map((s) => JSON.parse(s) as JsonValue),
  )
}

/** The FDB entries a command made (the kernel's multicast and local entries left out). */
function userFdbJson(text: string, state: NetnsState): string {
  const root = parseJsonDoc(text).root
  const items = (Array.isArray(root) ? root : []).filter(isJsonObject).filter((i) => {
    const e = {
      mac: String(i.mac),
      dev: String(i.ifname),
      self: Array.isArray(i.flags) && i.flags.includes('self'),
      permanent: i.state === 'permanent',
      ...(typeof i.master === 'string' ? { master: i.master } : {}),
    }
    return !kernelFdb(e, state.links)
  })
  return sortedJson(printJsonListing(items))
}

function userFdbText(text: string, state: NetnsState): string {
  const lines = text.split('\n').filter((l) => l !== '')
  const kept = lines.filter(
    (l) => !kernelFdb(parseBridgeFdbText(`${l}\n`)[0]?.entry ?? { mac: '', dev: '' }, state.links),
  )
  return sortedLines(kept.join('\n'))
}

const ctx = (s: NetnsState, all: readonly NetnsState[]) => contextFor(s, all)
const w = (s: NetnsState, all: readonly NetnsState[]) => worldOf(s, all)

export const LISTINGS: readonly Listing[] = [
  {
    name: 'link.json',
    argv: ['ip', '-j', '-d', 'link'],
    print: (s, a) => printIpLinkJson(linkRecords(w(s, a)), ctx(s, a)),
    normalise: zeroTimers,
  },
  {
    name: 'link-plain.json',
    argv: ['ip', '-j', 'link'],
    print: (s, a) =>
      printIpLinkJson(linkRecords(w(s, a)), ctx(s, a), { details: false, mode: 'link' }),
  },
  {
    name: 'link-plain.txt',
    argv: ['ip', 'link'],
    print: (s, a) =>
      printIpLinkText(linkRecords(w(s, a)), ctx(s, a), { details: false, mode: 'link' }),
  },
  {
    name: 'link.txt',
    argv: ['ip', '-d', 'link'],
    print: (s, a) => printIpLinkText(linkRecords(w(s, a)), ctx(s, a)),
    normalise: zeroTimers,
  },
  {
    name: 'addr.json',
    argv: ['ip', '-j', 'addr'],
    print: (s, a) => printIpAddrJson(addrListing(w(s, a)), ctx(s, a)),
  },
  {
    name: 'addr-d.json',
    argv: ['ip', '-j', '-d', 'addr'],
    print: (s, a) =>
      printIpAddrJson(addrListing(w(s, a)), ctx(s, a), { details: true, mode: 'addr' }),
    normalise: zeroTimers,
  },
  {
    name: 'addr.txt',
    argv: ['ip', 'addr'],
    print: (s, a) => printIpAddrText(addrListing(w(s, a)), ctx(s, a)),
  },
  {
    name: 'route.json',
    argv: ['ip', '-j', 'route', 'show', 'table', 'all'],
    print: (s, a) => printIpRouteJson(routeRecords(w(s, a))),
  },
  {
    name: 'route.txt',
    argv: ['ip', 'route', 'show', 'table', 'all'],
    print: (s, a) => printIpRouteText(routeRecords(w(s, a))),
  },
  {
    name: 'route6.json',
    argv: ['ip', '-j', '-6', 'route', 'show', 'table', 'all'],
    print: (s, a) => printIpRouteJson(routeRecords(w(s, a), 6)),
  },
  {
    name: 'route6.txt',
    argv: ['ip', '-6', 'route', 'show', 'table', 'all'],
    print: (s, a) => printIpRouteText(routeRecords(w(s, a), 6)),
  },
  {
    name: 'rule.json',
    argv: ['ip', '-j', 'rule'],
    print: (s, a) => printIpRuleJson(ruleRecords(w(s, a), 4)),
  },
  {
    name: 'rule.txt',
    argv: ['ip', 'rule'],
    print: (s, a) => printIpRuleText(ruleRecords(w(s, a), 4)),
  },
  {
    name: 'rule6.json',
    argv: ['ip', '-j', '-6', 'rule'],
    print: (s, a) => printIpRuleJson(ruleRecords(w(s, a), 6)),
  },
  {
    name: 'rule6.txt',
    argv: ['ip', '-6', 'rule'],
    print: (s, a) => printIpRuleText(ruleRecords(w(s, a), 6)),
  },
  {
    name: 'neigh.json',
    argv: ['ip', '-j', 'neigh'],
    print: (s, a) => printIpNeighJson(neighRecords(w(s, a), { proxy: false })),
    normalise: (t) => sortedJson(t),
  },
  {
    name: 'neigh.txt',
    argv: ['ip', 'neigh'],
    print: (s, a) => printIpNeighText(neighRecords(w(s, a), { proxy: false })),
    normalise: (t) => sortedLines(t),
  },
  {
    name: 'neigh-proxy.json',
    argv: ['ip', '-j', 'neigh', 'show', 'proxy'],
    print: (s, a) => printIpNeighJson(neighRecords(w(s, a), { proxy: true })),
    normalise: (t) => sortedJson(t),
  },
  {
    name: 'neigh-proxy.txt',
    argv: ['ip', 'neigh', 'show', 'proxy'],
    print: (s, a) => printIpNeighText(neighRecords(w(s, a), { proxy: true })),
    normalise: (t) => sortedLines(t),
  },
  {
    name: 'fdb.json',
    argv: ['bridge', '-j', 'fdb'],
    print: (s, a) => printBridgeFdbJson(fdbRecords(w(s, a))),
    normalise: userFdbJson,
  },
  {
    name: 'fdb.txt',
    argv: ['bridge', 'fdb'],
    print: (s, a) => printBridgeFdbText(fdbRecords(w(s, a))),
    normalise: userFdbText,
  },
  {
    name: 'brlink.json',
    argv: ['bridge', '-j', 'link'],
    print: (s, a) => printBridgeLinkJson(bridgeLinkRecords(w(s, a), ctx(s, a).indexOf)),
  },
  {
    name: 'brlink.txt',
    argv: ['bridge', 'link'],
    print: (s, a) => printBridgeLinkText(bridgeLinkRecords(w(s, a), ctx(s, a).indexOf)),
  },
  {
    name: 'brlink-d.txt',
    argv: ['bridge', '-d', 'link'],
    print: (s, a) => printBridgeLinkText(bridgeLinkRecords(w(s, a), ctx(s, a).indexOf), true),
  },
  {
    name: 'brlink-d.json',
    argv: ['bridge', '-j', '-d', 'link'],
    print: (s, a) => printBridgeLinkJson(bridgeLinkRecords(w(s, a), ctx(s, a).indexOf), true),
  },
]
