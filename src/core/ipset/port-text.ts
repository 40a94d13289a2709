/**
 * @module core/ipset/port-text
 * The port part of an element, `[proto:]port[-port]`, as ipset 7.17 reads it:
 *
 * - no protocol means tcp; a protocol is a name or alias from /etc/protocols, `icmpv6`, or a
 *   number 1..255 (0 is refused);
 * - tcp, udp, sctp and udplite take a port, a range `a-b`, or a service name (`http`,
 *   `[ftp-data]` — brackets let a name contain a dash);
 * - icmp (inet sets only) and ipv6-icmp (inet6 only) take `type/code` or a name;
 * - every other protocol takes only the pseudo port 0 (`gre:0`).
 */
import type { PortPart } from './element.js'
import { ICMP_NAMES, ICMPV6_NAMES, lookupIcmpName } from './icmp.js'
import { LineError } from './line-error.js'
import { numberMessage, parseBounded, U16_MAX } from './numbers.js'
import {
  hasPortNumbers,
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_TCP,
  protocolName,
  protocolNumber,
  servicePort,
} from './protocols.js'

function parseProto(text: string, column: number): number {
  const named = protocolNumber(text)
  if (named !== undefined) return named
  const r = parseBounded(text, 255n)
  if (!('value' in r)) {
    throw new LineError(
      `unknown protocol "${text}"`,
      column,
      'use a name from /etc/protocols or a number 1-255',
    )
  }
  return Number(r.value)
}

/** One port: a number, a bracketed name, or a plain name, looked up for `protoName`. */
export function parseOnePort(text: string, protoName: string, column: number): number {
  const name = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : undefined
  const r = name === undefined ? parseBounded(text, U16_MAX) : undefined
  if (r && 'value' in r) return Number(r.value)
  const service = name ?? text
  if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(service)) {
    throw new LineError(r ? numberMessage(text, r) : `cannot parse "${text}" as a port`, column)
  }
  const port = servicePort(service, protoName)
  if (port === 'unknown') {
    throw new LineError(
      `service name "${service}" is not in kpath's table`,
      column,
      'ipset would look it up in /etc/services; write the port number instead',
      true,
    )
  }
  if (port === 'wrong-proto')
    throw new LineError(`cannot parse "${service}" as a ${protoName} port`, column)
  return port
}

/** `a`, `a-b` (either order) or a name: the inclusive range of ports. */
export function parsePortRange(
  text: string,
  protoName: string,
  column: number,
  ranges: boolean,
): [number, number] {
  const bracketed =
    text.startsWith('[') && text.endsWith(']') && text.indexOf(']') === text.length - 1
  const dash = bracketed ? -1 : text.indexOf('-')
  if (dash < 0) {
    const p = parseOnePort(text, protoName, column)
    return [p, p]
  }
  if (!ranges) throw new LineError(`a port range is not a single element: "${text}"`, column)
  const a = parseOnePort(text.slice(0, dash), protoName, column)
  const b = parseOnePort(text.slice(dash + 1), protoName, column + dash + 1)
  return a <= b ? [a, b] : [b, a]
}

function parseIcmp(rest: string, proto: number, column: number): number {
  const table = proto === PROTO_ICMP ? ICMP_NAMES : ICMPV6_NAMES
  const label = proto === PROTO_ICMP ? 'ICMP' : 'ICMPv6'
  const m = /^([^/]+)\/([^/]+)$/.exec(rest)
  if (m) {
    const t = parseBounded(m[1] ?? '', 255n)
    const c = parseBounded(m[2] ?? '', 255n)
    if (!('value' in t)) throw new LineError(numberMessage(m[1] ?? '', t), column)
    if (!('value' in c)) throw new LineError(numberMessage(m[2] ?? '', c), column)
    return (Number(t.value) << 8) | Number(c.value)
  }
  const named = lookupIcmpName(table, rest)
  if (!named) {
    throw new LineError(
      `cannot parse "${rest}" as an ${label} type/code`,
      column,
      'write TYPE/CODE, e.g. 8/0',
    )
  }
  return (named.type << 8) | named.code
}

/** All port parts `text` stands for (a range gives one per port). */
export function parsePortPart(
  text: string,
  family: 4 | 6,
  column: number,
  ranges: boolean,
): PortPart[] {
  const colon = text.startsWith('[') ? -1 : text.indexOf(':')
  const proto = colon < 0 ? PROTO_TCP : parseProto(text.slice(0, colon), column)
  const rest = colon < 0 ? text : text.slice(colon + 1)
  const restCol = colon < 0 ? column : column + colon + 1
  if (proto === 0) throw new LineError('protocol 0 is not allowed in an element', column)
  if (rest === '') throw new LineError(`missing port after "${text}"`, column)
  if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) {
    if ((proto === PROTO_ICMP) !== (family === 4)) {
      const want = proto === PROTO_ICMP ? 'inet' : 'inet6'
      throw new LineError(
        `protocol ${protocolName(proto)} can be used with family ${want} only`,
        column,
      )
    }
    return [{ kind: 'port', proto, port: parseIcmp(rest, proto, restCol) }]
  }
  if (!hasPortNumbers(proto)) {
    const r = parseBounded(rest, U16_MAX)
    if (!('value' in r) || r.value !== 0n) {
      const name = protocolName(proto) ?? String(proto)
      throw new LineError(`protocol ${name} can be used with pseudo port value 0 only`, restCol)
    }
    return [{ kind: 'port', proto, port: 0 }]
  }
  const [from, to] = parsePortRange(rest, protocolName(proto) ?? String(proto), restCol, ranges)
  const out: PortPart[] = []
  for (let p = from; p <= to; p++) out.push({ kind: 'port', proto, port: p })
  return out
}
