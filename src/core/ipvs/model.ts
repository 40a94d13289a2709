/**
 * @module core/ipvs/model
 * The IPVS state of one namespace (`ipvsadm -Sn` / `-Ln` / `-Lnc`), part of the kernel-state
 * contract ({@link NetnsState.ipvs}). Plain data like the rest of the contract.
 *
 * IPVS's own sysctls (`net.ipv4.vs.conntrack`, `net.ipv4.vs.expire_nodest_conn`,
 * `net.ipv4.vs.conn_reuse_mode`) live with every other sysctl in {@link NetnsState.sysctls}.
 *
 * Facts: ip_vs_ctl.c (service and destination keys, flags), ipvsadm 1.31 (the text forms).
 */

/** Schedulers the kernel ships (ip_vs_*.c); kube-proxy's default is rr. */
export type IpvsScheduler =
  | 'rr'
  | 'wrr'
  | 'lc'
  | 'wlc'
  | 'lblc'
  | 'lblcr'
  | 'dh'
  | 'sh'
  | 'sed'
  | 'nq'
  | 'fo'
  | 'ovf'
  | 'mh'
  | 'twos'

/** Every {@link IpvsScheduler}, for the parsers and option checks that validate a name. */
export const IPVS_SCHEDULERS: readonly IpvsScheduler[] = [
  'rr',
  'wrr',
  'lc',
  'wlc',
  'lblc',
  'lblcr',
  'dh',
  'sh',
  'sed',
  'nq',
  'fo',
  'ovf',
  'mh',
  'twos',
]

/**
 * Scheduler flags (`-b sh-fallback,sh-port`, `mh-fallback,mh-port`). The three flag bits are
 * shared by every scheduler; ipvsadm names them `flag-1..3` for schedulers other than sh and mh.
 */
export type IpvsSchedFlag =
  | 'sh-fallback'
  | 'sh-port'
  | 'mh-fallback'
  | 'mh-port'
  | 'flag-1'
  | 'flag-2'
  | 'flag-3'

export type IpvsProtocol = 'tcp' | 'udp' | 'sctp'

/** How a virtual service is keyed: protocol + address + port, or a firewall mark. */
export type IpvsServiceKey =
  | {
      readonly kind: 'addr'
      readonly protocol: IpvsProtocol
      readonly family: 4 | 6
      readonly address: string
      readonly port: number
    }
  | { readonly kind: 'fwmark'; readonly family: 4 | 6; readonly mark: number }

/** Forwarding method of a real server: `-m` masq (NAT), `-g` route (DR), `-i` tunnel. */
export type IpvsForward = 'masq' | 'route' | 'tunnel'

export interface IpvsDestination {
  readonly address: string
  readonly port: number
  /** 0 = quiesced (draining): no new connections (graceful termination). */
  readonly weight: number
  readonly forward: IpvsForward
  /** Connection thresholds (`-x` upper, `-y` lower); 0 = none. */
  readonly upperThreshold?: number
  readonly lowerThreshold?: number
  /** Tunnel encapsulation for `-i` (ipip default; gue/gre with ports and flags). */
  readonly tunnel?: {
    readonly type: 'ipip' | 'gue' | 'gre'
    readonly port?: number
    /** `--tun-nocsum` (default), `--tun-csum`, `--tun-remcsum` for gue/gre. */
    readonly csum?: 'nocsum' | 'csum' | 'remcsum'
  }
  /**
   * The kernel's per-destination counters as `ipvsadm -Ln` lists them (ActiveConn, InActConn,
   * and PersistConn with `--persistent-conn`); absent = 0. The schedulers lc/wlc/sed/nq read them.
   */
  readonly activeConns?: number
  readonly inactConns?: number
  readonly persistConns?: number
}

export interface IpvsService {
  readonly key: IpvsServiceKey
  readonly scheduler: IpvsScheduler
  readonly schedFlags?: readonly IpvsSchedFlag[]
  /** `-p TIMEOUT [-M NETMASK]`: persistent service. */
  readonly persistence?: { readonly timeout: number; readonly netmask?: string }
  /** `--pe NAME`: a persistence engine (the kernel ships `sip`). */
  readonly persistenceEngine?: string
  /** `-o` / `ops`: one-packet scheduling (UDP). */
  readonly onePacket?: boolean
  /**
   * In the kernel's list order (ip_vs_ctl.c links a new destination at the head of the list).
   * `ipvsadm -L`/`-S` print them sorted by address and port unless `--nosort`, so a state
   * parsed from a listing holds them in that sorted order.
   */
  readonly destinations: readonly IpvsDestination[]
}

/** A connection in IPVS's own table (`ipvsadm -Lnc`), separate from conntrack. */
export interface IpvsConnection {
  readonly protocol: IpvsProtocol
  readonly client: { readonly address: string; readonly port: number }
  readonly virtual: { readonly address: string; readonly port: number }
  readonly destination: { readonly address: string; readonly port: number }
  /** TCP state as ip_vs_proto_tcp names it (ESTABLISHED, SYN_RECV, TIME_WAIT, …); UDP shows UDP. */
  readonly state: string
  /** Seconds left. */
  readonly expires: number
  readonly forward: IpvsForward
}

export interface IpvsState {
  readonly services: readonly IpvsService[]
  readonly connections: readonly IpvsConnection[]
  /** The connection hash table size `ipvsadm -L` prints (`size=4096`, CONFIG_IP_VS_TAB_BITS=12). */
  readonly tableSize?: number
}

export function emptyIpvs(): IpvsState {
  return { services: [], connections: [] }
}
