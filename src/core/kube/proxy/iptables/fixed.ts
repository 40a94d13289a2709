/**
 * @module core/kube/proxy/iptables/fixed
 * The rules kube-proxy writes on every sync whatever the Services are (kube-proxy-spec.md §2.4):
 * the masquerade machinery (mark in nat PREROUTING/OUTPUT, MASQUERADE marked packets in
 * POSTROUTING), the localnet martian guard, KUBE-FORWARD, and the final jump to KUBE-NODEPORTS.
 */
import { NFACCT_CT_STATE_INVALID } from '../context.js'
import { isLoopback } from '../node-ports.js'
import {
  KUBE_EXTERNAL_SERVICES,
  KUBE_FIREWALL,
  KUBE_FORWARD,
  KUBE_MARK_MASQ,
  KUBE_NODEPORTS,
  KUBE_POSTROUTING,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
} from './names.js'
import type { IptablesOptions } from './options.js'
import { addChain, addRule, quoted, type RestorePayload } from './payload.js'

/** The chain lines every sync starts with, in kube-proxy's order. */
export function writeTopLevelChains(p: RestorePayload): void {
  for (const c of [
    KUBE_SERVICES,
    KUBE_EXTERNAL_SERVICES,
    KUBE_FORWARD,
    KUBE_NODEPORTS,
    KUBE_PROXY_FIREWALL,
  ])
    addChain(p.filter, c)
  for (const c of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ])
    addChain(p.nat, c)
}

/**
 * KUBE-POSTROUTING returns unmarked packets, clears the mark with XOR (so a packet that
 * re-traverses the stack, e.g. VXLAN-encapsulated, is not masqueraded twice) and masquerades.
 */
export function writeMasqueradeRules(
  p: RestorePayload,
  o: Pick<IptablesOptions, 'mark' | 'hasRandomFully'>,
): void {
  const m = o.mark
  addRule(p.nat, KUBE_POSTROUTING, '-m', 'mark', '!', '--mark', `${m}/${m}`, '-j', 'RETURN')
  addRule(p.nat, KUBE_POSTROUTING, '-j', 'MARK', '--xor-mark', m)
  const masq = ['-m', 'comment', '--comment', quoted('kubernetes service traffic requiring SNAT')]
  addRule(
    p.nat,
    KUBE_POSTROUTING,
    masq,
    '-j',
    'MASQUERADE',
    o.hasRandomFully ? ['--random-fully'] : [],
  )
  addRule(p.nat, KUBE_MARK_MASQ, '-j', 'MARK', '--or-mark', m)
}

/**
 * With localhost NodePorts (IPv4 only) kube-proxy sets route_localnet=1 and mitigates the
 * hole it opens (issues.k8s.io/90259) with kubelet's martian-packet rule.
 */
export function writeLocalnetGuard(p: RestorePayload, o: IptablesOptions): void {
  if (o.family !== 'IPv4' || !o.localhostNodePorts) return
  addChain(p.filter, KUBE_FIREWALL)
  addRule(
    p.filter,
    KUBE_FIREWALL,
    '-m',
    'comment',
    '--comment',
    quoted('block incoming localnet connections'),
    '-d',
    '127.0.0.0/8',
    '!',
    '-s',
    '127.0.0.0/8',
    '-m',
    'conntrack',
    '!',
    '--ctstate',
    'RELATED,ESTABLISHED,DNAT',
    '-j',
    'DROP',
  )
}

const NODEPORTS_COMMENT = quoted(
  'kubernetes service nodeports; NOTE: this must be the last rule in this chain',
)

/** The last KUBE-SERVICES rule(s): hand what no service IP matched to KUBE-NODEPORTS. */
export function writeNodePortsJump(p: RestorePayload, o: IptablesOptions): void {
  if (o.nodePorts.matchAll) {
    // Localhost NodePorts never work on IPv6, and on IPv4 only with route_localnet.
    const notLocalhost =
      o.family === 'IPv6'
        ? ['!', '-d', '::1/128']
        : o.localhostNodePorts
          ? []
          : ['!', '-d', '127.0.0.0/8']
    const dst = ['-m', 'addrtype', '--dst-type', 'LOCAL', ...notLocalhost]
    addRule(
      p.nat,
      KUBE_SERVICES,
      '-m',
      'comment',
      '--comment',
      NODEPORTS_COMMENT,
      dst,
      '-j',
      KUBE_NODEPORTS,
    )
    return
  }
  for (const ip of o.nodePortIPs) {
    if (isLoopback(ip) && (o.family === 'IPv6' || !o.localhostNodePorts)) continue
    addRule(
      p.nat,
      KUBE_SERVICES,
      '-m',
      'comment',
      '--comment',
      NODEPORTS_COMMENT,
      '-d',
      ip,
      '-j',
      KUBE_NODEPORTS,
    )
  }
}

/**
 * KUBE-FORWARD: drop INVALID (unless tcp_be_liberal; kubernetes#74839), accept marked traffic
 * even under a DROP FORWARD policy, then its replies.
 */
export function writeForwardRules(p: RestorePayload, o: IptablesOptions): void {
  if (!o.tcpBeLiberal) {
    const counter = o.nfacct.has(NFACCT_CT_STATE_INVALID)
      ? ['-m', 'nfacct', '--nfacct-name', NFACCT_CT_STATE_INVALID]
      : []
    addRule(
      p.filter,
      KUBE_FORWARD,
      '-m',
      'conntrack',
      '--ctstate',
      'INVALID',
      counter,
      '-j',
      'DROP',
    )
  }
  writeForwardAcceptRules(p, o.mark)
}

/**
 * The two KUBE-FORWARD ACCEPT rules both proxiers write (the IPVS one without the INVALID
 * drop): masquerade-marked traffic, then its replies.
 */
export function writeForwardAcceptRules(p: RestorePayload, mark: string): void {
  addRule(
    p.filter,
    KUBE_FORWARD,
    '-m',
    'comment',
    '--comment',
    quoted('kubernetes forwarding rules'),
    '-m',
    'mark',
    '--mark',
    `${mark}/${mark}`,
    '-j',
    'ACCEPT',
  )
  addRule(
    p.filter,
    KUBE_FORWARD,
    '-m',
    'comment',
    '--comment',
    quoted('kubernetes forwarding conntrack rule'),
    '-m',
    'conntrack',
    '--ctstate',
    'RELATED,ESTABLISHED',
    '-j',
    'ACCEPT',
  )
}
