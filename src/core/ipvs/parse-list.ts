/**
 * @module core/ipvs/parse-list
 * `ipvsadm -Ln` back to an {@link IpvsState}: the version line and the two title lines (each
 * optional, for pasted excerpts, but exact when present), then service lines
 * (`TCP  10.96.0.1:443 rr (sh-port) persistent 360 mask 255.255.255.0 pe sip ops`,
 * `FWM  5 IPv6 rr`) each followed by its real servers
 * (`  -> 192.168.0.101:6443           Masq    1      0          0`). Trailing blanks are
 * ignored (ipvsadm prints them; copies in documents often lose them).
 */
import { unsupported } from '../errors.js'
import type {
  IpvsDestination,
  IpvsForward,
  IpvsService,
  IpvsServiceKey,
  IpvsState,
} from './model.js'
import {
  endpoint,
  fail,
  type Line,
  netmask,
  PROTOCOL_NAMES,
  schedFlags,
  scheduler,
  uint,
} from './parse-util.js'

const VERSION = /^IP Virtual Server version \d+\.\d+\.\d+ \(size=(\d+)\)$/
const TITLE1 = 'Prot LocalAddress:Port Scheduler Flags'
const TITLE2 = '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'
const FORWARDS: Readonly<Record<string, IpvsForward>> = {
  Masq: 'masq',
  Route: 'route',
  Tunnel: 'tunnel',
}

interface Building {
  key: IpvsServiceKey
  head: Omit<IpvsService, 'key' | 'destinations'>
  dests: IpvsDestination[]
}

function serviceKey(l: Line, words: readonly string[]): [IpvsServiceKey, number] {
  const [w0, w1, w2] = words
  if (w0 === 'FWM') {
    const mark = uint(l, w1, 'firewall mark')
    if (w2 === 'IPv6') return [{ kind: 'fwmark', family: 6, mark }, 3]
    return [{ kind: 'fwmark', family: 4, mark }, 2]
  }
  const protocol = PROTOCOL_NAMES[w0 ?? '']
  if (!protocol)
    throw fail(l, `unknown service protocol "${w0 ?? ''}"`, w0, 'TCP, UDP, SCTP or FWM')
  const e = endpoint(l, w1 ?? '')
  return [{ kind: 'addr', protocol, family: e.family, address: e.address, port: e.port }, 2]
}

/** The words after the scheduler: `(flags)`, `persistent N`, `mask M`, `pe NAME`, `ops`. */
function serviceTail(l: Line, b: Building, rest: readonly string[]): void {
  const head: { -readonly [K in keyof Building['head']]: Building['head'][K] } = b.head
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i] ?? ''
    if (w.startsWith('(') && w.endsWith(')') && i === 0) {
      head.schedFlags = schedFlags(l, head.scheduler, w.slice(1, -1))
    } else if (w === 'persistent' && !head.persistence) {
      head.persistence = { timeout: uint(l, rest[++i], 'persistence timeout') }
    } else if (w === 'mask' && head.persistence) {
      const m = netmask(l, b.key.family, rest[++i] ?? '')
      head.persistence = { ...head.persistence, netmask: m }
    } else if (w === 'pe' && head.persistence && rest[i + 1]) {
      head.persistenceEngine = rest[++i]
    } else if (w === 'ops' && i === rest.length - 1) {
      head.onePacket = true
    } else {
      throw fail(
        l,
        `unexpected "${w}" in a service line`,
        w,
        'ipvsadm prints: SCHED [(flags)] [persistent N [mask M] [pe NAME]] [ops]',
      )
    }
  }
}

function serviceLine(l: Line): Building {
  const words = l.text.trim().split(/ +/)
  const [key, used] = serviceKey(l, words)
  const sched = words[used]
  if (sched === undefined) throw fail(l, 'service line without a scheduler', undefined)
  const b: Building = { key, head: { scheduler: scheduler(l, sched) }, dests: [] }
  serviceTail(l, b, words.slice(used + 1))
  return b
}

function destLine(l: Line, b: Building): IpvsDestination {
  const words = l.text.trim().split(/ +/)
  if (words.length !== 6)
    throw fail(l, 'a real server line has 5 columns after "->"', undefined, TITLE2.trim())
  const [, addr, fwd, weight, active, inact] = words
  const e = endpoint(l, addr ?? '')
  if (e.family !== b.key.family && b.key.kind === 'addr')
    throw fail(l, 'real server of another address family', addr)
  if (fwd === 'Local')
    throw unsupported('the "Local" forwarding method (pre-3.x kernels) is not modelled', {
      line: l.no,
      column: l.text.indexOf(fwd) + 1,
      text: l.text,
    })
  const forward = FORWARDS[fwd ?? '']
  if (!forward)
    throw fail(l, `unknown forwarding method "${fwd ?? ''}"`, fwd, 'Masq, Route or Tunnel')
  if (!/^-?\d+$/.test(weight ?? '')) throw fail(l, `bad weight "${weight ?? ''}"`, weight)
  return {
    address: e.address,
    port: e.port,
    weight: Number(weight),
    forward,
    activeConns: uint(l, active, 'ActiveConn'),
    inactConns: uint(l, inact, 'InActConn'),
  }
}

/**
 * Parse `ipvsadm -Ln` output. Services and real servers keep the listed order.
 *
 * @example
 * parseIpvsList('TCP  10.96.0.1:443 rr\n  -> 192.168.0.101:6443           Masq    1      0          0\n')
 */
export function parseIpvsList(text: string): IpvsState {
  const built: Building[] = []
  let tableSize: number | undefined
  const lines = text.split('\n')
  lines.forEach((raw, i) => {
    const l: Line = { no: i + 1, text: raw }
    const t = raw.trimEnd()
    if (t === '') {
      if (i !== lines.length - 1) throw fail(l, 'empty line inside an ipvsadm listing')
      return
    }
    const v = VERSION.exec(t)
    if (v && i === 0) tableSize = Number(v[1])
    else if ((t === TITLE1 || t === TITLE2) && built.length === 0) return
    else if (t.startsWith('  -> ')) {
      const b = built[built.length - 1]
      if (!b) throw fail(l, 'a real server before any service', '->')
      b.dests.push(destLine(l, b))
    } else if (/^[A-Z]/.test(t)) built.push(serviceLine(l))
    else
      throw fail(
        l,
        'not an ipvsadm -Ln line',
        undefined,
        'expected a service line or "  -> " real server line',
      )
  })
  const services = built.map((b): IpvsService => ({ key: b.key, ...b.head, destinations: b.dests }))
  return { services, connections: [], ...(tableSize === undefined ? {} : { tableSize }) }
}
