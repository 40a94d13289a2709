/**
 * @module core/netfilter/xt/modules/core
 * The extensions kube-proxy, CNI plugins and the engine rely on, one file per family of
 * related extensions. Each turns what a user wrote into what iptables-save 1.8.9 prints.
 */
import type { XtModule } from '../../types.js'
import { addrtypeMatch } from './addrtype.js'
import { commentMatch } from './comment.js'
import { conntrackMatch, stateMatch } from './conntrack.js'
import { ctTarget, notrackTarget } from './ct.js'
import { icmp6Match, icmpMatch } from './icmp.js'
import { iprangeMatch } from './iprange.js'
import { ipvsMatch } from './ipvs.js'
import { logTarget, nflogTarget, traceTarget } from './log.js'
import { connmarkMatchModule, connmarkTarget, markMatchModule, markTarget } from './mark.js'
import { multiportMatch } from './multiport.js'
import { dnatTarget, masqueradeTarget, redirectTarget, snatTarget } from './nat.js'
import { nfacctMatch } from './nfacct.js'
import { ownerMatch } from './owner.js'
import { physdevMatch } from './physdev.js'
import { recentMatch } from './recent.js'
import { rejectTarget } from './reject.js'
import { sctpMatch } from './sctp.js'
import { setMatch } from './set.js'
import { statisticMatch } from './statistic.js'
import { tcpMatch, udpMatch } from './tcp-udp.js'

export const CORE_MODULES: readonly XtModule[] = [
  tcpMatch,
  udpMatch,
  sctpMatch,
  icmpMatch,
  icmp6Match,
  multiportMatch,
  commentMatch,
  markMatchModule,
  connmarkMatchModule,
  conntrackMatch,
  stateMatch,
  setMatch,
  addrtypeMatch,
  statisticMatch,
  recentMatch,
  nfacctMatch,
  physdevMatch,
  iprangeMatch,
  ownerMatch,
  ipvsMatch,
  rejectTarget,
  logTarget,
  nflogTarget,
  traceTarget,
  markTarget,
  connmarkTarget,
  dnatTarget,
  snatTarget,
  masqueradeTarget,
  redirectTarget,
  ctTarget,
  notrackTarget,
]
