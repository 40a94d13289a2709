/**
 * @module core/conntrack
 * Conntrack and NAT as the kernel does them, for one namespace: the connection table, the
 * protocol trackers, NAT bindings, and `conntrack -L` listings.
 */
export type { ConntrackConfig, ResolvedConfig } from './config.js'
export { configFromSysctls, resolveConfig } from './config.js'
export type { Conn, ConnStatus, CtDir, CtInfo } from './conn.js'
export { cloneConn, connToEntry, entryToConn, newConn, otherDir, tupleOf } from './conn.js'
export { classifyIcmp, isIcmpError } from './icmp-error.js'
export { ntop6 } from './list-format.js'
export type { ParseConntrackOptions } from './list-parse.js'
export { parseConntrackList } from './list-parse.js'
export type { PrintConntrackOptions } from './list-print.js'
export { printConntrackEntry, printConntrackList, printConntrackSummary } from './list-print.js'
export type {
  ConntrackEntry,
  CtCounters,
  CtStatus,
  DccpCtState,
  SctpCtState,
  TcpCtState,
  Tuple,
} from './model.js'
export type { Manip, NatRange } from './nat.js'
export { bindNat, natPacket, nullBinding } from './nat.js'
export type { SctpTableState, SctpTransition } from './sctp-state.js'
export {
  nextSctpState,
  SCTP_STATE_ORDER,
  sctpCanStart,
  sctpChunksValid,
} from './sctp-state.js'
export type { LookupOptions, LookupResult } from './table.js'
export { ConntrackTable } from './table.js'
export type { TcpFlagIndex, TcpTransition } from './tcp-state.js'
export {
  newTcpState,
  nextTcpState,
  TCP_STATE_ORDER,
  tcpFlagIndex,
  tcpFlagsValid,
} from './tcp-state.js'
export type { ConntrackTimeouts } from './timeouts.js'
export {
  DEFAULT_TIMEOUTS,
  sctpStateTimeout,
  TIMEOUT_SYSCTLS,
  tcpStateTimeout,
  timeoutsFromSysctls,
} from './timeouts.js'
export { invertTuple, tupleEquals, tupleFromPacket } from './tuple.js'
