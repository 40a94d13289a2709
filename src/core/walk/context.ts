/**
 * @module core/walk/context
 * The state of one branch of a cluster walk: each namespace's netfilter runtime (forked from
 * the namespace's base runtime the first time the branch touches it, and kept for the reply),
 * the namespace's routing view, the MACs bridges learned so far, and the hops recorded.
 */

import { configFromSysctls } from '../conntrack/index.js'
import { KpathError } from '../errors.js'
import type { ClusterState } from '../model/cluster-state.js'
import type { Link, NetnsState } from '../model/netns.js'
import type { Packet } from '../model/packet.js'
import type { Chooser } from '../netfilter/engine/chooser.js'
import { createRuntime } from '../netfilter/engine/index.js'
import type { NetfilterRuntime } from '../netfilter/engine/runtime.js'
import type { NetfilterEnv } from '../netfilter/engine/types.js'
import { netfilterEnv } from '../route/index.js'
import type { Frame } from './frame.js'
import type { Answer } from './icmp.js'
import type { MacAnswer } from './neighbour.js'
import type { Endpoint } from './segment.js'
import type { Hop, HopPacket } from './types.js'

/** What does not change between branches: namespaces, routing views, base runtimes. */
export class World {
  readonly byName = new Map<string, NetnsState>()
  private readonly envs = new Map<string, NetfilterEnv>()
  private readonly bases = new Map<string, NetfilterRuntime>()
  private readonly links = new Map<string, ReadonlyMap<string, Link>>()
  private macvlans: Map<string, Endpoint[]> | undefined
  /**
   * Answers to ARP requests flooded over a broadcast domain, by sender, device, target and
   * sender address (neighbour.ts). They depend only on the namespaces' static state, and on
   * a cluster's underlay segment finding the one node that answers means asking each node in
   * port order: a thousand nodes per request.
   */
  readonly arpAnswers = new Map<string, MacAnswer>()
  /** The output route each hop shows, by namespace, destination, device and mark (walk.ts). */
  readonly routeTexts = new Map<string, RouteText>()
  /** The MACs of a bridge and its ports (lower case), by namespace and bridge (bridge.ts). */
  readonly bridgeMacs = new Map<string, ReadonlySet<string>>()
  /** Where a bridge's flood finds a MAC, by bridge, MAC and ingress port (bridge.ts). */
  readonly floodAnswers = new Map<
    string,
    { readonly found: { readonly port: string; readonly how: string } | undefined }
  >()

  constructor(readonly state: ClusterState) {
    for (const n of state.namespaces) this.byName.set(n.name, n)
  }

  netns(name: string): NetnsState {
    const n = this.byName.get(name)
    if (!n) throw new KpathError('KPATH_INVALID_ARGUMENT', `no namespace ${name} in the cluster`)
    return n
  }

  /** A namespace's link by name (indexed once: a cluster's underlay bridge has 1,000 ports). */
  link(netns: string, name: string): Link | undefined {
    let byName = this.links.get(netns)
    if (byName === undefined) {
      const made = new Map<string, Link>()
      for (const l of this.netns(netns).links) if (!made.has(l.name)) made.set(l.name, l)
      this.links.set(netns, made)
      byName = made
    }
    return byName.get(name)
  }

  env(name: string): NetfilterEnv {
    let e = this.envs.get(name)
    if (!e) {
      e = netfilterEnv(this.netns(name))
      this.envs.set(name, e)
    }
    return e
  }

