/**
 * @module core/iproute2/listing/route
 * `ip -j [-6] route show table all` and `ip [-6] route show table all`. Without `-6` the
 * listing holds both families (IPv4 first); a route's family comes from its addresses, then
 * from IPv6-only keys (`pref`), then from `family` (4 unless the listing was `-6`).
 */
import { printJsonListing } from '../json/print.js'
import { type IpRoute, readRoute, writeRoute } from '../route/record.js'
import { routeText } from '../route/text.js'
import { readRouteText } from '../route/text-parse.js'
import {
  checkFinalNewline,
  lineLocator,
  numberedLines,
  type ParseOptions,
  parseJsonListing,
  withFile,
} from './common.js'

export interface RouteParseOptions extends ParseOptions {
  /** The listing's family when a route does not say (`ip -6 route`: 6). */
  readonly family?: 4 | 6
}

export function parseIpRouteJson(text: string, options: RouteParseOptions = {}): IpRoute[] {
  return parseJsonListing(text, options, 'ip -j route', (doc, item) =>
    readRoute(doc, item, options.family ?? 4),
  )
}

export function printIpRouteJson(routes: readonly IpRoute[]): string {
  return printJsonListing(routes.map(writeRoute))
}

export function parseIpRouteText(text: string, options: RouteParseOptions = {}): IpRoute[] {
  return withFile(options, () => {
    checkFinalNewline(text)
    const lines = numberedLines(text)
    const out: IpRoute[] = []
    for (let i = 0; i < lines.length; ) {
      const line = lines[i]
      if (line === undefined) break
      const { hub, used } = readRouteText(lines.slice(i))
      out.push(readRoute(lineLocator(line), hub, options.family ?? 4))
      i += used
    }
    return out
  })
}

export function printIpRouteText(routes: readonly IpRoute[]): string {
  return routes.map((r) => routeText(writeRoute(r))).join('')
}
