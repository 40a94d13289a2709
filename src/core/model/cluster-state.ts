/**
 * @module core/model/cluster-state
 * The kernel state of a whole cluster: every network namespace (nodes, pods, underlay segments,
 * routers, external hosts) with its {@link NetnsState}. Namespaces are wired the way the lab
 * wires them: a veth names its peer's namespace and interface; an underlay segment is a
 * namespace holding a bridge that node and host NICs attach to; tunnels (VXLAN, IPIP, flannel's
 * UDP) are carried over the underlay by routing. The emulator walks packets across this; the lab
 * builds exactly this in real namespaces.
 */
import type { NetnsState } from './netns.js'

export interface ClusterState {
  readonly namespaces: readonly NetnsState[]
  /** Things the renderers could not model, each with where it came from. */
  readonly unsupported: readonly { readonly message: string; readonly where?: string }[]
}

export function findNetns(c: ClusterState, name: string): NetnsState | undefined {
  return c.namespaces.find((n) => n.name === name)
}

/** Namespace names, stable across renders so that traces and the lab agree. */
export const netnsName = {
  node: (node: string) => `node-${node}`,
  pod: (namespace: string, name: string) => `pod-${namespace}-${name}`,
  segment: (name: string) => `seg-${name}`,
  router: (name: string) => `rtr-${name}`,
  external: (name: string) => `ext-${name}`,
} as const
