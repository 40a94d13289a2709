/**
 * @module core/iproute2
 * iproute2 6.1 listings (`ip -j`/text for link, addr, route, rule, neigh; `bridge` fdb and
 * link; `ip route get`) parsed into the model and printed from it byte for byte, plus the
 * model → `ip -batch` generator.
 */
export type { IpAddress } from './addr/record.js'
export * from './batch.js'
export type { IpBridgeLink } from './brlink/record.js'
export { buildWorld, destroyWorld } from './conformance/run.js'
export { contextFor, type IpContext, netnsIdOf, parseNetnsIds, soloContext } from './context.js'
export type { IpFdbEntry } from './fdb/record.js'
export { type JsonDoc, parseJsonDoc } from './json/parse.js'
export { printJsonListing, printJsonValue } from './json/print.js'
export { type JsonObject, type JsonValue, RawNumber } from './json/value.js'
export type { IpLink, LinkView } from './link/record.js'
export {
  type IpAddrListing,
  parseIpAddrJson,
  parseIpAddrText,
  printIpAddrJson,
  printIpAddrText,
} from './listing/addr.js'
export {
  parseBridgeLinkJson,
  parseBridgeLinkText,
  printBridgeLinkJson,
  printBridgeLinkText,
} from './listing/brlink.js'
export type { ParseOptions } from './listing/common.js'
export {
  parseBridgeFdbJson,
  parseBridgeFdbText,
  printBridgeFdbJson,
  printBridgeFdbText,
} from './listing/fdb.js'
export {
  parseIpLinkJson,
  parseIpLinkText,
  printIpLinkJson,
  printIpLinkText,
} from './listing/link.js'
export {
  parseIpNeighJson,
  parseIpNeighText,
  printIpNeighJson,
  printIpNeighText,
} from './listing/neigh.js'
export {
  parseIpRouteJson,
  parseIpRouteText,
  printIpRouteJson,
  printIpRouteText,
  type RouteParseOptions,
} from './listing/route.js'
export {
  parseIpRuleJson,
  parseIpRuleText,
  printIpRuleJson,
  printIpRuleText,
  type RuleParseOptions,
} from './listing/rule.js'
export type { IpNeighbour } from './neigh/record.js'
export {
  addrListing,
  bridgeLinkRecords,
  fdbRecords,
  linkRecords,
  neighRecords,
  routeRecords,
  ruleRecords,
} from './render/records.js'
export { FIXTURE_HOST, type HostProfile, type World, worldOf } from './render/world.js'
export {
  type CommandOutput,
  printRouteGet,
  printRouteGetJson,
  type RouteGetResult,
  routeGetHub,
} from './route/get.js'
export type { IpRoute } from './route/record.js'
export type { IpRule } from './rule/record.js'
