/**
 * @module core/iproute2/testkit
 * Test support: every listing kpath reads, as "parse then print" (round trips) and as "parse"
 * alone (the fuzz test feeds them damaged captures).
 */
import type { IpContext } from './context.js'
import {
  parseIpAddrJson,
  parseIpAddrText,
  printIpAddrJson,
  printIpAddrText,
} from './listing/addr.js'
import {
  parseBridgeLinkJson,
  parseBridgeLinkText,
  printBridgeLinkJson,
  printBridgeLinkText,
} from './listing/brlink.js'
import {
  parseBridgeFdbJson,
  parseBridgeFdbText,
  printBridgeFdbJson,
  printBridgeFdbText,
} from './listing/fdb.js'
import {
  parseIpLinkJson,
  parseIpLinkText,
  printIpLinkJson,
  printIpLinkText,
} from './listing/link.js'
import {
  parseIpNeighJson,
  parseIpNeighText,
  printIpNeighJson,
  printIpNeighText,
} from './listing/neigh.js'
import {
  parseIpRouteJson,
  parseIpRouteText,
  printIpRouteJson,
  printIpRouteText,
} from './listing/route.js'
import {
  parseIpRuleJson,
  parseIpRuleText,
  printIpRuleJson,
  printIpRuleText,
} from './listing/rule.js'

/** `ip link` / `ip -j link` without `-d`. */
const PLAIN = { details: false, mode: 'link' } as const

/** Each listing (by fixture suffix): how to parse it and print it back. */
export const ROUND_TRIPS: Readonly<Record<string, (text: string, ctx: IpContext) => string>> = {
  'link.json': (t, c) => printIpLinkJson(parseIpLinkJson(t, c), c),
  'link.txt': (t, c) => printIpLinkText(parseIpLinkText(t, c), c),
  'link-plain.json': (t, c) => printIpLinkJson(parseIpLinkJson(t, c), c, PLAIN),
  'link-plain.txt': (t, c) => printIpLinkText(parseIpLinkText(t, c, PLAIN), c, PLAIN),
  'addr.json': (t, c) => printIpAddrJson(parseIpAddrJson(t, c), c),
  'addr-d.json': (t, c) =>
    printIpAddrJson(parseIpAddrJson(t, c), c, { details: true, mode: 'addr' }),
  'addr.txt': (t, c) => printIpAddrText(parseIpAddrText(t, c), c),
  'route.json': (t) => printIpRouteJson(parseIpRouteJson(t)),
  'route.txt': (t) => printIpRouteText(parseIpRouteText(t)),
  'route6.json': (t) => printIpRouteJson(parseIpRouteJson(t, { family: 6 })),
  'route6.txt': (t) => printIpRouteText(parseIpRouteText(t, { family: 6 })),
  'rule.json': (t) => printIpRuleJson(parseIpRuleJson(t)),
  'rule.txt': (t) => printIpRuleText(parseIpRuleText(t)),
  'rule6.json': (t) => printIpRuleJson(parseIpRuleJson(t, { family: 6 })),
  'rule6.txt': (t) => printIpRuleText(parseIpRuleText(t, { family: 6 })),
  'neigh.json': (t) => printIpNeighJson(parseIpNeighJson(t)),
  'neigh.txt': (t) => printIpNeighText(parseIpNeighText(t)),
  'neigh-proxy.json': (t) => printIpNeighJson(parseIpNeighJson(t)),
  'neigh-proxy.txt': (t) => printIpNeighText(parseIpNeighText(t)),
  'fdb.json': (t) => printBridgeFdbJson(parseBridgeFdbJson(t)),
  'fdb.txt': (t) => printBridgeFdbText(parseBridgeFdbText(t)),
  'brlink.json': (t) => printBridgeLinkJson(parseBridgeLinkJson(t)),
  'brlink.txt': (t) => printBridgeLinkText(parseBridgeLinkText(t)),
  'brlink-d.json': (t) => printBridgeLinkJson(parseBridgeLinkJson(t), true),
  'brlink-d.txt': (t) => printBridgeLinkText(parseBridgeLinkText(t, true), true),
}
