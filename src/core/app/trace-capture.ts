/**
 * @module core/app/trace-capture
 * Where a hop of a cluster trace would be seen by tcpdump: the device (the outgoing one when
 * the hop sends, else the incoming one, `lo` for a packet that never left its namespace) and
 * its link layer. The text view, the pcapng writer and the mermaid diagram agree on it.
 */
import type { ClusterState } from '../model/cluster-state.js'
import { findNetns } from '../model/cluster-state.js'
import type { Hop } from '../walk/index.js'

export interface CaptureDevice {
  readonly netns: string
  /** The device name; for an `encap` hop, the tunnel device that wrapped the packet. */
  readonly dev: string
  readonly dir: 'In' | 'Out' | 'encap'
  /**
   * true: the device carries Ethernet (ARPHRD_ETHER, loopback included); false: raw IP (a TUN
   * device, ipip's tunl0), and the pseudo capture point of an encapsulation.
   */
  readonly ethernet: boolean
}

/** Devices without a link-layer header: IFF_TUN TUN devices and IP-in-IP tunnels. */
function rawIp(state: ClusterState, netns: string, dev: string): boolean {
  const link = findNetns(state, netns)?.links.find((l) => l.name === dev)
  if (link === undefined) return false
  return link.kind === 'ipip' || (link.kind === 'tun' && link.tun?.mode !== 'tap')
}

export function captureDevice(state: ClusterState, h: Hop): CaptureDevice {
  if (h.kind === 'encap') {
    const dev = h.outIface ?? h.inIface ?? 'tunnel'
    return { netns: h.netns, dev, dir: 'encap', ethernet: false }
  }
  const out = h.outIface !== undefined
  const dev = h.outIface ?? h.inIface ?? 'lo'
  return { netns: h.netns, dev, dir: out ? 'Out' : 'In', ethernet: !rawIp(state, h.netns, dev) }
}
