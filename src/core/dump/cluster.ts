/**
 * @module core/dump/cluster
 * A cluster from node dumps (`kpath trace --dump DIR …`): each dump becomes its node's
 * namespace (`node-HOST`), nodes sharing an underlay subnet are linked by a segment namespace
 * (a bridge with one port per node, as the assembled clusters are wired), and the pods behind
 * each node's veths get minimal synthesised namespaces (pods.ts). Optional Kubernetes objects
 * (`kubectl get nodes,pods,services,endpointslices -A -o yaml`) give pods and Services their
 * names. Everything the dumps do not show is said in `notes`, never guessed silently: the
 * gateway and hosts beyond the node subnets, the pods' own namespaces, flanneld's lease table
 * (rebuilt from the dumps), the user-space servers of the node.
 */

import { NetnsBuilder } from '../cluster/builder.js'
import { applyCniAddresses } from '../cluster/cni-hooks.js'
import { finishNetns } from '../cluster/finish.js'
import type { AssembledCluster } from '../cluster/index.js'
import { formatPrefix4, parsePrefix4 } from '../cluster/ipv4.js'
import { echoServers, hasSandbox } from '../cluster/pods.js'
import { baseSysctls } from '../cluster/sysctls.js'
import type { CniName } from '../cluster/topology/schema.js'
import type { Segment } from '../cluster/topology/types.js'
import { type Attachment, buildSegment } from '../cluster/underlay.js'
import type { CniChoice } from '../cni/index.js'
import { KpathError } from '../errors.js'
import type { IpLink } from '../iproute2/index.js'
import type { Cluster } from '../kube/model.js'
import { netnsName } from '../model/cluster-state.js'
import { type Daemon, type Link, type NetnsState, TABLE_MAIN } from '../model/netns.js'
import { dumpNetns } from './netns.js'
import { findPods, podNetnsName, synthesisePod } from './pods.js'
import type { ParsedDump } from './read.js'

export interface DumpCluster {
  readonly state: AssembledCluster
  /** What was read, assumed or left out, per node. */
  readonly notes: readonly string[]
}

interface DumpNode {
  readonly host: string
  state: NetnsState
  readonly records: readonly IpLink[]
  readonly nic?: { readonly link: Link; readonly address: string; readonly prefixLen: number }
}

/**
 * The port of `bridge` that leads out of the node: a port that is not a veth (a NIC, a bond, a
 * VLAN), else the veth port whose MAC the bridge carries. A bridge holding the node's address
 * must keep the NIC's MAC for the node to keep its identity on the LAN (set by the network
 * configuration, or taken by the kernel from its first port); pod veths get random MACs.
 */
function uplinkPort(n: NetnsState, bridge: Link): Link | undefined {
  const ports = n.links.filter((l) => l.master === bridge.name)
  return ports.find((l) => l.kind !== 'veth') ?? ports.find((l) => l.mac === bridge.mac)
}

/**
 * The underlay NIC: the device of the main table's IPv4 default route, with its address. When
 * that device is a bridge (an underlay CNI: seed 000's mybr0 holds the node's NIC and its pods),
 * the link wired to the LAN is the bridge's uplink port, the address the bridge's.
 */
function underlayNic(n: NetnsState, host: string, notes: string[]): DumpNode['nic'] {
  const dev = n.routes.find(
    (r) => r.family === 4 && r.table === TABLE_MAIN && r.dst === 'default',
  )?.dev
  const found = n.links.find((l) => l.name === dev)
  const addr = n.addresses.find((a) => a.iface === dev && a.family === 4 && a.scope === 'global')
  const link = found?.kind === 'bridge' ? uplinkPort(n, found) : found
  if (found?.kind === 'bridge')
    notes.push(
      link === undefined
        ? `node ${host}: the default route leaves by bridge ${found.name}, and none of its ports is a NIC or carries its MAC: not linked to other nodes`
        : `node ${host}: the default route leaves by bridge ${found.name}: its port ${link.name} is the underlay NIC (${link.kind === 'veth' ? 'it carries the bridge’s MAC' : `a ${link.kind} port`})`,
    )
  return link && addr ? { link, address: addr.local, prefixLen: addr.prefixLen } : undefined
}

