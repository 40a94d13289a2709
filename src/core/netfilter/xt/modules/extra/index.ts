/**
 * @module core/netfilter/xt/modules/extra
 * The rest of what iptables 1.8.9 ships, so that real-world rulesets load and print exactly:
 * every match and target of the iptables 1.8.9 extension set that is not in ../core. See
 * README.md beside this file for how each one was verified against the real tools.
 */
import type { XtModule } from '../../types.js'
import { bpfMatch } from './bpf.js'
import { cgroupMatch } from './cgroup.js'
import { clusterMatch } from './cluster.js'
import { connbytesMatch } from './connbytes.js'
import { connlimitMatch } from './connlimit.js'
import { dccpMatch } from './dccp.js'
import { devgroupMatch, realmMatch } from './devgroup-realm.js'
import { ecnMatch, ecnTarget } from './ecn.js'
import { hashlimitMatch } from './hashlimit.js'
import { connlabelMatch, helperMatch } from './helper-connlabel.js'
import { hmarkTarget } from './hmark.js'
import { ahMatch, espMatch, ipcompMatch } from './ipsec.js'
import { fragMatch, rtMatch } from './ipv6-frag-rt.js'
import { dstMatch, hbhMatch } from './ipv6-opts.js'
import { eui64Match, ipv6headerMatch } from './ipv6header.js'
import { clusteripTarget, ledTarget, ulogTarget } from './legacy-targets.js'
import { lengthMatch } from './length.js'
import { limitMatch } from './limit.js'
import { macMatch, pkttypeMatch } from './link.js'
import { auditTarget, checksumTarget, classifyTarget } from './mangle-targets.js'
import { mhMatch } from './mh.js'
import { idletimerTarget, synproxyTarget, tcpoptstripTarget } from './misc-targets.js'
import { dnptTarget, netmapTarget, snptTarget } from './netmap-npt.js'
import { nfqueueTarget } from './nfqueue.js'
import { osfMatch } from './osf.js'
import { policyMatch } from './policy.js'
import { rateestMatch, rateestTarget } from './rateest.js'
import { connsecmarkTarget, secmarkTarget } from './secmark.js'
import { setTarget } from './set-target.js'
import { cpuMatch, quotaMatch, rpfilterMatch, socketMatch } from './simple.js'
import { srhMatch } from './srh.js'
import { stringMatch } from './string.js'
import { tcpmssMatch, tcpmssTarget } from './tcpmss.js'
import { teeTarget, tproxyTarget } from './tee-tproxy.js'
import { timeMatch } from './time.js'
import { dscpMatch, dscpTarget, tosMatch, tosTarget } from './tos-dscp.js'
import { hlMatch, hlTarget, ttlMatch, ttlTarget } from './ttl.js'
import { u32Match } from './u32.js'

export const EXTRA_MODULES: readonly XtModule[] = [
  // matches
  ahMatch,
  bpfMatch,
  cgroupMatch,
  clusterMatch,
  connbytesMatch,
  connlabelMatch,
  connlimitMatch,
  cpuMatch,
  dccpMatch,
  devgroupMatch,
  dscpMatch,
  dstMatch,
  ecnMatch,
  espMatch,
  eui64Match,
  fragMatch,
  hashlimitMatch,
  hbhMatch,
  helperMatch,
  hlMatch,
  ipcompMatch,
  ipv6headerMatch,
  lengthMatch,
  limitMatch,
  macMatch,
  mhMatch,
  osfMatch,
  pkttypeMatch,
  policyMatch,
  quotaMatch,
  rateestMatch,
  realmMatch,
  rpfilterMatch,
  rtMatch,
  socketMatch,
  srhMatch,
  stringMatch,
  tcpmssMatch,
  timeMatch,
  tosMatch,
  ttlMatch,
  u32Match,
  // targets
  auditTarget,
  checksumTarget,
  classifyTarget,
  clusteripTarget,
  connsecmarkTarget,
  dnptTarget,
  dscpTarget,
  ecnTarget,
  hlTarget,
  hmarkTarget,
  idletimerTarget,
  ledTarget,
  netmapTarget,
  nfqueueTarget,
  rateestTarget,
  secmarkTarget,
  setTarget,
  snptTarget,
  synproxyTarget,
  tcpmssTarget,
  tcpoptstripTarget,
  teeTarget,
  tosTarget,
  tproxyTarget,
  ttlTarget,
  ulogTarget,
]
