/**
 * @module core/conntrack/timeouts
 * Conntrack timeouts as data: the kernel 6.x defaults (checked against a real 6.18 kernel, see
 * testdata/sysctls.txt) and the `net.netfilter.*` sysctl that tunes each one, so a namespace's
 * sysctls can override them. All values are in seconds.
 */
import { KpathError } from '../errors.js'
import type { SctpCtState, TcpCtState } from './model.js'

export interface ConntrackTimeouts {
  readonly tcpSynSent: number
  readonly tcpSynRecv: number
  readonly tcpEstablished: number
  readonly tcpFinWait: number
  readonly tcpCloseWait: number
  readonly tcpLastAck: number
  readonly tcpTimeWait: number
  readonly tcpClose: number
  /** SYN_SENT2 (simultaneous open) has its own slot in the kernel but no sysctl. */
  readonly tcpSynSent2: number
  /** Used instead of a longer state timeout while sent data is not yet acknowledged. */
  readonly tcpUnacknowledged: number
  /** Used after `nf_conntrack_tcp_max_retrans` retransmissions. */
  readonly tcpMaxRetrans: number
  readonly udp: number
  /** UDP after traffic in both directions lasting more than 2 seconds (a "stream"). */
  readonly udpStream: number
  readonly icmp: number
  readonly icmpv6: number
  readonly gre: number
  readonly greStream: number
  /** SCTP, one per state of the kernel's table (NONE uses the CLOSED value). */
  readonly sctpClosed: number
  readonly sctpCookieWait: number
  readonly sctpCookieEchoed: number
  readonly sctpEstablished: number
  readonly sctpShutdownSent: number
  readonly sctpShutdownRecd: number
  readonly sctpShutdownAckSent: number
  readonly sctpHeartbeatSent: number
  /** Protocols without a tracker of their own (nf_conntrack_generic). */
  readonly generic: number
}

/** Kernel 6.x defaults (net/netfilter/nf_conntrack_proto_*.c). */
export const DEFAULT_TIMEOUTS: ConntrackTimeouts = {
  tcpSynSent: 120,
  tcpSynRecv: 60,
  tcpEstablished: 432000,
  tcpFinWait: 120,
  tcpCloseWait: 60,
  tcpLastAck: 30,
  tcpTimeWait: 120,
  tcpClose: 10,
  tcpSynSent2: 120,
  tcpUnacknowledged: 300,
  tcpMaxRetrans: 300,
  udp: 30,
  udpStream: 120,
  icmp: 30,
  icmpv6: 30,
  gre: 30,
  greStream: 180,
  sctpClosed: 10,
  sctpCookieWait: 3,
  sctpCookieEchoed: 3,
  sctpEstablished: 210,
  sctpShutdownSent: 3,
  sctpShutdownRecd: 3,
  sctpShutdownAckSent: 3,
  sctpHeartbeatSent: 30,
  generic: 600,
}

/** The sysctl behind each timeout; `undefined` where the kernel has none. */
export const TIMEOUT_SYSCTLS: Readonly<Record<keyof ConntrackTimeouts, string | undefined>> = {
  tcpSynSent: 'net.netfilter.nf_conntrack_tcp_timeout_syn_sent',
  tcpSynRecv: 'net.netfilter.nf_conntrack_tcp_timeout_syn_recv',
  tcpEstablished: 'net.netfilter.nf_conntrack_tcp_timeout_established',
  tcpFinWait: 'net.netfilter.nf_conntrack_tcp_timeout_fin_wait',
  tcpCloseWait: 'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
  tcpLastAck: 'net.netfilter.nf_conntrack_tcp_timeout_last_ack',
  tcpTimeWait: 'net.netfilter.nf_conntrack_tcp_timeout_time_wait',
  tcpClose: 'net.netfilter.nf_conntrack_tcp_timeout_close',
  tcpSynSent2: undefined,
  tcpUnacknowledged: 'net.netfilter.nf_conntrack_tcp_timeout_unacknowledged',
  tcpMaxRetrans: 'net.netfilter.nf_conntrack_tcp_timeout_max_retrans',
  udp: 'net.netfilter.nf_conntrack_udp_timeout',
  udpStream: 'net.netfilter.nf_conntrack_udp_timeout_stream',
  icmp: 'net.netfilter.nf_conntrack_icmp_timeout',
  icmpv6: 'net.netfilter.nf_conntrack_icmpv6_timeout',
  gre: 'net.netfilter.nf_conntrack_gre_timeout',
  greStream: 'net.netfilter.nf_conntrack_gre_timeout_stream',
  sctpClosed: 'net.netfilter.nf_conntrack_sctp_timeout_closed',
  sctpCookieWait: 'net.netfilter.nf_conntrack_sctp_timeout_cookie_wait',
  sctpCookieEchoed: 'net.netfilter.nf_conntrack_sctp_timeout_cookie_echoed',
  sctpEstablished: 'net.netfilter.nf_conntrack_sctp_timeout_established',
  sctpShutdownSent: 'net.netfilter.nf_conntrack_sctp_timeout_shutdown_sent',
  sctpShutdownRecd: 'net.netfilter.nf_conntrack_sctp_timeout_shutdown_recd',
  sctpShutdownAckSent: 'net.netfilter.nf_conntrack_sctp_timeout_shutdown_ack_sent',
  sctpHeartbeatSent: 'net.netfilter.nf_conntrack_sctp_timeout_heartbeat_sent',
  generic: 'net.netfilter.nf_conntrack_generic_timeout',
}

