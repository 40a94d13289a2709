/**
 * @module core/ipvs/print
 * `ipvsadm -Sn` (save), `ipvsadm -Ln` (list, and its `--stats` / `--rate` forms) and
 * `ipvsadm -Lnc` (connections), byte for byte as ipvsadm 1.31 prints them (ipvsadm.c
 * print_title, print_service_entry, print_conn, list_all, list_conn). Counters kpath does not
 * keep (packets, bytes, rates) print as 0.
 */
import type {
  IpvsConnection,
  IpvsDestination,
  IpvsForward,
  IpvsService,
  IpvsState,
} from './model.js'
import { compareDests, compareServices, ipvsEndpoint, ipvsSort } from './order.js'

export type IpvsListFormat = 'plain' | 'stats' | 'rate'

/** fwd_name() and fwd_switch() of ipvsadm.c. */
export const FORWARD_NAME: Readonly<Record<IpvsForward, string>> = {
  masq: 'Masq',
  route: 'Route',
  tunnel: 'Tunnel',
}
export const FORWARD_SWITCH: Readonly<Record<IpvsForward, string>> = {
  masq: '-m',
  route: '-g',
  tunnel: '-i',
}

const pad = (s: string | number, n: number) => String(s).padEnd(n)
const rpad = (s: string | number, n: number) => String(s).padStart(n)

/** The service as the list names it: `TCP  10.96.0.1:443` (`%-4s %s`, cut at 33), `FWM  5`. */
function listName(svc: IpvsService): string {
  const k = svc.key
  if (k.kind === 'fwmark') return `FWM  ${k.mark}${k.family === 6 ? ' IPv6' : ''}`
  const name = `${pad(k.protocol.toUpperCase(), 4)} ${ipvsEndpoint(k.address, k.port)}`
  return k.family === 6 ? name : name.slice(0, 33)
}

/** The service as `-S` names it: `-t 10.96.0.1:443`, `--sctp-service …`, `-f 5 [-6]`. */
export function saveName(svc: IpvsService): string {
  const k = svc.key
  if (k.kind === 'fwmark') return `-f ${k.mark}${k.family === 6 ? ' -6' : ''}`
  const opt = k.protocol === 'tcp' ? '-t' : k.protocol === 'udp' ? '-u' : '--sctp-service'
  return `${opt} ${ipvsEndpoint(k.address, k.port)}`
}

function schedFlags(svc: IpvsService): string | undefined {
  const f = svc.schedFlags ?? []
  return f.length > 0 ? f.join(',') : undefined
}

/** What the persistence netmask prints as (only when it is not the host mask). */
function netmaskText(svc: IpvsService): string | undefined {
  const m = svc.persistence?.netmask
  if (m === undefined) return undefined
  return m === '255.255.255.255' || m === '128' ? undefined : m
}

function saveService(svc: IpvsService): string[] {
  const name = saveName(svc)
  let head = `-A ${name} -s ${svc.scheduler}`
  if (svc.persistence) {
    head += ` -p ${svc.persistence.timeout}`
    const m = netmaskText(svc)
    if (m) head += ` -M ${m}`
  }
  if (svc.persistenceEngine) head += ` --pe ${svc.persistenceEngine}`
  if (svc.onePacket) head += ' -o'
  const flags = schedFlags(svc)
  if (flags) head += ` -b ${flags}`
  const dests = ipvsSort(svc.destinations, compareDests).map((d) => saveDest(name, d))
  return [head, ...dests]
}

function saveDest(name: string, d: IpvsDestination): string {
  const base = `-a ${name} -r ${ipvsEndpoint(d.address, d.port)} ${FORWARD_SWITCH[d.forward]} -w ${d.weight}`
  if (d.forward !== 'tunnel') return base
  const t = d.tunnel ?? { type: 'ipip' }
  if (t.type === 'ipip') return `${base} --tun-type ipip`
  const csum = `--tun-${t.csum ?? 'nocsum'}`
  if (t.type === 'gre') return `${base} --tun-type gre ${csum}`
  return `${base} --tun-type gue --tun-port ${t.port ?? 0} ${csum}`
}

