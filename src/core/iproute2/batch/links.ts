/**
 * @module core/iproute2/batch/links
 * `ip -batch` lines that create the links of a model namespace with the model's index, MAC,
 * MTU, queue length and kind settings (`ip link add NAME index N address MAC mtu M [txqueuelen
 * Q] type KIND …`).
 *
 * A veth pair is created once, by the side that sorts first (namespace name, then link
 * name), with `peer name … netns …`; the other namespace only configures its end. TUN/TAP
 * devices come from `ip tuntap add`, which takes no index: they get the next free one, so
 * the model's indexes must have no gaps before them. Physical (`ether`) links cannot be
 * made: that is refused.
 */
import { KpathError } from '../../errors.js'
import type { Link, NetnsState } from '../../model/netns.js'

function refuse(message: string): KpathError {
  return new KpathError('KPATH_UNSUPPORTED', message, {
    hint: 'the lab builds namespaces from veth, bridge, vxlan, tun, macvlan, dummy and ipip links',
  })
}

function common(link: Link): string {
  const mac = link.mac === undefined ? '' : ` address ${link.mac}`
  // Only a given queue length: without IFLA_TXQLEN the kernel sets the kind's default.
  const qlen = link.txqlen === undefined ? '' : ` txqueuelen ${link.txqlen}`
  return `index ${link.index}${mac} mtu ${link.mtu}${qlen}`
}

/** Does this side create the veth pair? */
function ownsPair(state: NetnsState, link: Link): boolean {
  const peer = link.peer
  if (peer === undefined) return true
  if (peer.netns !== state.name) return state.name < peer.netns
  return link.name < peer.name
}

function peerLink(all: readonly NetnsState[], link: Link): Link | undefined {
  const peer = link.peer
  if (peer === undefined) return undefined
  return all.find((s) => s.name === peer.netns)?.links.find((l) => l.name === peer.name)
}

function vethLine(all: readonly NetnsState[], state: NetnsState, link: Link): string | undefined {
  if (!ownsPair(state, link)) return undefined
  const peer = link.peer
  if (peer === undefined) throw refuse(`veth ${link.name} has no peer`)
  const other = peerLink(all, link)
  const netns = peer.netns === state.name ? '' : ` netns ${peer.netns}`
  const details = other === undefined ? '' : ` ${common(other)}`
  return `link add ${link.name} ${common(link)} type veth peer name ${peer.name}${details}${netns}`
}

function vxlanLine(link: Link): string {
  const x = link.vxlan
  if (x === undefined) throw refuse(`vxlan ${link.name} has no VXLAN settings`)
  const remote =
    x.remote === undefined ? '' : ` ${isGroup(x.remote) ? 'group' : 'remote'} ${x.remote}`
  const parts = [
    `id ${x.id}`,
    x.local === undefined ? '' : `local ${x.local}`,
    remote.trim(),
    x.dev === undefined ? '' : `dev ${x.dev}`,
    `dstport ${x.port}`,
    x.learning ? '' : 'nolearning',
    x.ttl === undefined || x.ttl === 0 ? '' : `ttl ${x.ttl}`,
  ].filter(Boolean)
  return `link add ${link.name} ${common(link)} type vxlan ${parts.join(' ')}`
}

function isGroup(addr: string): boolean {
  if (addr.includes(':')) return addr.toLowerCase().startsWith('ff')
  const first = Number(addr.split('.')[0])
  return first >= 224 && first <= 239
}

function ipipLine(link: Link): string {
  const t = link.iptun ?? {}
  const parts = [
    t.remote === undefined ? '' : `remote ${t.remote}`,
    t.local === undefined ? '' : `local ${t.local}`,
    t.dev === undefined ? '' : `dev ${t.dev}`,
    t.ttl === undefined ? '' : `ttl ${t.ttl}`,
    t.pmtudisc === false ? 'nopmtudisc' : '',
  ].filter(Boolean)
  return `link add ${link.name} ${common(link)} type ipip${parts.length ? ` ${parts.join(' ')}` : ''}`
}

/** The lines that create `link`, or none (lo, the other end of a veth). */
export function createLines(all: readonly NetnsState[], state: NetnsState, link: Link): string[] {
  switch (link.kind) {
    case 'loopback':
      if (link.name !== 'lo' || link.index !== 1)
        throw refuse(`loopback ${link.name} is not lo with index 1`)
      return link.mtu === 65536 ? [] : [`link set lo mtu ${link.mtu}`]
    case 'veth': {
      const line = vethLine(all, state, link)
      return line === undefined ? [] : [line]
    }
    case 'bridge':
    case 'dummy':
      return [`link add ${link.name} ${common(link)} type ${link.kind}`]
    case 'vxlan':
      return [vxlanLine(link)]
    case 'ipip':
      return [ipipLine(link)]
    case 'macvlan': {
      const m = link.macvlan
      if (m === undefined) throw refuse(`macvlan ${link.name} has no parent`)
      return [`link add ${link.name} link ${m.parent} ${common(link)} type macvlan mode ${m.mode}`]
    }
    case 'tun': {
      const mode = link.tun?.mode ?? 'tun'
      const lines = [
        `tuntap add mode ${mode} name ${link.name}`,
        `link set ${link.name} mtu ${link.mtu}`,
      ]
      if (link.mac !== undefined && mode === 'tap')
        lines.push(`link set ${link.name} address ${link.mac}`)
      if (link.txqlen !== undefined) lines.push(`link set ${link.name} txqueuelen ${link.txqlen}`)
      return lines
    }
    case 'ether':
      throw refuse(`${link.name} is a physical link, which a namespace cannot create`)
  }
}

/** Lines that configure a created link: master, port settings, ARP. Links come up later. */
export function configureLines(link: Link): string[] {
  const lines: string[] = []
  if (link.master !== undefined) lines.push(`link set ${link.name} master ${link.master}`)
  const p = link.bridgePort
  if (p !== undefined) {
    const onoff = (b: boolean) => (b ? 'on' : 'off')
    lines.push(
      `link set ${link.name} type bridge_slave hairpin ${onoff(p.hairpin)} learning ${onoff(p.learning)} flood ${onoff(p.flood)}`,
    )
  }
  const noarpByNature = link.kind === 'tun' || link.kind === 'ipip'
  if (link.noarp === true && !noarpByNature) lines.push(`link set ${link.name} arp off`)
  return lines
}
