/**
 * @module bench/kube/fixed
 * The rules kube-proxy writes whatever the services are: the jumps from the built-in chains
 * (§2.3 of /work/shared/notes/kube-proxy-spec.md, in the order a clean node ends up with after
 * kubelet added its KUBE-FIREWALL jumps first), the masquerade machinery and the filter chains
 * (§2.4). `--random-fully` is on, as on any kernel ≥ 3.13 with a modern iptables.
 */

const LB_FIREWALL =
  '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL'
const EXTERNAL =
  '-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES'
const PORTALS_NEW =
  '-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
const PORTALS = '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES'

export interface FixedOptions {
  /**
   * Count invalid packets with `-m nfacct`. kube-proxy does so only when the kernel has the
   * nfacct object; a real (non `--test`) restore fails with ENOENT when it is missing, so the
   * benchmark leaves it off by default.
   */
  readonly nfacct: boolean
}

/** filter: every chain kube-proxy owns is declared; KUBE-SERVICES etc. stay empty when all
 * services have endpoints and no NodePorts, external IPs or load balancers. */
export function filterRules(options: FixedOptions): Map<string, string[]> {
  const invalid = options.nfacct
    ? '-m conntrack --ctstate INVALID -m nfacct --nfacct-name  ct_state_invalid_dropped_pkts -j DROP'
    : '-m conntrack --ctstate INVALID -j DROP'
  return new Map([
    [
      'INPUT',
      [
        '-j KUBE-FIREWALL',
        LB_FIREWALL,
        '-m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
        EXTERNAL,
      ],
    ],
    [
      'FORWARD',
      [
        LB_FIREWALL,
        '-m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
        PORTALS_NEW,
        EXTERNAL,
      ],
    ],
    ['OUTPUT', ['-j KUBE-FIREWALL', LB_FIREWALL, PORTALS_NEW]],
    ['KUBE-EXTERNAL-SERVICES', []],
    [
      'KUBE-FIREWALL',
      [
        '! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
      ],
    ],
    [
      'KUBE-FORWARD',
      [
        invalid,
        '-m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
        '-m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      ],
    ],
    ['KUBE-NODEPORTS', []],
    ['KUBE-PROXY-FIREWALL', []],
    ['KUBE-SERVICES', []],
  ])
}

/** nat: the jumps, KUBE-MARK-MASQ and KUBE-POSTROUTING (`--or-mark`/`--xor-mark` as saved). */
export function natFixedRules(): Map<string, string[]> {
  return new Map([
    ['PREROUTING', [PORTALS]],
    ['INPUT', []],
    ['OUTPUT', [PORTALS]],
    ['POSTROUTING', ['-m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING']],
    ['KUBE-MARK-MASQ', ['-j MARK --set-xmark 0x4000/0x4000']],
    ['KUBE-NODEPORTS', []],
    [
      'KUBE-POSTROUTING',
      [
        '-m mark ! --mark 0x4000/0x4000 -j RETURN',
        '-j MARK --set-xmark 0x4000/0x0',
        '-m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
      ],
    ],
  ])
}
