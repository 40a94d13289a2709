/**
 * @module core/netfilter/engine/matches/recent
 * `-m recent` (xt_recent.c): per-name lists of recently seen addresses. kube-proxy's
 * sessionAffinity ClientIP is `--set` in the KUBE-SEP chain and `--rcheck --seconds T --reap`
 * in the KUBE-SVC chain. The control flow below follows recent_mt step by step.
 */
import { formatAddr, parseAddr, parseIPv4, parseIPv6 } from '../../../net/ip.js'
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import type { RecentEntry } from '../runtime.js'
import type { PacketState } from '../state.js'
import { Opts } from './options.js'

/** ip_pkt_list_tot: how many timestamps an entry keeps. */
const STAMPS_KEPT = 20

function maskedKey(addrText: string, maskText: string | undefined): string {
  const a = parseAddr(addrText)
  if (!a) return addrText
  if (a.family === 4) {
    const mask = maskText === undefined ? 0xffffffff : (parseIPv4(maskText) ?? 0xffffffff)
    return formatAddr({ family: 4, value: (a.value & mask) >>> 0 })
  }
  const mask =
    maskText === undefined ? (1n << 128n) - 1n : (parseIPv6(maskText) ?? (1n << 128n) - 1n)
  return formatAddr({ family: 6, value: a.value & mask })
}

export function compileRecent(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('recent', m.options, rule)
  o.only([
    '--set',
    '--rcheck',
    '--update',
    '--remove',
    '--seconds',
    '--reap',
    '--hitcount',
    '--rttl',
    '--name',
    '--mask',
    '--rsource',
    '--rdest',
  ])
  const cmd = ['--set', '--rcheck', '--update', '--remove'].find((n) => o.has(n))
  if (!cmd) throw o.unsupported('recent needs one of --set, --rcheck, --update, --remove')
  const invert = o.get(cmd)?.negated ?? false
  const name = o.value('--name') ?? 'DEFAULT'
  const seconds = Number(o.value('--seconds') ?? '0')
  const hitcount = Number(o.value('--hitcount') ?? '0')
  const useTtl = o.has('--rttl')
  const reap = o.has('--reap')
  const mask = o.value('--mask')
  const useDst = o.has('--rdest')
  return [
    (s) => recentMatch(s, { cmd, invert, name, seconds, hitcount, useTtl, reap, mask, useDst }),
  ]
}

interface RecentSpec {
  cmd: string
  invert: boolean
  name: string
  seconds: number
  hitcount: number
  useTtl: boolean
  reap: boolean
  mask: string | undefined
  useDst: boolean
}

function recentMatch(s: PacketState, r: RecentSpec): boolean {
  let list = s.rt.recent.get(r.name)
  if (!list) {
    list = new Map()
    s.rt.recent.set(r.name, list)
  }
  const key = maskedKey(r.useDst ? s.pkt.dst : s.pkt.src, r.mask)
  const ttl = r.useDst ? 0 : s.pkt.ttl
  const now = s.rt.now
  let ret = r.invert
  const e = list.get(key)
  const found = e && (!r.useTtl || e.ttl === ttl) ? e : undefined
  if (!found) {
    if (r.cmd !== '--set') return ret
    list.set(key, { stamps: [now], ttl })
    return !ret
  }
  if (r.cmd === '--set') ret = !ret
  else if (r.cmd === '--remove') {
    list.delete(key)
    return !ret
  } else {
    const since = now - r.seconds
    let hits = 0
    for (const stamp of found.stamps) {
      if (r.seconds && stamp < since) continue
      if (!r.hitcount || ++hits >= r.hitcount) {
        ret = !ret
        break
      }
    }
    if (r.reap && r.seconds) {
      const kept = found.stamps.filter((t) => t >= since)
      if (kept.length === 0) list.delete(key)
      else list.set(key, { ...found, stamps: kept })
    }
  }
  if (r.cmd === '--set' || (r.cmd === '--update' && ret)) {
    const cur: RecentEntry = list.get(key) ?? found
    list.set(key, { stamps: [...cur.stamps, now].slice(-STAMPS_KEPT), ttl })
  }
  return ret
}
