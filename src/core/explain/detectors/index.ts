/**
 * @module core/explain/detectors
 * Every detector, in the order explain asks them: the most specific first (a rule with a
 * Service's name, a sysctl), the generic ones (a missing route, an asymmetric return) last.
 */
import type { Detector } from '../types.js'
import { asymmetricReturn } from './asymmetric-return.js'
import { conntrackInvalid } from './conntrack-invalid.js'
import { etpLocalNoEndpoint } from './etp-local.js'
import { hairpinOff } from './hairpin.js'
import { ipForwardOff } from './ip-forward.js'
import { ipvsBridged } from './ipvs-bridged.js'
import { ipvsReplyBypassed } from './ipvs-reply-bypassed.js'
import { missingRoute } from './missing-route.js'
import { mtuEncapsulation } from './mtu.js'
import { proxyArpGateway } from './proxy-arp-gateway.js'
import { routeLocalnet } from './route-localnet.js'
import { rpFilter } from './rp-filter.js'
import { selectorMatchesNoPods, serviceNoEndpoints } from './service-endpoints.js'
import { sourceIpMasqueraded } from './source-ip.js'

export const DETECTORS: readonly Detector[] = [
  conntrackInvalid,
  etpLocalNoEndpoint,
  selectorMatchesNoPods,
  serviceNoEndpoints,
  hairpinOff,
  routeLocalnet,
  rpFilter,
  ipForwardOff,
  proxyArpGateway,
  mtuEncapsulation,
  ipvsBridged,
  ipvsReplyBypassed,
  missingRoute,
  asymmetricReturn,
  sourceIpMasqueraded,
]
