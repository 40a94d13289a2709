/**
 * @module bench/cases/trace-first-packet-ipvs
 * The IPVS half of issue 6's benchmark: the first packet of a connection from a pod to the last
 * of 10,000 Services through one node rendered by kube-proxy in IPVS mode (kube-ipvs0 holding
 * every ClusterIP, the virtual services, kube-proxy's ipsets and its IPVS-mode rules). The walk
 * is PREROUTING (KUBE-SERVICES, the KUBE-CLUSTER-IP set), the local route, filter INPUT, IPVS at
 * LOCAL_IN (virtual service lookup, rr over 3 real servers: every branch enumerated), then
 * OUTPUT and POSTROUTING. Budget: the iptables trace-first-packet case's (median ≤ 50 µs); the
 * reference is that case's walk (iptables mode, the same 10,000 Services × 3 endpoints rendered
 * by kpath) measured in the same run, so the ratio is IPVS / iptables.
 */

import type { Cluster } from '../../src/core/kube/model.js'
import { proxyNodeContext, renderKubeProxy } from '../../src/core/kube/proxy/index.js'
import type { Packet } from '../../src/core/model/packet.js'
import {
  createRuntime,
  type NetfilterEnv,
  staticEnv,
  tracePacket,
} from '../../src/core/netfilter/engine/index.js'
import type { NetfilterRuntime } from '../../src/core/netfilter/engine/runtime.js'
import { defineBenchmark } from '../case.js'
import { benchCluster } from '../kube/cluster.js'
import { median, timeUs } from '../stats.js'

const TIMED = 2000
const NODE_IP = '192.168.0.2'

function withMode(c: Cluster, mode: 'ipvs' | 'iptables'): Cluster {
  return { ...c, kubeProxy: { ...c.kubeProxy, mode } }
}

interface Walk {
  readonly rt: NetfilterRuntime
  readonly env: NetfilterEnv
}

/** The node of one mode: its runtime and an environment where the VIPs (IPVS) are local. */
function nodeWalk(cluster: Cluster, mode: 'ipvs' | 'iptables'): Walk {
  const c = withMode(cluster, mode)
  const node = proxyNodeContext(c, { nodeName: 'node-1', families: ['IPv4'], nfacctCounters: [] })
  const out = renderKubeProxy(c, node)
  const ruleset = out.iptables?.ipv4?.ruleset ?? { family: 4, tables: [] }
  const ipvs = out.ipvs?.node
  const rt = createRuntime({
    ruleset,
    ...(ipvs === undefined ? {} : { ipvs: ipvs.ipvs, ipsets: ipvs.ipsets, sysctls: ipvs.sysctls }),
  })
  // The pods' endpoints live on node-2, behind the node's eth0 (default route).
  const env = staticEnv({
    local: [NODE_IP, ...(ipvs?.addresses.map((a) => a.local) ?? [])],
    ifaceAddrs: { eth0: [`${NODE_IP}/24`], cni0: ['10.244.0.1/24'] },
  })
  return { rt, env }
}

export default defineBenchmark({
  name: 'trace-first-packet-ipvs',
  target: { description: 'median ≤ 50 µs (the iptables trace-first-packet budget)', maxValue: 50 },
  async run(ctx) {
    const cluster = benchCluster(ctx.dump.services, ctx.dump.endpointsPerService)
    const last = cluster.services.at(-1)
    const packet: Packet = {
      family: 4,
      src: '10.244.0.5',
      dst: last?.spec.clusterIP ?? '',
      proto: 6,
      sport: 40000,
      dport: last?.spec.ports[0]?.port ?? 80,
      tcpFlags: ['SYN'],
      ttl: 64,
      length: 60,
      mark: 0,
      inIface: 'cni0',
    }
    const ipvs = nodeWalk(cluster, 'ipvs')
    const iptables = nodeWalk(cluster, 'iptables')
    const all = (w: Walk) => () => tracePacket(w.rt, w.env, packet, 'prerouting')
    const one = (w: Walk) => () =>
      tracePacket(w.rt, w.env, packet, 'prerouting', { kind: 'sample', seed: 1 })
    const outs = all(ipvs)()
    const scheduled = outs.filter((o) => o.result.events.some((e) => e.kind === 'ipvs')).length
    for (const f of [all(ipvs), one(ipvs), all(iptables)]) timeUs(f, 200)
    const allUs = median(timeUs(all(ipvs), TIMED))
    const oneUs = median(timeUs(one(ipvs), TIMED))
    const refUs = median(timeUs(all(iptables), TIMED))
    return {
      value: allUs,
      unit: 'µs',
      reference: {
        label: 'iptables-mode trace of the same packet (kpath render), same run',
        value: refUs,
        unit: 'µs',
      },
      ratio: allUs / refUs,
      details: {
        'all branches (median)': `${allUs.toFixed(1)} µs for ${outs.length} branches (${scheduled} through IPVS)`,
        'one sampled branch (median)': `${oneUs.toFixed(1)} µs`,
        'real servers reached': outs.map((o) => o.result.packetOut.dst).join(', '),
        'timed traces': String(TIMED),
      },
    }
  },
})
