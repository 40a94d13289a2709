/**
 * @module core/kube/proxy/share-key
 * When do two nodes get the same kube-proxy iptables rules? {@link renderShareKey} gives a
 * string that is equal for two nodes only if `renderKubeProxy` writes the same thing on both,
 * so a cluster can render once and let every node with that key hold the same render (and the
 * same parsed chains, which the engine then compiles once; see core/netfilter/engine/compile).
 * On a 1,000-node cluster with 5,000 Services each render is ~100,000 rules.
 *
 * What a node changes in an iptables-mode render (pkg/proxy/iptables/proxier.go, v1.33):
 * - the endpoint lists, through the node's name and zone (`CategorizeEndpoints`): only for
 *   service ports that use Local endpoints (internal or external traffic policy Local) or
 *   whose endpoints carry topology hints. A cluster with any such port is not shared at all
 *   (`undefined`): those ports are where nodes differ, and telling which nodes agree is not
 *   worth the risk;
 * - the proxier's options: the local-traffic detector (NodeCIDR mode reads the node's
 *   podCIDR), nodePortAddresses and the node IPs they select, localhost NodePorts, and the
 *   node IP (compared with loadBalancerSourceRanges). The key holds all of these options as
 *   computed for the node, the node IP only when some port has source ranges.
 *
 * Other modes are not shared (`undefined`). `share-key.test.ts` checks, on every example
 * cluster and on variants that exercise each item above, that nodes with equal keys render
 * byte-identical payloads.
 */
import type { Cluster, IPFamily } from '../model.js'
import type { ProxyNodeContext } from './context.js'
import { iptablesOptions } from './proxier.js'
import { servicePorts } from './service-ports.js'
import { usesLocalEndpoints } from './types.js'

interface FamilyFacts {
  /** Some port's endpoints depend on the node (Local policy, topology hints). */
  readonly nodeDependent: boolean
  /** Some port has loadBalancerSourceRanges (compared with the node IP). */
  readonly sourceRanges: boolean
}

const FACTS = new WeakMap<Cluster, Map<IPFamily, FamilyFacts>>()

function familyFacts(cluster: Cluster, family: IPFamily): FamilyFacts {
  let byFamily = FACTS.get(cluster)
  if (byFamily === undefined) {
    byFamily = new Map()
    FACTS.set(cluster, byFamily)
  }
  const hit = byFamily.get(family)
  if (hit !== undefined) return hit
  // Node hints are read whatever the feature gate says: their presence alone stops sharing.
  const ports = servicePorts(
    {
      services: cluster.services,
      endpointSlices: cluster.endpointSlices,
      family,
      nodeName: '',
      nodeHints: true,
    },
    () => {},
  )
  const made: FamilyFacts = {
    nodeDependent: ports.some(
      (p) =>
        usesLocalEndpoints(p) ||
        p.endpoints.some((ep) => ep.zoneHints.size > 0 || ep.nodeHints.size > 0),
    ),
    sourceRanges: ports.some((p) => p.sourceRanges.length > 0),
  }
  byFamily.set(family, made)
  return made
}

/** JSON for option values: sets and maps as arrays, bigints as text. */
function plain(_key: string, value: unknown): unknown {
  if (value instanceof Set) return [...value]
  if (value instanceof Map) return [...value]
  if (typeof value === 'bigint') return value.toString()
  if (ArrayBuffer.isView(value)) return Array.from(value as Uint8Array)
  return value
}

/**
 * A key equal for nodes whose iptables-mode renders are identical, or `undefined` when the
 * node's render must be its own (another mode, or node-dependent endpoints).
 *
 * @example
 * renderShareKey(cluster, proxyNodeContext(cluster, { nodeName: 'worker-1' })) ===
 *   renderShareKey(cluster, proxyNodeContext(cluster, { nodeName: 'worker-2' })) // true on a plain cluster
 */
export function renderShareKey(cluster: Cluster, node: ProxyNodeContext): string | undefined {
  if (cluster.kubeProxy.mode !== 'iptables') return undefined
  const families: unknown[] = []
  for (const family of node.families) {
    const facts = familyFacts(cluster, family)
    if (facts.nodeDependent) return undefined
    // The options as the node's proxier computes them; the plans (and so the endpoint count
    // behind large-cluster mode) are the same on every node here.
    const {
      nodeIP,
      largeClusterMode: _plans,
      ...options
    } = iptablesOptions(cluster, node, {
      family,
      plans: [],
      totalEndpoints: 0,
    })
    families.push({ ...options, ...(facts.sourceRanges ? { nodeIP } : {}) })
  }
  return JSON.stringify({ canary: node.canaryChains, families }, plain)
}
