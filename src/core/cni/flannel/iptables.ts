/**
 * @module core/cni/flannel/iptables
 * flanneld's iptables rules (pkg/trafficmngr/iptables, v0.28), as iptables-restore text with
 * `--noflush` semantics, in the order flanneld applies them: first (with `--ip-masq`) the nat
 * chain FLANNEL-POSTRTG (`MasqRules`), then (unless `--iptables-forward-rules=false`) the filter
 * chain FLANNEL-FWD (`forwardRules`). flanneld creates each chain (`ClearChain`), then appends
 * (`-A`) the jump from the built-in chain and the chain's rules in one iptables-restore, so
 * its jumps follow whatever kube-proxy inserted at the top. The mark is flannel's fixed
 * `0x4000/0x4000` (kube-proxy's default), whatever kube-proxy's masqueradeBit is.
 */
import { formatPrefix4, type Prefix4 } from '../../cluster/ipv4.js'

const MASQ = '-m comment --comment "flanneld masq"'
const FWD = '-m comment --comment "flanneld forward"'

export interface FlannelRuleInput {
  /** The flannel Network (the cluster CIDR). */
  readonly network: Prefix4
  /** This node's lease (its podCIDR). */
  readonly subnet: Prefix4
  readonly ipMasq: boolean
  /** `MASQUERADE --random-fully` (iptables has it; `--ip-masq-fully-random-disable` turns it off). */
  readonly randomFully: boolean
  readonly forwardRules: boolean
}

/** The nat rules of `MasqRules`: no NAT inside the overlay or for kube-proxy-marked packets. */
export function masqRules(i: FlannelRuleInput): string[] {
  const net = formatPrefix4(i.network)
  const sub = formatPrefix4(i.subnet)
  const masq = `-j MASQUERADE${i.randomFully ? ' --random-fully' : ''}`
  return [
    '*nat',
    ':FLANNEL-POSTRTG - [0:0]',
    `-A POSTROUTING ${MASQ} -j FLANNEL-POSTRTG`,
    `-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 ${MASQ} -j RETURN`,
    `-A FLANNEL-POSTRTG -s ${sub} -d ${net} ${MASQ} -j RETURN`,
    `-A FLANNEL-POSTRTG -s ${net} -d ${sub} ${MASQ} -j RETURN`,
    `-A FLANNEL-POSTRTG ! -s ${net} -d ${sub} ${MASQ} -j RETURN`,
    `-A FLANNEL-POSTRTG -s ${net} ! -d 224.0.0.0/4 ${MASQ} ${masq}`,
    `-A FLANNEL-POSTRTG ! -s ${net} -d ${net} ${MASQ} ${masq}`,
    'COMMIT',
  ]
}

/** The filter rules of `forwardRules`: accept forwarding to and from the flannel network. */
export function forwardRules(i: FlannelRuleInput): string[] {
  const net = formatPrefix4(i.network)
  return [
    '*filter',
    ':FLANNEL-FWD - [0:0]',
    `-A FORWARD ${FWD} -j FLANNEL-FWD`,
    `-A FLANNEL-FWD -s ${net} ${FWD} -j ACCEPT`,
    `-A FLANNEL-FWD -d ${net} ${FWD} -j ACCEPT`,
    'COMMIT',
  ]
}

/** Everything flanneld writes for IPv4 on one node, or undefined when it writes nothing. */
export function flannelRestore(i: FlannelRuleInput): string | undefined {
  const lines = [...(i.ipMasq ? masqRules(i) : []), ...(i.forwardRules ? forwardRules(i) : [])]
  return lines.length === 0 ? undefined : `${lines.join('\n')}\n`
}
