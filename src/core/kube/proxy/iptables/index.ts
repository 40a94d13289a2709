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

/**
 * One family's iptables render. `emitted` is computed by the render; `payload` and `ruleset`
 * are computed on first read and then kept (plain getters on the object, so they read, spread
 * and serialise like fields): most callers need only one of the three, and at 10,000 services
 * the sorted copy and the parsed node view each cost as much as the payload itself. A problem
 * in them (e.g. the node view failing to parse) therefore surfaces on first read, and until
 * `payload` is read the render keeps its rule list for it.
 */
export interface IptablesRender {
  /** The restore payload, in the unit tests' sorted order (byte-comparable with them). Lazy. */
  readonly payload: string
  /** The same payload in kube-proxy's own emission order (services in input order). */
  readonly emitted: string
  /**
   * The node's iptables after the sync (jump rules, then `emitted`), as iptables-save shows
   * it. Lazy.
   */
  readonly ruleset: Ruleset
}

/** `compute()` once, on the first call of the returned function (a throw is not kept). */
function once<T>(compute: () => T): () => T {
  let cell: { readonly value: T } | undefined
  return () => {
    cell ??= { value: compute() }
    return cell.value
  }
}

export function renderIptables(
  plans: readonly ServicePortPlan[],
  o: IptablesOptions,
  canaryChains: boolean,
): IptablesRender {
  const p = buildPayload(plans, o)
  const emitted = emittedText(p)
  const family = o.family === 'IPv4' ? 4 : 6
  const payload = once(() => sortedText(p))
  // The node holds rules in the order kube-proxy wrote them (services in input order here).
  const ruleset = once(() => nodeRuleset(emitted, family, canaryChains))
  return {
    get payload() {
      return payload()
    },
    emitted,
    get ruleset() {
      return ruleset()
    },
  }
}
