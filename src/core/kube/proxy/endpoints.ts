/**
 * @module core/kube/proxy/endpoints
 * EndpointSlices → endpoints per service port (pkg/proxy `endpointslicecache.go`): slices are
 * joined to their Service by the `kubernetes.io/service-name` label, and to a Service port by
 * port name and protocol. Only `addresses[0]` counts; endpoints of the other family are
 * skipped; unset `ready`/`serving` mean true and unset `terminating` false. The same `ip:port`
 * seen twice collapses, a non-terminating copy winning (a reused pod IP must reach the running
 * pod, v1.33 `addEndpoints`). Each list is sorted by its `ip:port` text, which fixes the order
 * of rules and probabilities.
 */
import type { Endpoint, EndpointSlice, IPFamily } from '../model.js'
import { canonicalIP, familyOfText, joinHostPort } from './ip-text.js'
import type { Warn } from './service-ports.js'
import type { EndpointInfo } from './types.js'

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name'

interface Ctx {
  readonly family: IPFamily
  readonly nodeName: string
  readonly nodeHints: boolean
}

/** Shared by every endpoint without hints (most of them): read-only, so one set will do. */
const NO_HINTS: ReadonlySet<string> = new Set()

function hintSet(list: readonly { readonly name: string }[] | undefined): ReadonlySet<string> {
  if (list === undefined || list.length === 0) return NO_HINTS
  return new Set(list.map((h) => h.name))
}

function endpointInfo(ep: Endpoint, port: number, ctx: Ctx, warn: Warn): EndpointInfo | undefined {
  const first = ep.addresses[0]
  if (first === undefined) return undefined
  const ip = canonicalIP(first)
  if (ip === undefined) {
    warn(`endpoint address ${JSON.stringify(first)} is not an IP address; kube-proxy ignores it`)
    return undefined
  }
  if (familyOfText(ip) !== ctx.family) return undefined
  const c = ep.conditions ?? {}
  return {
    ip,
    port,
    key: joinHostPort(ip, port),
    ready: c.ready !== false,
    serving: c.serving !== false,
    terminating: c.terminating === true,
    isLocal: ep.nodeName !== undefined && ep.nodeName === ctx.nodeName,
    zoneHints: hintSet(ep.hints?.forZones),
    nodeHints: ctx.nodeHints ? hintSet(ep.hints?.forNodes) : NO_HINTS,
  }
}

/** Add one slice's endpoints for one port, keeping the non-terminating copy of a duplicate. */
function addEndpoints(
  set: Map<string, EndpointInfo>,
  slice: EndpointSlice,
  port: number,
  ctx: Ctx,
  warn: Warn,
): void {
  for (const ep of slice.endpoints) {
    const info = endpointInfo(ep, port, ctx, warn)
    if (info && (!set.has(info.key) || !info.terminating)) set.set(info.key, info)
  }
}

function byKey(a: EndpointInfo, b: EndpointInfo): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

/**
 * Endpoints keyed by `ns/service|portName|PROTOCOL`. An EndpointSlice port without a port
 * number is ignored, as kube-proxy does ("invalid endpoint port").
 */
export function endpointsByPort(
  input: { readonly endpointSlices: readonly EndpointSlice[] } & Ctx,
  warn: Warn,
): Map<string, EndpointInfo[]> {
  const sets = new Map<string, Map<string, EndpointInfo>>()
  for (const slice of input.endpointSlices) {
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL]
    if (service === undefined || slice.addressType === 'FQDN') continue
    const ns = slice.metadata.namespace ?? 'default'
    for (const p of slice.ports ?? []) {
      if (p.port === undefined || p.port === 0) continue
      const key = `${ns}/${service}|${p.name ?? ''}|${p.protocol}`
      const set = sets.get(key) ?? new Map<string, EndpointInfo>()
      sets.set(key, set)
      addEndpoints(set, slice, p.port, input, warn)
    }
  }
  const out = new Map<string, EndpointInfo[]>()
  for (const [key, set] of sets) out.set(key, [...set.values()].sort(byKey))
  return out
}