function nodeOf(d: ParsedDump, i: number, notes: string[]): DumpNode {
  const host = d.hostname ?? `dump${i + 1}`
  if (d.hostname === undefined)
    notes.push(`${d.source}: hostname.txt not collected: the node is called ${host}`)
  const { state, notes: own } = dumpNetns(d, netnsName.node(host), { kind: 'node', node: host })
  notes.push(...own.map((n) => `node ${host}: ${n}`))
  const nic = underlayNic(state, host, notes)
  if (nic === undefined)
    notes.push(
      `node ${host}: no IPv4 default route with an addressed device: not linked to other nodes`,
    )
  return {
    host,
    state,
    records: d.links ?? d.addr?.links ?? [],
    ...(nic === undefined ? {} : { nic }),
  }
}

function withPeer(n: NetnsState, name: string, peer: Link['peer']): NetnsState {
  return { ...n, links: n.links.map((l) => (l.name === name && peer ? { ...l, peer } : l)) }
}

/** One segment per shared underlay subnet, its ports `n1`, `n2`, … in dump order. */
function segments(nodes: DumpNode[], notes: string[]): NetnsState[] {
  const groups = new Map<string, DumpNode[]>()
  for (const n of nodes) {
    if (n.nic === undefined) continue
    const p = parsePrefix4(`${n.nic.address}/${n.nic.prefixLen}`)
    if (p === undefined) continue
    const key = formatPrefix4(p)
    groups.set(key, [...(groups.get(key) ?? []), n])
  }
  const out: NetnsState[] = []
  for (const [cidr, members] of groups) {
    const prefix = parsePrefix4(cidr)
    if (prefix === undefined) continue
    const name = cidr.replace('/', '-')
    const seg: Segment = {
      name,
      prefix,
      mtu: Math.max(...members.map((m) => m.nic?.link.mtu ?? 1500)),
    }
    const attached: Attachment[] = members.map((m, i) => ({
      netns: m.state.name,
      nic: {
        segment: name,
        name: m.nic?.link.name ?? 'eth0',
        port: `n${i + 1}`,
        address: m.nic?.address ?? '',
        prefixLen: m.nic?.prefixLen ?? 0,
        mac: m.nic?.link.mac ?? '',
        mtu: m.nic?.link.mtu ?? 1500,
      },
    }))
    const b = new NetnsBuilder(
      netnsName.segment(name),
      { kind: 'segment', name },
      baseSysctls('segment', false),
    )
    buildSegment(b, seg, attached)
    out.push(finishNetns(b))
    for (const [i, m] of members.entries())
      m.state = withPeer(m.state, m.nic?.link.name ?? '', {
        netns: netnsName.segment(name),
        name: `n${i + 1}`,
      })
    notes.push(
      `segment ${cidr}: ${members.map((m) => m.host).join(', ')} (shared underlay subnet); its gateway and hosts beyond it are not in the dumps`,
    )
  }
  return out
}

/** The CNI the dumps show, by the devices it leaves. */
function detectCni(nodes: readonly DumpNode[]): CniChoice {
  const links = nodes.flatMap((n) => n.state.links.map((l) => l.name))
  const pick = (name: CniName, dev: string): CniChoice => ({
    name,
    reason: `a ${dev} device in the dumps`,
  })
  if (links.some((l) => l === 'flannel.1' || l === 'flannel0'))
    return pick('flannel', 'flannel device')
  if (links.some((l) => l.startsWith('cali'))) return pick('calico', 'cali*')
  if (links.includes('kube-bridge')) return pick('kube-router', 'kube-bridge')
  if (links.includes('cni0')) return pick('bridge', 'cni0')
  return { name: 'underlay', reason: 'no CNI device in the dumps' }
}