/** `ipvsadm -Sn`: one `-A` line per service, then its `-a` lines; no header. */
export function printIpvsSave(state: IpvsState): string {
  const lines = ipvsSort(state.services, compareServices).flatMap(saveService)
  return lines.map((l) => `${l}\n`).join('')
}

function title(format: IpvsListFormat): string[] {
  const prot = 'Prot LocalAddress:Port'
  if (format === 'stats')
    return [
      `${pad(prot, 33)} ${['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'].map((h) => rpad(h, 8)).join(' ')}`,
      '  -> RemoteAddress:Port',
    ]
  if (format === 'rate')
    return [
      `${pad(prot, 33)} ${['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS'].map((h) => rpad(h, 8)).join(' ')}`,
      '  -> RemoteAddress:Port',
    ]
  return [
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ]
}

/** print_largenum of a zero counter (`%9llu`). */
const ZERO = rpad(0, 9)

function listService(svc: IpvsService, format: IpvsListFormat): string {
  const name = listName(svc)
  if (format !== 'plain') return `${pad(name, 33)}${ZERO.repeat(5)}`
  let line = `${name} ${svc.scheduler}`
  const flags = schedFlags(svc)
  if (flags) line += ` (${flags})`
  if (svc.persistence) {
    line += ` persistent ${svc.persistence.timeout}`
    const m = netmaskText(svc)
    if (m) line += ` mask ${m}`
    if (svc.persistenceEngine) line += ` pe ${svc.persistenceEngine}`
  }
  if (svc.onePacket) line += ' ops'
  return line
}

function listDest(svc: IpvsService, d: IpvsDestination, format: IpvsListFormat): string {
  let dname = ipvsEndpoint(d.address, d.port)
  if (svc.key.family === 4) dname = dname.slice(0, 28)
  const head = `  -> ${pad(dname, 28)}`
  if (format === 'stats') return `${head}${ZERO.repeat(5)}`
  if (format === 'rate')
    return `${head} ${[0, 0, 0].map((n) => rpad(n, 8)).join(' ')}${ZERO}${ZERO}`
  const cols = [pad(FORWARD_NAME[d.forward], 7), pad(d.weight, 6)]
  cols.push(pad(d.activeConns ?? 0, 10), pad(d.inactConns ?? 0, 10))
  return `${head} ${cols.join(' ')}`
}

/** `ipvsadm -Ln` (or `-Ln --stats` / `--rate`): the version line, the title, then each service. */
export function printIpvsList(state: IpvsState, format: IpvsListFormat = 'plain'): string {
  const lines = [`IP Virtual Server version 1.2.1 (size=${state.tableSize ?? 4096})`]
  lines.push(...title(format))
  for (const svc of ipvsSort(state.services, compareServices)) {
    lines.push(listService(svc, format))
    for (const d of ipvsSort(svc.destinations, compareDests)) lines.push(listDest(svc, d, format))
  }
  return lines.map((l) => `${l}\n`).join('')
}

/** `mm:ss` of print_conn (minutes are not capped). */
function expireText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

function connLine(c: IpvsConnection): string {
  const cols = [
    pad(c.protocol.toUpperCase(), 3),
    pad(expireText(c.expires), 6),
    pad(c.state, 11),
    pad(ipvsEndpoint(c.client.address, c.client.port), 18),
    pad(ipvsEndpoint(c.virtual.address, c.virtual.port), 18),
    ipvsEndpoint(c.destination.address, c.destination.port),
  ]
  return cols.join(' ')
}

/** `ipvsadm -Lnc`: the connection table, in the order given (the kernel's hash order). */
export function printIpvsConnections(conns: readonly IpvsConnection[]): string {
  const head = [
    'IPVS connection entries',
    `pro expire ${pad('state', 11)} ${pad('source', 18)} ${pad('virtual', 18)} destination`,
  ]
  return [...head, ...conns.map(connLine)].map((l) => `${l}\n`).join('')
}
