/**
 * @module core/ipvs/table
 * The IPVS state one namespace's emulation works on (struct netns_ipvs): the virtual services,
 * the live counters of each real server, rr/wrr positions, persistence templates and the
 * connection table (ip_vs_conn.c). Mutable, like conntrack's table; a trace branch works on its
 * own {@link IpvsTable.clone}.
 */
import type { Packet } from '../model/packet.js'
import { formatIPv4, formatIPv6, parseAddr, parseIPv4, v6Mask } from '../net/ip.js'
import type { IpvsConnection, IpvsForward, IpvsProtocol, IpvsService, IpvsState } from './model.js'
import type { DestView, SchedPosition } from './sched.js'
import { addrKey, indexServices, markKey, type ServiceIndex } from './service-index.js'

/** The IPVS sysctls the packet path reads (net.ipv4.vs.*; kernel defaults). */
export interface IpvsConfig {
  /** `conntrack`: keep conntrack entries for IPVS traffic (kube-proxy sets 1; default 0). */
  readonly conntrack: boolean
  /** `expire_nodest_conn` (default 0). */
  readonly expireNodestConn: boolean
  /** `conn_reuse_mode` (default 1). */
  readonly connReuseMode: number
  /** `sloppy_tcp`: schedule on any TCP segment, not only SYN (default 0). */
  readonly sloppyTcp: boolean
}

export function ipvsConfig(sysctls: Readonly<Record<string, string>> = {}): IpvsConfig {
  const n = (k: string, d: number) => Number(sysctls[`net.ipv4.vs.${k}`] ?? d)
  return {
    conntrack: n('conntrack', 0) !== 0,
    expireNodestConn: n('expire_nodest_conn', 0) !== 0,
    connReuseMode: n('conn_reuse_mode', 1),
    sloppyTcp: n('sloppy_tcp', 0) !== 0,
  }
}

/** A connection of the table (struct ip_vs_conn), mutable. */
export interface IpvsConn {
  readonly protocol: IpvsProtocol
  readonly client: { readonly address: string; readonly port: number }
  readonly virtual: { readonly address: string; readonly port: number }
  readonly destination: { readonly address: string; readonly port: number }
  readonly forward: IpvsForward
  /** Service and destination index, when the connection was made here (not listed). */
  readonly svc: number | undefined
  readonly dest: number | undefined
  state: string
  expires: number
  /** IP_VS_CONN_F_INACTIVE */
  inactive: boolean
}

const PROTOS: Readonly<Record<number, IpvsProtocol>> = { 6: 'tcp', 17: 'udp', 132: 'sctp' }

export function ipvsProtocol(proto: number): IpvsProtocol | undefined {
  return PROTOS[proto]
}

const same = (e: { address: string; port: number }, a: string, p: number | undefined) =>
  e.address === a && e.port === p

/** The client address under the persistence netmask (the template's key). */
function masked(addr: string, netmask: string | undefined): string {
  const a = parseAddr(addr)
  if (!a || netmask === undefined) return addr
  if (a.family === 4) return formatIPv4((a.value & (parseIPv4(netmask) ?? 0xffffffff)) >>> 0)
  return formatIPv6(a.value & v6Mask(Number(netmask)))
}

export class IpvsTable {
  private constructor(
    readonly services: readonly IpvsService[],
    readonly config: IpvsConfig,
    readonly conns: IpvsConn[],
    /** Live ActiveConn / InActConn per `svc/dest` index. */
    private readonly counts: Map<string, { active: number; inact: number }>,
    private readonly positions: Map<number, SchedPosition>,
    /** Persistence templates: `svc|masked client` → destination index. */
    private readonly templates: Map<string, number>,
    /** The services' hash tables: one holder shared by every clone, filled on the first lookup. */
    private readonly index: { value?: ServiceIndex } = {},
  ) {}

  static from(state: IpvsState, config: IpvsConfig): IpvsTable {
    const conns = state.connections.map(
      (c: IpvsConnection): IpvsConn => ({
        ...c,
        svc: undefined,
        dest: undefined,
        inactive: c.state !== 'ESTABLISHED',
      }),
    )
    return new IpvsTable(state.services, config, conns, new Map(), new Map(), new Map())
  }

  clone(): IpvsTable {
    return new IpvsTable(
      this.services,
      this.config,
      this.conns.map((c) => ({ ...c })),
      new Map([...this.counts].map(([k, v]) => [k, { ...v }])),
      new Map(this.positions),
      new Map(this.templates),
      this.index,
    )
  }

  /**
   * ip_vs_service_find: a firewall-mark service for the packet's mark first, then the exact
   * protocol/address/port, then a port-0 (all ports) service on the address.
   */
  findService(pkt: Packet): number | undefined {
    this.index.value ??= indexServices(this.services)
    const { byAddr, byMark } = this.index.value
    const proto = ipvsProtocol(pkt.proto) ?? ''
    if (pkt.mark !== 0) {
      const i = byMark.get(markKey(pkt.family, pkt.mark))
      if (i !== undefined) return i
    }
    return byAddr.get(addrKey(proto, pkt.dst, pkt.dport)) ?? byAddr.get(addrKey(proto, pkt.dst, 0))
  }

