/**
 * @module bench/cases/render-kube-proxy-ipvs
 * kube-proxy's IPVS mode for one node of the 10,000 Services × 3 endpoints cluster (issue 6:
 * the same budget as iptables mode, ≤ 500 ms). The value is `renderKubeProxy` in ipvs mode up
 * to everything the node gets except the parsed iptables view: IPVS services, the ipsets (read
 * back through kpath's ipset restore model) and the restore payload. The details add the node
 * view (`ruleset`, lazy). The reference, measured in the same run on the same cluster, is the
 * iptables-mode render (`emitted`), the figure of the render-kube-proxy case.
 */
import type { Cluster } from '../../src/core/kube/model.js'
import { proxyNodeContext, renderKubeProxy } from '../../src/core/kube/proxy/index.js'
import { defineBenchmark } from '../case.js'
import { benchCluster } from '../kube/cluster.js'
import { formatMs, median, timedRuns } from '../stats.js'

function withMode(c: Cluster, mode: 'ipvs' | 'iptables'): Cluster {
  return { ...c, kubeProxy: { ...c.kubeProxy, mode } }
}

export default defineBenchmark({
  name: 'render-kube-proxy-ipvs',
  target: { description: '≤ 500 ms for 10,000 Services × 3 endpoints', maxValue: 500 },
  async run(ctx) {
    const base = benchCluster(ctx.dump.services, ctx.dump.endpointsPerService)
    const ipvs = withMode(base, 'ipvs')
    const iptables = withMode(base, 'iptables')
    const node = proxyNodeContext(base, {
      nodeName: 'node-1',
      families: ['IPv4'],
      nfacctCounters: [],
    })
    const render = () => renderKubeProxy(ipvs, node).ipvs?.node.ipvs.services.length
    const withView = () => renderKubeProxy(ipvs, node).iptables?.ipv4?.ruleset
    const reference = () => renderKubeProxy(iptables, node).iptables?.ipv4?.emitted.length
    const runs = await timedRuns(render, ctx.warmups, ctx.runs)
    const viewRuns = await timedRuns(withView, ctx.warmups, ctx.runs)
    const refRuns = await timedRuns(reference, ctx.warmups, ctx.runs)
    const out = renderKubeProxy(ipvs, node).ipvs?.node
    const value = median(runs)
    const ref = median(refRuns)
    return {
      value,
      unit: 'ms',
      reference: { label: 'iptables-mode render (emitted), same run', value: ref, unit: 'ms' },
      ratio: value / ref,
      details: {
        runs: runs.map((ms) => formatMs(ms)).join(', '),
        'with node view (ruleset), median': formatMs(median(viewRuns)),
        'virtual services': (out?.ipvs.services.length ?? 0).toLocaleString('en-US'),
        'ipset members': (
          out?.ipsets.reduce((n, s) => n + s.members.length, 0) ?? 0
        ).toLocaleString('en-US'),
        'kube-ipvs0 addresses': (out?.addresses.length ?? 0).toLocaleString('en-US'),
      },
    }
  },
})
