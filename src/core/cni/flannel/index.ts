/**
 * @module core/cni/flannel
 * flannel (v0.28, `--kube-subnet-mgr`) as a kpath {@link CniPlugin}: flanneld's backend device,
 * routes, neighbours and FDB entries, its iptables rules, and the bridge plugin it delegates
 * pods to through flannel's CNI plugin. README.md says what is followed and what is not.
 *
 * @example
 * // a kube-flannel-cfg ConfigMap in the input selects flannel (see ../index.ts)
 * assembleCluster(cluster).namespaces.find((n) => n.name === 'node-worker')?.links // lo, eth0, flannel.1, cni0, veth…
 */
import { concatFragments } from '../../cluster/fragments.js'
import { formatPrefix4 } from '../../cluster/ipv4.js'
import { type BridgeConf, readBridgeConf } from '../bridge/config.js'
import { bridgeNode, bridgePod } from '../bridge/wire.js'
import type { CniContext, CniPlugin, NetnsFragment, NodeUnderlay } from '../types.js'
import { hostGwNode } from './backends/hostgw.js'
import { UDP_OVERHEAD, udpNode } from './backends/udp.js'
import { vxlanMtu, vxlanNode } from './backends/vxlan.js'
import { flannelRestore } from './iptables.js'
import { type Lease, leases } from './leases.js'
import { type FlannelSetup, flannelSetup } from './setup.js'

export { type Lease, vxlanDevice } from './leases.js'
export { flannelSetup } from './setup.js'

const leaseCache = new WeakMap<CniContext, Lease[]>()

function allLeases(ctx: CniContext, setup: FlannelSetup): Lease[] {
  const hit = leaseCache.get(ctx)
  if (hit !== undefined) return hit
  const made = leases(ctx, setup)
  leaseCache.set(ctx, made)
  return made
}

/** The MTU flanneld writes to subnet.env (FLANNEL_MTU), which the CNI plugin hands to bridge. */
export function flannelMtu(setup: FlannelSetup, own: Lease): number {
  const b = setup.netConf.backend
  if (b.type === 'vxlan') return vxlanMtu(b, own)
  if (b.type === 'udp') return own.underlay.mtu - UDP_OVERHEAD
  return own.underlay.mtu
}

/**
 * The bridge config flannel's CNI plugin builds (`doCmdAdd`): the delegate with the network
 * name, type bridge, ipMasq = !FLANNEL_IPMASQ, mtu = FLANNEL_MTU and isGateway true unless the
 * delegate says otherwise, and host-local IPAM on the lease with a route to the Network.
 */
export function delegateConf(ctx: CniContext, setup: FlannelSetup, own: Lease): BridgeConf {
  const d = setup.delegate
  const value = {
    ...d,
    name: setup.cniName,
    type: d.type ?? 'bridge',
    ipMasq: d.ipMasq ?? !setup.args.ipMasq,
    mtu: d.mtu ?? flannelMtu(setup, own),
    isGateway: d.isGateway ?? true,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: 'usePodCidr' }]],
      routes: [...setup.ipamRoutes, { dst: formatPrefix4(setup.netConf.network) }],
    },
  }
  return readBridgeConf(value, setup.cniSource, ctx)
}

interface OwnLease {
  readonly setup: FlannelSetup
  readonly own?: Lease
  readonly others: Lease[]
}

/**
 * Per context, each node's lease and the others, and the bridge config its pods get: a node
 * with 30 pods asks 31 times, and a 1,000-node cluster must not search and split 1,000 leases
 * (and validate the delegate config) once per pod.
 */
const ownCache = new WeakMap<CniContext, Map<string, OwnLease>>()
const confCache = new WeakMap<Lease, BridgeConf>()

function ownLease(ctx: CniContext, node: NodeUnderlay): OwnLease {
  let byNode = ownCache.get(ctx)
  if (byNode === undefined) {
    byNode = new Map()
    ownCache.set(ctx, byNode)
  }
  const name = node.node.metadata.name
  const hit = byNode.get(name)
  if (hit !== undefined) return hit
  const setup = flannelSetup(ctx)
  const all = allLeases(ctx, setup)
  const own = all.find((l) => l.node === name)
  const made = {
    setup,
    ...(own === undefined ? {} : { own }),
    others: all.filter((l) => l !== own),
  }
  byNode.set(name, made)
  return made
}

/** {@link delegateConf} of a node's lease, made once (leases are cached per context). */
function podConf(ctx: CniContext, setup: FlannelSetup, own: Lease): BridgeConf {
  let conf = confCache.get(own)
  if (conf === undefined) {
    conf = delegateConf(ctx, setup, own)
    confCache.set(own, conf)
  }
  return conf
}

function backendNode(
  ctx: CniContext,
  setup: FlannelSetup,
  own: Lease,
  others: readonly Lease[],
): NetnsFragment {
  const b = setup.netConf.backend
  if (b.type === 'vxlan') return vxlanNode(b, own, others)
  if (b.type === 'udp') return udpNode(b.port, setup.netConf.network, own, others)
  return hostGwNode(ctx, own, others)
}

function flannelNode(ctx: CniContext, node: NodeUnderlay): NetnsFragment {
  const { setup, own, others } = ownLease(ctx, node)
  if (own === undefined) return {}
  if (setup.args.blackholeRoute)
    ctx.unsupported(
      "flanneld --ip-blackhole-route is not modelled (the blackhole route clashes with cni0's subnet route)",
      setup.args.location,
    )
  const ipv4 = setup.iptables
    ? flannelRestore({
        network: setup.netConf.network,
        subnet: own.subnet,
        ipMasq: setup.args.ipMasq,
        randomFully: setup.args.randomFully,
        forwardRules: setup.args.forwardRules,
      })
    : undefined
  return concatFragments(
    backendNode(ctx, setup, own, others),
    ipv4 === undefined ? {} : { iptablesRestore: { ipv4 } },
    bridgeNode(ctx, podConf(ctx, setup, own), node),
  )
}

export const flannelPlugin: CniPlugin = {
  name: 'flannel',
  node: flannelNode,
  pod(ctx, pod, node) {
    const { setup, own } = ownLease(ctx, node)
    if (own === undefined) return { pod: {}, host: {} }
    return bridgePod(ctx, podConf(ctx, setup, own), pod, node)
  },
}
