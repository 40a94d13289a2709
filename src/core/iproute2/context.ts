/**
 * @module core/iproute2/context
 * What a listing needs to know about the world outside the namespace it lists. A veth whose
 * peer lives in another namespace shows as `"link_index": 2, "link_netnsid": 0` (JSON) or
 * `eth0@if2 … link-netns NAME` (text): the peer's index and this namespace's id for the other
 * namespace (`ip netns list-id`), never the peer's name. Mapping between those and the model's
 * `{netns, name}` needs the other namespaces.
 */
import type { NetnsState } from '../model/netns.js'

export interface IpContext {
  /** The namespace being listed; a same-namespace veth peer is `{netns: this, name}`. */
  readonly netns: string
  /** Ids this namespace gives its peers (`ip netns list-id`): id → namespace name. */
  readonly netnsIds?: ReadonlyMap<number, string>
  /** The index of a link in another namespace. */
  readonly indexOf?: (netns: string, name: string) => number | undefined
  /** The name of a link in another namespace. */
  readonly nameOf?: (netns: string, index: number) => string | undefined
}

/** A context that resolves nothing outside `netns`. */
export function soloContext(netns: string): IpContext {
  return { netns }
}

/**
 * The context the kernel would give `state` among `all`: each namespace gets, in the order its
 * links (by index) first point at it, the next free id. This is when the kernel allocates a
 * peer id (`peernet2id_alloc` from the link notification of the veth that crosses over).
 */
export function contextFor(state: NetnsState, all: readonly NetnsState[]): IpContext {
  const ids = new Map<number, string>()
  const links = [...state.links].sort((a, b) => a.index - b.index)
  for (const l of links) {
    const other = l.peer?.netns
    if (other === undefined || other === state.name) continue
    if (![...ids.values()].includes(other)) ids.set(ids.size, other)
  }
  const byNs = new Map(all.map((s) => [s.name, s]))
  return {
    netns: state.name,
    netnsIds: ids,
    indexOf: (ns, name) => byNs.get(ns)?.links.find((l) => l.name === name)?.index,
    nameOf: (ns, index) => byNs.get(ns)?.links.find((l) => l.index === index)?.name,
  }
}

/**
 * `ip netns list-id` (`nsid 0 (iproute2 netns name: NAME)`) as the ids of {@link IpContext}.
 * Ids without a name (`nsid 3`) are left out: nothing can be resolved through them.
 */
export function parseNetnsIds(text: string): Map<number, string> {
  const ids = new Map<number, string>()
  for (const m of text.matchAll(/^nsid ([0-9]+) \(iproute2 netns name: (.+)\)$/gm))
    ids.set(Number(m[1]), m[2] ?? '')
  return ids
}

/** The id `ctx` gives namespace `netns`, if any. */
export function netnsIdOf(ctx: IpContext, netns: string): number | undefined {
  for (const [id, name] of ctx.netnsIds ?? []) if (name === netns) return id
  return undefined
}
