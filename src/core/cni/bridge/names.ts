/**
 * @module core/cni/bridge/names
 * Names the bridge plugin draws at random, made deterministic: the host-side veth
 * (`ip.RandomVethName`: `veth` + 4 random bytes in hex), the sandbox's container ID (64 hex
 * digits, the runtime's), and the per-container masquerade chain (`utils.FormatChainName`:
 * `CNI-` + the first 24 hex digits of SHA-512(network name + container ID), 28 characters).
 */
import { sha256Hex } from '../../cluster/names.js'
import { objectKey, type Pod } from '../../kube/model.js'
import { podsOnNode } from '../../kube/pods-by-node.js'
import type { CniContext } from '../types.js'
import { sha512Hex } from './sha512.js'

/** The container ID the runtime would give the pod's sandbox. */
export function containerId(pod: Pod): string {
  return sha256Hex(`sandbox/${objectKey(pod)}/${pod.metadata.uid ?? ''}`)
}

/** `CNI-` + 24 hex digits: the chain the bridge plugin's ipMasq creates for one container. */
export function cniChainName(network: string, containerID: string): string {
  return `CNI-${sha512Hex(network + containerID)}`.slice(0, 28)
}

/** The comment on the plugin's ipMasq rules: Go's `name: %q id: %q`. */
export function cniComment(network: string, containerID: string): string {
  return `name: ${JSON.stringify(network)} id: ${JSON.stringify(containerID)}`
}

const cache = new WeakMap<CniContext, Map<string, Map<string, string>>>()

/**
 * The host-side veth of `pod` on `node`. Names are drawn for the node's pods in the cluster's
 * pod order; a clash (the plugin would get EEXIST and draw again) draws again from the hash.
 */
export function hostVethName(ctx: CniContext, node: string, pod: Pod): string {
  let perNode = cache.get(ctx)
  if (perNode === undefined) {
    perNode = new Map()
    cache.set(ctx, perNode)
  }
  let names = perNode.get(node)
  if (names === undefined) {
    names = drawNames(podsOnNode(ctx.cluster, node).filter((p) => p.spec.hostNetwork !== true))
    perNode.set(node, names)
  }
  return names.get(objectKey(pod)) ?? vethFor(objectKey(pod), 0)
}

function drawNames(pods: readonly Pod[]): Map<string, string> {
  const taken = new Set<string>()
  const out = new Map<string, string>()
  for (const pod of pods) {
    const key = objectKey(pod)
    let attempt = 0
    let name = vethFor(key, attempt)
    while (taken.has(name)) name = vethFor(key, ++attempt)
    taken.add(name)
    out.set(key, name)
  }
  return out
}

function vethFor(key: string, attempt: number): string {
  return `veth${sha256Hex(`veth/${key}/${attempt}`).slice(0, 8)}`
}
