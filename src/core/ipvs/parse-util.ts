/**
 * @module core/ipvs/parse-util
 * Shared pieces of the ipvsadm text parsers: located errors, endpoints and service keys, and
 * the scheduler and flag names ipvsadm 1.31 accepts.
 */
import { parseError } from '../errors.js'
import { parseIPv4, v4MaskLen } from '../net/ip.js'
import {
  IPVS_SCHEDULERS,
  type IpvsProtocol,
  type IpvsSchedFlag,
  type IpvsScheduler,
} from './model.js'
import { parseIpvsEndpoint } from './order.js'

/** One line being parsed: its number and text, for located errors. */
export interface Line {
  readonly no: number
  readonly text: string
}

/** A located KPATH_PARSE error pointing at `token` (or the line start). */
export function fail(l: Line, message: string, token?: string, hint?: string) {
  const at = token === undefined ? -1 : l.text.indexOf(token)
  return parseError(message, l.no, at < 0 ? 1 : at + 1, l.text, hint)
}

export function scheduler(l: Line, text: string): IpvsScheduler {
  const s = IPVS_SCHEDULERS.find((x) => x === text)
  if (!s)
    throw fail(l, `unknown IPVS scheduler "${text}"`, text, `one of ${IPVS_SCHEDULERS.join(' ')}`)
  return s
}

/** `-b` flags as parse_sched_flags takes them: comma separated, valid for the scheduler. */
export function schedFlags(l: Line, sched: IpvsScheduler, text: string): IpvsSchedFlag[] {
  const ok: readonly string[] =
    sched === 'sh'
      ? ['sh-fallback', 'sh-port', 'flag-3']
      : sched === 'mh'
        ? ['mh-fallback', 'mh-port', 'flag-3']
        : ['flag-1', 'flag-2', 'flag-3']
  return text.split(',').map((f) => {
    if (!ok.includes(f))
      throw fail(l, `scheduler flag "${f}" is not valid for ${sched}`, f, ok.join(', '))
    return f as IpvsSchedFlag
  })
}

/** A numeric `addr:port` / `[v6]:port`; a name (not listed with -n) is refused with a hint. */
export function endpoint(l: Line, text: string) {
  const e = parseIpvsEndpoint(text)
  if (!e)
    throw fail(
      l,
      `"${text}" is not a numeric address:port`,
      text,
      'kpath reads numeric listings only: run ipvsadm with -n (ipvsadm -Ln / -Sn / -Lnc)',
    )
  return e
}

export function uint(l: Line, text: string | undefined, what: string, max = 2 ** 32 - 1): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) > max)
    throw fail(l, `bad ${what} "${text ?? ''}"`, text, `a number from 0 to ${max}`)
  return Number(text)
}

/** The persistence netmask: a dotted IPv4 mask, or an IPv6 prefix length. */
export function netmask(l: Line, family: 4 | 6, text: string): string {
  if (family === 6) return String(uint(l, text, 'IPv6 persistence prefix length', 128))
  const v = parseIPv4(text)
  if (v === undefined || v4MaskLen(v) === undefined)
    throw fail(l, `bad persistence netmask "${text}"`, text, 'a contiguous mask like 255.255.255.0')
  return text
}

export const PROTOCOL_NAMES: Readonly<Record<string, IpvsProtocol>> = {
  TCP: 'tcp',
  UDP: 'udp',
  SCTP: 'sctp',
}