  /** ip_vs_conn_in_get: the connection a client → virtual packet belongs to. */
  connIn(pkt: Packet): IpvsConn | undefined {
    const proto = ipvsProtocol(pkt.proto)
    return this.conns.find(
      (c) =>
        c.protocol === proto &&
        same(c.client, pkt.src, pkt.sport) &&
        same(c.virtual, pkt.dst, pkt.dport),
    )
  }

  /** ip_vs_conn_out_get: the connection a real server → client packet belongs to. */
  connOut(pkt: Packet): IpvsConn | undefined {
    const proto = ipvsProtocol(pkt.proto)
    return this.conns.find(
      (c) =>
        c.protocol === proto &&
        same(c.destination, pkt.src, pkt.sport) &&
        same(c.client, pkt.dst, pkt.dport),
    )
  }

  /** The same lookup with the packet read backwards (xt_ipvs fills the header inverse). */
  connOutInverse(pkt: Packet): IpvsConn | undefined {
    const proto = ipvsProtocol(pkt.proto)
    return this.conns.find(
      (c) =>
        c.protocol === proto &&
        same(c.destination, pkt.dst, pkt.dport) &&
        same(c.client, pkt.src, pkt.sport),
    )
  }

  private count(svc: number, dest: number): { active: number; inact: number } {
    const key = `${svc}/${dest}`
    let c = this.counts.get(key)
    if (!c) {
      const d = this.services[svc]?.destinations[dest]
      c = { active: d?.activeConns ?? 0, inact: d?.inactConns ?? 0 }
      this.counts.set(key, c)
    }
    return c
  }

  views(svc: number): DestView[] {
    const s = this.services[svc]
    return (s?.destinations ?? []).map((dest, i) => ({ dest, ...this.count(svc, i) }))
  }

  position(svc: number): SchedPosition | undefined {
    return this.positions.get(svc)
  }

  setPosition(svc: number, pos: SchedPosition | undefined): void {
    if (pos) this.positions.set(svc, pos)
  }

  /** The persistence template's destination for this client, if one is live. */
  template(svc: number, client: string): number | undefined {
    const s = this.services[svc]
    return this.templates.get(`${svc}|${masked(client, s?.persistence?.netmask)}`)
  }

  setTemplate(svc: number, client: string, dest: number): void {
    const s = this.services[svc]
    this.templates.set(`${svc}|${masked(client, s?.persistence?.netmask)}`, dest)
  }

  /** ip_vs_conn_new + ip_vs_bind_dest: a new connection, counted as inactive until ESTABLISHED. */
  create(svc: number, dest: number, pkt: Packet): IpvsConn {
    const d = this.services[svc]?.destinations[dest]
    const protocol = ipvsProtocol(pkt.proto) ?? 'tcp'
    const conn: IpvsConn = {
      protocol,
      client: { address: pkt.src, port: pkt.sport ?? 0 },
      virtual: { address: pkt.dst, port: pkt.dport ?? 0 },
      destination: { address: d?.address ?? '', port: d?.port || (pkt.dport ?? 0) },
      forward: d?.forward ?? 'masq',
      svc,
      dest,
      state: protocol === 'udp' ? 'UDP' : 'NONE',
      expires: 3,
      inactive: true,
    }
    this.count(svc, dest).inact++
    this.conns.push(conn)
    return conn
  }

  /** Move a connection between ActiveConn and InActConn (set_tcp_state). */
  setActive(conn: IpvsConn, active: boolean): void {
    if (conn.inactive === !active) return
    conn.inactive = !active
    if (conn.svc === undefined || conn.dest === undefined) return
    const c = this.count(conn.svc, conn.dest)
    if (active) {
      c.active++
      c.inact--
    } else {
      c.active--
      c.inact++
    }
  }

  /** ip_vs_conn_expire_now: drop a connection (and its count). */
  expire(conn: IpvsConn): void {
    const i = this.conns.indexOf(conn)
    if (i >= 0) this.conns.splice(i, 1)
    if (conn.svc === undefined || conn.dest === undefined) return
    const c = this.count(conn.svc, conn.dest)
    if (conn.inactive) c.inact--
    else c.active--
  }

  /** The state as `ipvsadm -Ln` / `-Lnc` would show it now. */
  state(): IpvsState {
    const services = this.services.map((s, si) => ({
      ...s,
      destinations: s.destinations.map((d, di) => {
        const c = this.count(si, di)
        return { ...d, activeConns: c.active, inactConns: c.inact }
      }),
    }))
    const connections = this.conns.map(
      (c): IpvsConnection => ({
        protocol: c.protocol,
        client: c.client,
        virtual: c.virtual,
        destination: c.destination,
        state: c.state,
        expires: c.expires,
        forward: c.forward,
      }),
    )
    return { services, connections }
  }
}
