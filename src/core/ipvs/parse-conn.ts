/**
 * @module core/ipvs/parse-conn
 * `ipvsadm -Lnc` back to {@link IpvsConnection}s: the two header lines, then
 * `PRO MM:SS STATE CLIENT VIRTUAL DESTINATION` (print_conn). The listing does not show the
 * forwarding method; connections take `masq` unless the caller says otherwise.
 */
import type { IpvsConnection, IpvsForward, IpvsProtocol } from './model.js'
import { endpoint, fail, type Line, PROTOCOL_NAMES } from './parse-util.js'
import { IPVS_TCP_STATES } from './tcp-state.js'

const HEAD1 = 'IPVS connection entries'
const HEAD2 = /^pro expire state +source +virtual +destination$/

/** The state names of ip_vs_proto_tcp.c / _udp.c / _sctp.c as /proc/net/ip_vs_conn shows them. */
const STATES = new Set<string>([
  ...IPVS_TCP_STATES,
  'UDP',
  'ICMP',
  'INIT1',
  'INIT',
  'COOKIE_SENT',
  'COOKIE_REPLIED',
  'COOKIE_WAIT',
  'COOKIE_ECHOED',
  'SHUTDOWN_SENT',
  'SHUTDOWN_RECEIVED',
  'SHUTDOWN_ACK_SENT',
  'REJECTED',
  'CLOSED',
])

function connLine(l: Line, forward: IpvsForward): IpvsConnection {
  const w = l.text.trim().split(/ +/)
  if (w.length !== 6)
    throw fail(
      l,
      'a connection line has 6 columns',
      undefined,
      'pro expire state source virtual destination',
    )
  const [pro, exp, state, c, v, d] = w as [string, string, string, string, string, string]
  const protocol: IpvsProtocol | undefined = PROTOCOL_NAMES[pro]
  if (!protocol) throw fail(l, `unknown protocol "${pro}"`, pro, 'TCP, UDP or SCTP')
  const m = /^(\d+):([0-5]\d)$/.exec(exp)
  if (!m) throw fail(l, `bad expire time "${exp}"`, exp, 'MM:SS')
  if (!STATES.has(state)) throw fail(l, `unknown IPVS connection state "${state}"`, state)
  const ce = endpoint(l, c)
  const ve = endpoint(l, v)
  const de = endpoint(l, d)
  return {
    protocol,
    client: { address: ce.address, port: ce.port },
    virtual: { address: ve.address, port: ve.port },
    destination: { address: de.address, port: de.port },
    state,
    expires: Number(m[1]) * 60 + Number(m[2]),
    forward,
  }
}

/** Parse `ipvsadm -Lnc` output. */
export function parseIpvsConnections(
  text: string,
  forward: IpvsForward = 'masq',
): IpvsConnection[] {
  const out: IpvsConnection[] = []
  const lines = text.split('\n')
  lines.forEach((raw, i) => {
    const l: Line = { no: i + 1, text: raw }
    const t = raw.trimEnd()
    if (t === '') {
      if (i !== lines.length - 1) throw fail(l, 'empty line inside ipvsadm -Lnc output')
      return
    }
    if (i === 0 && t === HEAD1) return
    if (i <= 1 && HEAD2.test(t)) return
    out.push(connLine(l, forward))
  })
  return out
}
