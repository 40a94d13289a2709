/**
 * @module core/lab/names
 * Lab namespace names. Every one is `kpath-<lab id>-<emulator name>`, so a lab's namespaces are
 * recognisable as kpath's and as that lab's. Namespace names are not limited to 15 characters
 * (that is IFNAMSIZ, for links); a name is a file under /run/netns, up to 255 bytes.
 */
import type { NetnsState } from '../model/netns.js'

const ID = /^[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?$/

export function validLabId(id: string): boolean {
  return ID.test(id) && !id.includes('--')
}

export function labNetnsName(id: string, model: string): string {
  return `kpath-${id}-${model}`
}

/** The states with their names and their veth peers' namespaces renamed into the lab. */
export function renameStates(states: readonly NetnsState[], id: string): NetnsState[] {
  return states.map((s) => ({
    ...s,
    name: labNetnsName(id, s.name),
    links: s.links.map((l) =>
      l.peer === undefined
        ? l
        : { ...l, peer: { ...l.peer, netns: labNetnsName(id, l.peer.netns) } },
    ),
  }))
}

const PER_LINK = /^net\.(ipv4|ipv6)\.(conf|neigh)\.(.+)\.([^.]+)$/

/**
 * A sysctl key as `sysctl -w` must be given it: an interface name may hold dots (`flannel.1`),
 * which procps would read as separators, so per-link keys use the slash form
 * (`net/ipv4/conf/flannel.1/rp_filter`), where dots are literal.
 */
export function sysctlKey(key: string): string {
  const m = PER_LINK.exec(key)
  if (m === null) return key
  const [, family, group, iface, leaf] = m
  // The model spells a dotted interface sysctl(8)'s way (flannel/1); the path needs the dot.
  return `net/${family}/${group}/${iface?.replaceAll('/', '.')}/${leaf}`
}

/** The file of a sysctl under /proc/sys (`net.ipv4.conf.flannel.1.rp_filter` → `net/ipv4/conf/flannel.1/rp_filter`). */
export function sysctlPath(key: string): string {
  const slashed = sysctlKey(key)
  return slashed === key ? key.replaceAll('.', '/') : slashed
}