/** The TCP sysctls that are switches rather than timeouts. */
export const TCP_LOOSE_SYSCTL = 'net.netfilter.nf_conntrack_tcp_loose'
export const TCP_BE_LIBERAL_SYSCTL = 'net.netfilter.nf_conntrack_tcp_be_liberal'
export const TCP_IGNORE_INVALID_RST_SYSCTL = 'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst'
/** Not a switch but a count: identical ACKs before the max_retrans timeout applies (default 3). */
export const TCP_MAX_RETRANS_SYSCTL = 'net.netfilter.nf_conntrack_tcp_max_retrans'

/** The timeout a TCP state is refreshed to (the kernel's `timeouts[new_state]`). */
export function tcpStateTimeout(t: ConntrackTimeouts, state: TcpCtState): number {
  switch (state) {
    case 'SYN_SENT':
      return t.tcpSynSent
    case 'SYN_RECV':
      return t.tcpSynRecv
    case 'ESTABLISHED':
      return t.tcpEstablished
    case 'FIN_WAIT':
      return t.tcpFinWait
    case 'CLOSE_WAIT':
      return t.tcpCloseWait
    case 'LAST_ACK':
      return t.tcpLastAck
    case 'TIME_WAIT':
      return t.tcpTimeWait
    case 'CLOSE':
      return t.tcpClose
    case 'SYN_SENT2':
      return t.tcpSynSent2
    case 'NONE':
      // The kernel's slot for NONE is 0: a connection never rests in NONE.
      return 0
  }
}

/**
 * The timeout an SCTP state is refreshed to (the kernel's `timeouts[new_state]`). NONE has
 * the CLOSED value: nf_conntrack_sctp_init_net copies it into slot 0 as the "new" timeout.
 * HEARTBEAT_ACKED has no slot since kernel 6.3; it is read as ESTABLISHED (see sctp-state.ts).
 */
export function sctpStateTimeout(t: ConntrackTimeouts, state: SctpCtState): number {
  switch (state) {
    case 'NONE':
    case 'CLOSED':
      return t.sctpClosed
    case 'COOKIE_WAIT':
      return t.sctpCookieWait
    case 'COOKIE_ECHOED':
      return t.sctpCookieEchoed
    case 'ESTABLISHED':
    case 'HEARTBEAT_ACKED':
      return t.sctpEstablished
    case 'SHUTDOWN_SENT':
      return t.sctpShutdownSent
    case 'SHUTDOWN_RECD':
      return t.sctpShutdownRecd
    case 'SHUTDOWN_ACK_SENT':
      return t.sctpShutdownAckSent
    case 'HEARTBEAT_SENT':
      return t.sctpHeartbeatSent
  }
}

/** Parse one sysctl value the way the kernel's proc_dointvec does: a decimal integer. */
function sysctlInt(name: string, value: string): number {
  const text = value.trim()
  if (!/^[0-9]{1,10}$/.test(text) || Number(text) > 0x7fffffff) {
    throw new KpathError('KPATH_INVALID_ARGUMENT', `sysctl ${name} = "${value}" is not a number`, {
      hint: 'conntrack sysctls take a non-negative decimal integer',
    })
  }
  return Number(text)
}

/**
 * The timeouts a namespace uses: defaults overridden by whatever `net.netfilter.*` sysctls it
 * sets. Unknown sysctls are not conntrack timeouts and are left alone.
 *
 * @example
 * timeoutsFromSysctls({ 'net.netfilter.nf_conntrack_udp_timeout': '60' }).udp // 60
 */
export function timeoutsFromSysctls(sysctls: Readonly<Record<string, string>>): ConntrackTimeouts {
  const out: { -readonly [K in keyof ConntrackTimeouts]: number } = { ...DEFAULT_TIMEOUTS }
  for (const key of Object.keys(TIMEOUT_SYSCTLS) as (keyof ConntrackTimeouts)[]) {
    const name = TIMEOUT_SYSCTLS[key]
    const value = name === undefined ? undefined : sysctls[name]
    if (name !== undefined && value !== undefined) out[key] = sysctlInt(name, value)
  }
  return out
}

/** An integer conntrack sysctl, or `fallback` when the namespace does not set it. */
export function sysctlCount(
  sysctls: Readonly<Record<string, string>>,
  name: string,
  fallback: number,
): number {
  const value = sysctls[name]
  return value === undefined ? fallback : sysctlInt(name, value)
}

/** A boolean conntrack sysctl (`tcp_loose`, `tcp_be_liberal`): any non-zero value is on. */
export function sysctlFlag(
  sysctls: Readonly<Record<string, string>>,
  name: string,
  fallback: boolean,
): boolean {
  const value = sysctls[name]
  return value === undefined ? fallback : sysctlInt(name, value) !== 0
}
