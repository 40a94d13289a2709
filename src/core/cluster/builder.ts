/**
 * @module core/cluster/builder
 * Accumulates one namespace's state from the pieces the assembly and the CNI plugins produce,
 * in the order the real components would have made them (which fixes link indexes and the
 * order of routes and rules). Fragments' link indexes are ignored: links are numbered here, 1
 * for `lo` and upwards in creation order, as the kernel numbers devices in a new namespace.
 */
import type { NetnsFragment } from '../cni/types.js'
import { KpathError } from '../errors.js'
import type { IpSet } from '../ipset/model.js'
import type { IpvsService } from '../ipvs/model.js'
import {
  type Address,
  type Daemon,
  defaultRules,
  type FdbEntry,
  type Link,
  type Neighbour,
  type NetnsRole,
  type PolicyRule,
  type Route,
} from '../model/netns.js'

export type NewLink = Omit<Link, 'index'> & { readonly index?: number }

/** iptables-restore text from one source, kept in arrival order per family. */
export interface RestoreText {
  readonly text: string
  /** Who wrote it (`flannel node worker`), for error locations. */
  readonly from: string
}

export class NetnsBuilder {
  readonly links: Link[] = []
  readonly addresses: Address[] = []
  readonly routes: Route[] = []
  readonly rules: PolicyRule[] = defaultRules()
  readonly neighbours: Neighbour[] = []
  readonly fdb: FdbEntry[] = []
  readonly sysctls: Record<string, string>
  readonly ipsets: IpSet[] = []
  readonly daemons: Daemon[] = []
  /** IPVS virtual services (kube-proxy's IPVS mode, kube-router's service proxy); none = no IPVS. */
  readonly ipvs: IpvsService[] = []
  readonly restore: { readonly ipv4: RestoreText[]; readonly ipv6: RestoreText[] } = {
    ipv4: [],
    ipv6: [],
  }

  constructor(
    readonly name: string,
    readonly role: NetnsRole,
    sysctls: Readonly<Record<string, string>>,
  ) {
    this.sysctls = { ...sysctls }
    // Runtimes (the CNI loopback plugin, systemd on a host) bring lo up in every namespace.
    this.addLink(
      { name: 'lo', kind: 'loopback', mtu: 65536, up: true, mac: '00:00:00:00:00:00' },
      'the namespace',
    )
  }

  addLink(link: NewLink, from: string): Link {
    if (this.links.some((l) => l.name === link.name))
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `${from} adds a second link named ${link.name} in namespace ${this.name}`,
        {
          hint: 'interface names are unique per namespace; this is a bug in a plugin model or a Topology clash',
        },
      )
    const { index: _ignored, ...rest } = link
    const made: Link = { index: this.links.length + 1, ...rest }
    this.links.push(made)
    return made
  }

  hasLink(name: string): boolean {
    return this.links.some((l) => l.name === name)
  }

  /** Append a plugin's fragment, in order; sysctls it sets win over what was there. */
  merge(f: NetnsFragment, from: string): void {
    for (const l of f.links ?? []) this.addLink(l, from)
    this.addresses.push(...(f.addresses ?? []))
    this.routes.push(...(f.routes ?? []))
    this.rules.push(...(f.rules ?? []))
    this.neighbours.push(...(f.neighbours ?? []))
    this.fdb.push(...(f.fdb ?? []))
    Object.assign(this.sysctls, f.sysctls ?? {})
    for (const set of f.ipsets ?? []) this.addIpset(set, from)
    this.daemons.push(...(f.daemons ?? []))
    this.ipvs.push(...(f.ipvs ?? []))
    const r = f.iptablesRestore
    if (r?.ipv4 !== undefined) this.restore.ipv4.push({ text: r.ipv4, from })
    if (r?.ipv6 !== undefined) this.restore.ipv6.push({ text: r.ipv6, from })
  }

  /** Add a set (kube-proxy's, or a fragment's); a second set of the same name is an error. */
  addIpset(set: IpSet, from: string): void {
    if (this.ipsets.some((s) => s.name === set.name))
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `${from} creates ipset ${set.name} twice in ${this.name}`,
      )
    this.ipsets.push(set)
  }
}