  /** The macvlan children of `parent` in `netns`, from every namespace (indexed once). */
  macvlansOn(netns: string, parent: string): Endpoint[] {
    if (!this.macvlans) {
      const ix = new Map<string, Endpoint[]>()
      for (const n of this.state.namespaces)
        for (const l of n.links) {
          if (l.kind !== 'macvlan' || !l.peer) continue
          const k = `${l.peer.netns}/${l.macvlan?.parent ?? l.peer.name}`
          ix.set(k, [...(ix.get(k) ?? []), { netns: n.name, iface: l.name }])
        }
      this.macvlans = ix
    }
    return this.macvlans.get(`${netns}/${parent}`) ?? []
  }
  base(name: string): NetfilterRuntime {
    let rt = this.bases.get(name)
    if (!rt) {
      const n = this.netns(name)
      rt = createRuntime({
        ruleset: n.iptables.ipv4 ?? { family: 4, tables: [] },
        ...(n.nftables ? { nft: n.nftables } : {}),
        ipsets: n.ipsets,
        conntrack: n.conntrack,
        // The namespace's net.netfilter.* sysctls: timeouts, tcp_loose, tcp_be_liberal, ….
        conntrackConfig: configFromSysctls(n.sysctls),
        ...(n.ipvs ? { ipvs: n.ipvs, sysctls: n.sysctls } : {}),
      })
      this.bases.set(name, rt)
    }
    return rt
  }
}

export class WalkCtx {
  private readonly runtimes = new Map<string, NetfilterRuntime>()
  /** Learned bridge FDB entries: `netns/bridge` → MAC → port. */
  readonly learned = new Map<string, Map<string, string>>()
  hops: Hop[] = []
  private steps = 0
  /**
   * Inner frames of tunnels the packet is inside, innermost last (pushed on encapsulation).
   * `vni` says which tunnel: a VXLAN VNI (≥ 0), -1 flanneld's UDP, -4 ipip (protocol 4).
   */
  readonly tunnels: { readonly vni: number; readonly port: number; readonly frame: Frame }[] = []
  /** During the reply: the client socket waiting for it. */
  socket:
    | {
        readonly netns: string
        readonly addr: string
        readonly port?: number
        /** The address and port the socket sent to. */
        readonly peer: { readonly addr: string; readonly port?: number }
      }
    | undefined
  /**
   * What the namespace that dropped the packet sent back to its source (an ICMP error, or
   * REJECT's answer): walked as the branch's reply.
   */
  answer: Answer | undefined
  /** The packet as the last local delivery received it. */
  delivered: Packet | undefined

  constructor(
    readonly world: World,
    readonly chooser: Chooser,
    readonly maxHops: number,
  ) {}

  runtime(netns: string): NetfilterRuntime {
    let rt = this.runtimes.get(netns)
    if (!rt) {
      rt = this.world.base(netns).fork()
      this.runtimes.set(netns, rt)
    }
    return rt
  }

  /** The runtimes this branch has touched, by namespace. */
  touched(): ReadonlyMap<string, NetfilterRuntime> {
    return this.runtimes
  }

  link(netns: string, name: string): Link | undefined {
    return this.world.link(netns, name)
  }

  /** Count a step of the walk; a packet going round in circles ends in KPATH_LOOP. */
  tick(where: string): void {
    this.steps++
    if (this.steps > this.maxHops)
      throw new KpathError('KPATH_LOOP', `the walk exceeded ${this.maxHops} steps at ${where}`, {
        hint: 'a routing loop between namespaces, or raise maxHops',
      })
  }

  record(hop: Hop): void {
    this.hops.push(hop)
  }

  /** Start recording a new walk (the reply) with the same runtimes and learned MACs. */
  restart(): void {
    this.hops = []
    this.steps = 0
    // A request that died inside a tunnel leaves its inner frames behind.
    this.tunnels.length = 0
    this.answer = undefined
  }
}

/** An egress hop's route: its text, gateway and MTU. */
export interface RouteText {
  readonly text: string
  readonly via: string | undefined
  readonly mtu: number | undefined
}

export function hopPacket(p: Packet): HopPacket {
  return {
    src: p.src,
    dst: p.dst,
    proto: p.proto,
    ...(p.sport === undefined ? {} : { sport: p.sport }),
    ...(p.dport === undefined ? {} : { dport: p.dport }),
    ttl: p.ttl,
    length: p.length,
  }
}
