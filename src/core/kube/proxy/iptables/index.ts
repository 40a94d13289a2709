/**
 * @module core/kube/proxy/iptables
 * kube-proxy's iptables mode for one IP family (pkg/proxy/iptables/proxier.go `syncProxyRules`,
 * v1.33): the restore payload of a full sync and the node's resulting ruleset. Per service port
 * the writers run in kube-proxy's order: capture rules, the internal masquerade rule, KUBE-EXT,
 * KUBE-FW, KUBE-SVC, KUBE-SVL, KUBE-SEP.
 */
import type { Ruleset } from '../../../netfilter/rule.js'
import type { ServicePortPlan } from '../plan.js'
import { writeCaptureRules } from './capture.js'
import { writeEndpointRules } from './endpoint-chains.js'
import {
  writeForwardRules,
  writeLocalnetGuard,
  writeMasqueradeRules,
  writeNodePortsJump,
  writeTopLevelChains,
} from './fixed.js'
import { serviceChains } from './names.js'
import { nodeRuleset } from './node-view.js'
import type { IptablesOptions } from './options.js'
import { emittedText, emptyPayload, type RestorePayload } from './payload.js'
import {
  writeExternalChain,
  writeFirewallChain,
  writeInternalMasquerade,
} from './service-chains.js'
import { sortedText } from './sorted.js'

export type { IptablesOptions } from './options.js'

/** Build the payload of a full sync, in kube-proxy's emission order. */
export function buildPayload(
  plans: readonly ServicePortPlan[],
  o: IptablesOptions,
): RestorePayload {
  const p = emptyPayload()
  writeTopLevelChains(p)
  writeMasqueradeRules(p, o)
  writeLocalnetGuard(p, o)
  for (const plan of plans) {
    const ch = serviceChains(plan.svc)
    writeCaptureRules(p, plan, ch, o)
    writeInternalMasquerade(p, plan, ch, o)
    writeExternalChain(p, plan, ch, o)
    writeFirewallChain(p, plan, ch, o)
    writeEndpointRules(p, plan, ch, o)
  }
  writeNodePortsJump(p, o)
  writeForwardRules(p, o)
  return p
}

export interface IptablesRender {
  /** The restore payload, in the unit tests' sorted order (byte-comparable with them). */
  readonly payload: string
  /** The same payload in kube-proxy's own emission order (services in input order). */
  readonly emitted: string
  /** The node's iptables after the sync (jump rules, then `emitted`), as iptables-save shows it. */
  readonly ruleset: Ruleset
}

export function renderIptables(
  plans: readonly ServicePortPlan[],
  o: IptablesOptions,
  canaryChains: boolean,
): IptablesRender {
  const p = buildPayload(plans, o)
  const emitted = emittedText(p)
  const family = o.family === 'IPv4' ? 4 : 6
  // The node holds rules in the order kube-proxy wrote them (services in input order here).
  return { payload: sortedText(p), emitted, ruleset: nodeRuleset(emitted, family, canaryChains) }
}
