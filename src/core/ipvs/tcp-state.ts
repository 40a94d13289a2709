/**
 * @module core/ipvs/tcp-state
 * IPVS's own TCP state machine for its connections (ip_vs_proto_tcp.c: tcp_states,
 * tcp_state_idx, set_tcp_state, tcp_timeouts), separate from conntrack's. A connection is
 * "inactive" (InActConn) unless ESTABLISHED; UDP connections are always inactive
 * (__ip_vs_update_dest gives every new connection IP_VS_CONN_F_INACTIVE; only the TCP and SCTP
 * trackers clear it).
 */
import type { TcpFlag } from '../model/packet.js'

/** tcp_state_name_table, in the kernel's index order (the columns of INPUT and OUTPUT). */
export const IPVS_TCP_STATES = [
  'NONE',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'SYNACK',
] as const
export type IpvsTcpState = (typeof IPVS_TCP_STATES)[number]

const S = IPVS_TCP_STATES
const [NO, ES, SS, SR, FW, TW, CL, CW, LA, LI] = S

/** tcp_states[]: rows syn, fin, ack, rst; columns the current state in the order of S. */
const INPUT: readonly (readonly IpvsTcpState[])[] = [
  [SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR],
  [CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW],
  [CL, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES],
  [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR],
]
const OUTPUT: readonly (readonly IpvsTcpState[])[] = [
  [SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR],
  [TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW],
  [ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES],
  [CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL],
]

/** tcp_timeouts[] in seconds. */
export const IPVS_TCP_TIMEOUTS: Readonly<Record<IpvsTcpState, number>> = {
  NONE: 2,
  ESTABLISHED: 15 * 60,
  SYN_SENT: 2 * 60,
  SYN_RECV: 60,
  FIN_WAIT: 2 * 60,
  TIME_WAIT: 2 * 60,
  CLOSE: 10,
  CLOSE_WAIT: 60,
  LAST_ACK: 30,
  LISTEN: 2 * 60,
  SYNACK: 2 * 60,
}

/** udp_timeouts[IP_VS_UDP_S_NORMAL]. */
export const IPVS_UDP_TIMEOUT = 5 * 60

/** tcp_state_idx: rst, then syn, then fin, then ack; -1 for none of them. */
function row(flags: readonly TcpFlag[]): number {
  if (flags.includes('RST')) return 3
  if (flags.includes('SYN')) return 0
  if (flags.includes('FIN')) return 1
  if (flags.includes('ACK')) return 2
  return -1
}

/** The next state for a segment with `flags` going `dir` (input: client → server). */
export function nextIpvsTcpState(
  state: string,
  dir: 'input' | 'output',
  flags: readonly TcpFlag[],
): IpvsTcpState {
  const col = S.indexOf(state as IpvsTcpState)
  const r = row(flags)
  if (col < 0 || r < 0) return col < 0 ? NO : (S[col] as IpvsTcpState)
  return ((dir === 'input' ? INPUT : OUTPUT)[r]?.[col] ?? NO) as IpvsTcpState
}
