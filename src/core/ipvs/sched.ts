/**
 * @module core/ipvs/sched
 * The IPVS schedulers as pure functions. Each returns the real servers a new connection may go
 * to, with probabilities: one certain choice where the kernel is deterministic given the state
 * kpath knows, several where it depends on state kpath cannot know (where rr's pointer was
 * left by earlier traffic, which hash bucket a client falls in). An empty list (or index -1)
 * means "no destination": ip_vs_schedule returns NULL and ip_vs_leave answers with ICMP.
 *
 * Every scheduler skips a destination with weight 0 (quiesced) or overloaded
 * (IP_VS_DEST_F_OVERLOAD), as the kernel's do. Ties go to the first destination in the
 * service's list order (the kernel's list; for a state parsed from ipvsadm, its sorted order).
 */
import { unsupported } from '../errors.js'
import type { IpvsDestination, IpvsService } from './model.js'

/** A destination as the scheduler sees it: the configuration and the live counters. */
export interface DestView {
  readonly dest: IpvsDestination
  readonly active: number
  readonly inact: number
}

/** One possible outcome: the destination's index in the service (-1: none), and its chance. */
export interface SchedChoice {
  readonly index: number
  readonly p: number
}

/**
 * What rr and wrr remember between connections (svc->sched_data): the last destination picked
 * (-1 = the list head, where ip_vs_rr_init_svc / ip_vs_wrr_init_svc start) and wrr's current
 * weight. Undefined: unknown (a listed or rendered state has served earlier traffic).
 */
export interface SchedPosition {
  readonly last: number
  readonly cw?: number
}

/**
 * ip_vs_bind_dest sets IP_VS_DEST_F_OVERLOAD when the total reaches the upper threshold (and
 * clears it below the lower one; kpath takes the upper test alone).
 */
export function available(v: DestView): boolean {
  const u = v.dest.upperThreshold ?? 0
  return v.dest.weight > 0 && !(u > 0 && v.active + v.inact >= u)
}

const certain = (index: number): SchedChoice[] => [{ index, p: 1 }]

/** The indexes of the available destinations, in list order (a loop: every new connection runs it). */
function liveIndexes(views: readonly DestView[]): number[] {
  const out: number[] = []
  for (let i = 0; i < views.length; i++) if (available(views[i] as DestView)) out.push(i)
  return out
}

/** Split probability among `indexes` in proportion to `share` (indexes with share 0 dropped). */
function proportional(indexes: readonly number[], share: (i: number) => number): SchedChoice[] {
  const total = indexes.reduce((a, i) => a + share(i), 0)
  if (total <= 0) return []
  return indexes.filter((i) => share(i) > 0).map((i) => ({ index: i, p: share(i) / total }))
}

