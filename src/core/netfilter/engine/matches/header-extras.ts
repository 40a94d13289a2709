/**
 * @module core/netfilter/engine/matches/header-extras
 * Small header matches common in hand-written rulesets: length, ttl, hl, tos, dscp, pkttype
 * and limit.
 */
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { inRange, Opts, parseRange, parseValueMask } from './options.js'

export function compileLength(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('length', m.options, rule)
  o.only(['--length'])
  const opt = o.get('--length')
  if (!opt) return []
  const r = parseRange(opt.values[0] ?? '')
  return [(s) => inRange(s.pkt.length, r) !== opt.negated]
}

export function compileTtl(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts(m.module, m.options, rule)
  const out: Matcher[] = []
  for (const opt of m.options) {
    const n = Number(opt.values[0])
    const name = opt.name.replace('--hl-', '--ttl-')
    if (name === '--ttl-eq') out.push((s) => (s.pkt.ttl === n) !== opt.negated)
    else if (name === '--ttl-gt') out.push((s) => s.pkt.ttl > n)
    else if (name === '--ttl-lt') out.push((s) => s.pkt.ttl < n)
    else throw o.unsupported(`option ${opt.name} of ${m.module} is not modelled`)
  }
  return out
}

export function compileTos(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('tos', m.options, rule)
  o.only(['--tos'])
  const opt = o.get('--tos')
  if (!opt) return []
  const { value, mask } = parseValueMask(opt.values[0] ?? '0')
  return [(s) => (((s.pkt.tos ?? 0) & mask) === value) !== opt.negated]
}

export function compileDscp(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('dscp', m.options, rule)
  o.only(['--dscp'])
  const opt = o.get('--dscp')
  if (!opt) return []
  const v = Number(opt.values[0])
  return [(s) => ((s.pkt.tos ?? 0) >> 2 === v) !== opt.negated]
}

export function compilePkttype(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('pkttype', m.options, rule)
  o.only(['--pkt-type'])
  const opt = o.get('--pkt-type')
  if (!opt) return []
  const want = opt.values[0]
  return [
    (s) => {
      const t = s.env.addrType(s.pkt.dst)
      const kind = t === 'MULTICAST' ? 'multicast' : t === 'BROADCAST' ? 'broadcast' : 'unicast'
      return (kind === want) !== opt.negated
    },
  ]
}

/**
 * `-m limit` (xt_limit.c): a token bucket of `--limit-burst` packets refilled at `--limit`.
 * Traces walk few packets, so the bucket matters only when a flow sends more than the burst.
 */
export function compileLimit(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('limit', m.options, rule)
  o.only(['--limit', '--limit-burst'])
  const [n = '3', unit = 'hour'] = (o.value('--limit') ?? '3/hour').split('/')
  const perSecond =
    Number(n) /
    ({
      second: 1,
      sec: 1,
      s: 1,
      minute: 60,
      min: 60,
      m: 60,
      hour: 3600,
      h: 3600,
      day: 86400,
      d: 86400,
    }[unit] ?? 3600)
  const burst = Number(o.value('--limit-burst') ?? '5')
  return [
    (s) => {
      const key = `limit:${s.rule?.key ?? ''}`
      const state = s.rt.nth.get(key)
      const last = s.rt.nth.get(`${key}:t`) ?? s.rt.now
      const credit = Math.min(burst, (state ?? burst) + (s.rt.now - last) * perSecond)
      s.rt.nth.set(`${key}:t`, s.rt.now)
      if (credit >= 1) {
        s.rt.nth.set(key, credit - 1)
        return true
      }
      s.rt.nth.set(key, credit)
      return false
    },
  ]
}