/** The subnet a flannel node leases: its pod bridge's, else the node object's podCIDR. */
function leasedSubnet(n: DumpNode, kube: Cluster | undefined): string | undefined {
  const podCidr = kube?.nodes.find((x) => x.metadata.name === n.host)?.spec.podCIDR
  if (podCidr !== undefined) return podCidr
  const cni0 = n.state.addresses.find((a) => a.iface === 'cni0' && a.family === 4)
  const p = cni0 && parsePrefix4(`${cni0.local}/${cni0.prefixLen}`)
  return p ? formatPrefix4(p) : undefined
}

/**
 * flanneld's UDP backend is a process: its lease table (subnet → node address) is not kernel
 * state. It is rebuilt from the dumps: each node with a flannel0 leases its pod subnet.
 */
function flanneldDaemons(nodes: DumpNode[], kube: Cluster | undefined, notes: string[]): void {
  const tunNodes = nodes.filter((n) =>
    n.state.links.some((l) => l.name === 'flannel0' && l.kind === 'tun'),
  )
  for (const n of tunNodes) {
    const config: Record<string, string | number | boolean> = {
      device: 'flannel0',
      port: 8285,
      local: n.nic?.address ?? '',
    }
    for (const other of tunNodes) {
      const subnet = leasedSubnet(other, kube)
      if (other === n || subnet === undefined || other.nic === undefined) continue
      config[`route:${subnet}`] = other.nic.address
    }
    const daemon: Daemon = { name: 'flanneld', kind: 'flanneld-udp', config }
    n.state = { ...n.state, daemons: [...(n.state.daemons ?? []), daemon] }
    notes.push(
      `node ${n.host}: flanneld (udp, port 8285 assumed) with its lease table rebuilt from the dumps: ${
        Object.keys(config)
          .filter((k) => k.startsWith('route:'))
          .map((k) => `${k.slice(6)} → ${config[k]}`)
          .join(', ') || 'no other node'
      }`,
    )
  }
}

/** hostNetwork pods listen in their node's namespace. */
function hostNetworkServers(n: DumpNode, kube: Cluster | undefined): void {
  const pods = (kube?.pods ?? []).filter(
    (p) => p.spec.nodeName === n.host && p.spec.hostNetwork === true && hasSandbox(p),
  )
  const servers = pods.flatMap(echoServers)
  if (servers.length > 0)
    n.state = { ...n.state, daemons: [...(n.state.daemons ?? []), ...servers] }
}

/**
 * @param kube the Kubernetes objects, when given (pod and Service names, pod addresses)
 * @throws KpathError KPATH_INVALID_ARGUMENT when two dumps are of the same host
 */
export function clusterFromDumps(dumps: readonly ParsedDump[], kube?: Cluster): DumpCluster {
  const notes: string[] = []
  const nodes = dumps.map((d, i) => nodeOf(d, i, notes))
  const seen = new Set<string>()
  for (const n of nodes) {
    if (seen.has(n.host))
      throw new KpathError('KPATH_INVALID_ARGUMENT', `two dumps are of host ${n.host}`, {
        hint: 'give each node once',
      })
    seen.add(n.host)
  }
  const cni = detectCni(nodes)
  const objects = kube === undefined ? undefined : applyCniAddresses(kube, cni.name)
  const segs = segments(nodes, notes)
  flanneldDaemons(nodes, objects, notes)
  const namespaces: NetnsState[] = [...segs]
  for (const n of nodes) {
    hostNetworkServers(n, objects)
    const found = findPods(n.state, n.records, n.host, objects)
    notes.push(...found.notes.map((x) => `node ${n.host}: ${x}`))
    const pods: NetnsState[] = []
    for (const p of found.pods) {
      n.state = withPeer(n.state, p.veth, { netns: podNetnsName(p), name: 'eth0' })
      notes.push(
        `node ${n.host}: pod ${podNetnsName(p).slice(4)} ${p.ip} behind ${p.veth} (${p.how}): namespace synthesised (eth0, default via ${p.gateway})`,
      )
    }
    for (const p of found.pods) pods.push(synthesisePod(p, n.state, n.host))
    namespaces.push(n.state, ...pods)
  }
  const topology = { segments: [], routers: [], externals: [], nodes: new Map() }
  return { state: { namespaces, unsupported: [], cni, topology }, notes }
}
