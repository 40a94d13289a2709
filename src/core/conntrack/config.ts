/**
 * @module core/conntrack/config
 * How one namespace's conntrack is tuned: timeouts and the TCP tracker switches, as data or
 * read from the namespace's `net.netfilter.*` sysctls.
 */
import {
  type ConntrackTimeouts,
  DEFAULT_TIMEOUTS,
  sysctlCount,
  sysctlFlag,
  TCP_BE_LIBERAL_SYSCTL,
  TCP_IGNORE_INVALID_RST_SYSCTL,
  TCP_LOOSE_SYSCTL,
  TCP_MAX_RETRANS_SYSCTL,
  timeoutsFromSysctls,
} from './timeouts.js'

export interface ConntrackConfig {
  /** Overrides of the kernel 6.x defaults ({@link DEFAULT_TIMEOUTS}), in seconds. */
  readonly timeouts?: Partial<ConntrackTimeouts>
  /** net.netfilter.nf_conntrack_tcp_loose (default on): pick up connections from an ACK. */
  readonly tcpLoose?: boolean
  /**
   * net.netfilter.nf_conntrack_tcp_be_liberal (default off): segments outside the TCP window
   * are accepted instead of INVALID (tcp-window.ts; packets with sequence numbers only).
   */
  readonly tcpBeLiberal?: boolean
  /** net.netfilter.nf_conntrack_tcp_ignore_invalid_rst (default off): no RST sequence check. */
  readonly tcpIgnoreInvalidRst?: boolean
  /** net.netfilter.nf_conntrack_tcp_max_retrans (default 3). */
  readonly tcpMaxRetrans?: number
}

/** The settings with every default filled in. */
export interface ResolvedConfig {
  readonly timeouts: ConntrackTimeouts
  readonly tcpLoose: boolean
  readonly tcpBeLiberal: boolean
  readonly tcpIgnoreInvalidRst: boolean
  readonly tcpMaxRetrans: number
}

export function resolveConfig(config: ConntrackConfig = {}): ResolvedConfig {
  return {
    timeouts: { ...DEFAULT_TIMEOUTS, ...config.timeouts },
    tcpLoose: config.tcpLoose ?? true,
    tcpBeLiberal: config.tcpBeLiberal ?? false,
    tcpIgnoreInvalidRst: config.tcpIgnoreInvalidRst ?? false,
    tcpMaxRetrans: config.tcpMaxRetrans ?? 3,
  }
}

/**
 * The conntrack settings a namespace's sysctls (NetnsState.sysctls) describe.
 *
 * @example
 * configFromSysctls({ 'net.netfilter.nf_conntrack_tcp_loose': '0' }).tcpLoose // false
 */
export function configFromSysctls(sysctls: Readonly<Record<string, string>>): ConntrackConfig {
  return {
    timeouts: timeoutsFromSysctls(sysctls),
    tcpLoose: sysctlFlag(sysctls, TCP_LOOSE_SYSCTL, true),
    tcpBeLiberal: sysctlFlag(sysctls, TCP_BE_LIBERAL_SYSCTL, false),
    tcpIgnoreInvalidRst: sysctlFlag(sysctls, TCP_IGNORE_INVALID_RST_SYSCTL, false),
    tcpMaxRetrans: sysctlCount(sysctls, TCP_MAX_RETRANS_SYSCTL, 3),
  }
}