/** ip_vs_rr_schedule: the next available destination after the last one, circularly. */
function rr(views: readonly DestView[], pos: SchedPosition | undefined): SchedChoice[] {
  const live = liveIndexes(views)
  if (pos === undefined) return proportional(live, () => 1)
  const n = views.length
  for (let k = 1; k <= n; k++) {
    const i = pos.last < 0 ? k - 1 : (pos.last + k) % n
    if (live.includes(i)) return certain(i)
  }
  return []
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/** ip_vs_wrr's mw (largest weight) and di (gcd of the positive weights). */
export function wrrWeights(views: readonly DestView[]): { mw: number; di: number } {
  const ws = views.map((v) => v.dest.weight).filter((w) => w > 0)
  return { mw: Math.max(0, ...ws), di: ws.reduce(gcd, 0) || 1 }
}

/** ip_vs_wrr_schedule, step by step; returns the choice and the new current weight. */
export function wrrNext(
  views: readonly DestView[],
  pos: SchedPosition,
): { index: number; cw: number } | undefined {
  const { mw, di } = wrrWeights(views)
  if (mw === 0) return undefined
  const ok = (i: number, cw: number) => {
    const v = views[i]
    return v !== undefined && available(v) && v.dest.weight >= cw
  }
  let cw = pos.cw ?? mw
  let i = pos.last
  // Walk on from the last pick; at the end of the list lower cw by di (back to mw at 0).
  for (let guard = 0; guard < (views.length + 1) * (mw / di + 1); guard++) {
    i++
    if (i >= views.length) {
      i = -1
      cw -= di
      if (cw <= 0) cw = mw
      continue
    }
    if (ok(i, cw)) return { index: i, cw }
    if (i === pos.last) return undefined
  }
  return undefined
}

function wrr(views: readonly DestView[], pos: SchedPosition | undefined): SchedChoice[] {
  const live = liveIndexes(views)
  if (pos === undefined) return proportional(live, (i) => views[i]?.dest.weight ?? 0)
  const next = wrrNext(views, pos)
  return next ? certain(next.index) : []
}

/** lc / wlc / sed / nq: the least loaded by the scheduler's overhead, weighted or not. */
function leastLoaded(
  views: readonly DestView[],
  overhead: (v: DestView) => number,
  weighted: boolean,
): SchedChoice[] {
  let best = -1
  for (let i = 0; i < views.length; i++) {
    const v = views[i] as DestView
    if (!available(v)) continue
    const b = views[best]
    if (!b) {
      best = i
      continue
    }
    // loh * dw > doh * lw (wlc, sed) or loh > doh (lc): strictly less loaded replaces.
    const lw = weighted ? b.dest.weight : 1
    const dw = weighted ? v.dest.weight : 1
    if (overhead(b) * dw > overhead(v) * lw) best = i
  }
  return best < 0 ? [] : certain(best)
}

/** ip_vs_dest_conn_overhead: active connections weigh 256 times an inactive one. */
const connOverhead = (v: DestView) => v.active * 256 + v.inact
/** ip_vs_sed_dest_overhead / nq: active connections plus the new one. */
const sedOverhead = (v: DestView) => v.active + 1

/**
 * sh / dh fill 256 buckets (IP_VS_SH_TAB_SIZE, IP_VS_DH_TAB_SIZE) going round the list, each
 * destination taking `weight` consecutive buckets (one at weight 0; ip_vs_sh_reassign). The
 * hash of the client (sh) or destination (dh) address is not modelled bit-exactly: each bucket
 * is taken as equally likely. A bucket whose destination is unavailable gives no destination,
 * unless sh-fallback/mh-fallback moves it to the available ones.
 */
function buckets(views: readonly DestView[], fallback: boolean): SchedChoice[] {
  if (views.length === 0) return []
  const counts = views.map(() => 0)
  let i = 0
  let taken = 0
  for (let b = 0; b < 256; b++) {
    counts[i] = (counts[i] ?? 0) + 1
    if (++taken >= (views[i]?.dest.weight ?? 0)) {
      i = (i + 1) % views.length
      taken = 0
    }
  }
  const live = liveIndexes(views)
  if (fallback) return proportional(live, (k) => counts[k] ?? 0)
  const out = live.map((k) => ({ index: k, p: (counts[k] ?? 0) / 256 }))
  const lost = 1 - out.reduce((a, c) => a + c.p, 0)
  return lost > 1e-12 ? [...out, { index: -1, p: lost }] : out
}

/**
 * The choices `svc`'s scheduler may make for a new connection.
 *
 * @example
 * // rr from the list head: the first destination with weight > 0
 * schedule(svc, views, { last: -1 }) // → [{ index: 0, p: 1 }]
 */
export function schedule(
  svc: IpvsService,
  views: readonly DestView[],
  pos: SchedPosition | undefined,
): SchedChoice[] {
  const flags = svc.schedFlags ?? []
  switch (svc.scheduler) {
    case 'rr':
      return rr(views, pos)
    case 'wrr':
      return wrr(views, pos)
    case 'lc':
      return leastLoaded(views, connOverhead, false)
    case 'wlc':
      return leastLoaded(views, connOverhead, true)
    case 'sed':
      return leastLoaded(views, sedOverhead, true)
    case 'nq': {
      // ip_vs_nq_schedule: an idle available server wins at once, else as sed.
      const idle = views.findIndex((v) => available(v) && v.active === 0)
      return idle >= 0 ? certain(idle) : leastLoaded(views, sedOverhead, true)
    }
    case 'sh':
      return buckets(views, flags.includes('sh-fallback'))
    case 'dh':
      return buckets(views, false)
    case 'mh': {
      // Maglev gives each positive-weight server a share of the table in proportion to weight.
      const live = liveIndexes(views)
      return proportional(live, (k) => views[k]?.dest.weight ?? 0)
    }
    case 'fo': {
      // ip_vs_fo_schedule: the available server with the highest weight.
      let best = -1
      views.forEach((v, k) => {
        if (available(v) && v.dest.weight > (views[best]?.dest.weight ?? 0)) best = k
      })
      return best < 0 ? [] : certain(best)
    }
    case 'ovf': {
      // ip_vs_ovf_schedule: the highest weight among those with fewer active conns than weight.
      let best = -1
      views.forEach((v, k) => {
        const w = v.dest.weight
        if (available(v) && v.active < w && w > (views[best]?.dest.weight ?? 0)) best = k
      })
      return best < 0 ? [] : certain(best)
    }
    default:
      throw unsupported(
        `the IPVS scheduler ${svc.scheduler} is not modelled`,
        undefined,
        'kpath models rr, wrr, lc, wlc, sed, nq, sh, dh, mh, fo and ovf',
      )
  }
}

/** Where rr/wrr stand after picking `index` (the other schedulers keep no position). */
export function advance(
  svc: IpvsService,
  views: readonly DestView[],
  pos: SchedPosition | undefined,
  index: number,
): SchedPosition | undefined {
  if (svc.scheduler === 'rr') return { last: index }
  if (svc.scheduler !== 'wrr') return undefined
  if (pos !== undefined) {
    const next = wrrNext(views, pos)
    if (next && next.index === index) return { last: index, cw: next.cw }
  }
  // From an unknown position: the pick stands, at the current weight equal to its own weight.
  return { last: index, cw: views[index]?.dest.weight ?? 0 }
}
