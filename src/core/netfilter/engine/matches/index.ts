/**
 * @module core/netfilter/engine/matches
 * From a canonical `-m` match to predicates. An extension the engine has no semantics for is
 * not skipped: reaching it throws KPATH_UNSUPPORTED naming the rule, so a trace never claims
 * an answer it cannot give. (A ruleset that merely contains such rules still loads and prints.)
 */
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import { compileAddrtype } from './addrtype.js'
import { compileConntrack, compileState } from './conntrack.js'
import {
  compileDscp,
  compileLength,
  compileLimit,
  compilePkttype,
  compileTos,
  compileTtl,
} from './header-extras.js'
import { compileIcmp, compileIcmp6 } from './icmp.js'
import { compileIprange } from './iprange.js'
import { compileIpvs } from './ipvs.js'
import { compileComment, compileConnmark, compileMark } from './marks.js'
import { compileNfacct } from './nfacct.js'
import { Opts } from './options.js'
import { compileOwner } from './owner.js'
import { compilePhysdev } from './physdev.js'
import { compileMultiport, compileSctp, compileTcp, compileUdp } from './ports.js'
import { compileRecent } from './recent.js'
import { compileSet } from './set.js'
import { compileStatistic } from './statistic.js'

type MatchCompiler = (m: XtMatch, rule: Rule) => Matcher[]

const COMPILERS: Readonly<Record<string, MatchCompiler>> = {
  tcp: compileTcp,
  udp: compileUdp,
  sctp: compileSctp,
  multiport: compileMultiport,
  icmp: compileIcmp,
  icmp6: compileIcmp6,
  comment: compileComment,
  mark: compileMark,
  connmark: compileConnmark,
  conntrack: compileConntrack,
  state: compileState,
  set: compileSet,
  addrtype: compileAddrtype,
  statistic: compileStatistic,
  recent: compileRecent,
  nfacct: compileNfacct,
  physdev: compilePhysdev,
  iprange: compileIprange,
  owner: compileOwner,
  ipvs: compileIpvs,
  length: compileLength,
  ttl: compileTtl,
  hl: compileTtl,
  tos: compileTos,
  dscp: compileDscp,
  pkttype: compilePkttype,
  limit: compileLimit,
}

export function modelledMatches(): readonly string[] {
  return Object.keys(COMPILERS)
}

export function compileMatch(m: XtMatch, rule: Rule): Matcher[] {
  const compiler = COMPILERS[m.module]
  if (compiler) {
    try {
      return compiler(m, rule)
    } catch (e) {
      // An unmodelled option: defer the failure to the first packet that reaches the rule.
      return [
        () => {
          throw e
        },
      ]
    }
  }
  const o = new Opts(m.module, m.options, rule)
  return [
    () => {
      throw o.unsupported(`match -m ${m.module} is not modelled by the engine`)
    },
  ]
}
