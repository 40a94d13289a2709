/**
 * @module bench/cases/render-kube-proxy
 * How long kpath takes to render kube-proxy's iptables rules for one node of a cluster with
 * 10,000 Services × 3 endpoints (issue 3: ≤ 0.5 s). The value is `renderKubeProxy` up to the
 * restore payload kube-proxy writes (`emitted`); the details add the time to also obtain the
 * parsed node view (`ruleset`, computed on first read). The reference, measured in the same
 * run, is the real iptables-legacy-restore loading our own rendering (the node's iptables-save
 * view) into a fresh scratch namespace. Peak RSS comes from fresh child processes. nfacct
 * counters are left out: a fresh namespace has no nfacct objects, and this machine has no
 * nfacct tool to make them.
 */
import { ScratchNetns } from '../../src/adapters/node/scratch-netns.js'
import type { Execer } from '../../src/core/exec.js'
import { proxyNodeContext, renderKubeProxy } from '../../src/core/kube/proxy/index.js'
import { printIptablesSave } from '../../src/core/netfilter/iptables-save/index.js'
import { defineBenchmark } from '../case.js'
import { benchCluster } from '../kube/cluster.js'
import { runMeasuredChild } from '../peak-rss.js'
import { formatMiB, formatMs, median, timed, timedRuns } from '../stats.js'

const CHILD = new URL('../render-rss-child.ts', import.meta.url)

async function restoreMs(execer: Execer, text: string): Promise<number | string> {
  if (!(await execer.lookPath('iptables-legacy-restore')))
    return 'iptables-legacy-restore is not installed'
  const created = await ScratchNetns.create(execer, 'bench-render')
  if ('reason' in created) return created.reason
  try {
    const runs: number[] = []
    for (let i = 0; i < 3; i++) {
      const { ms } = await timed(() =>
        created.ns.exec(['iptables-legacy-restore'], { stdin: text }),
      )
      runs.push(ms)
    }
    return median(runs)
  } finally {
    await created.ns.dispose()
  }
}

export default defineBenchmark({
  name: 'render-kube-proxy',
  target: { description: '≤ 500 ms for 10,000 Services × 3 endpoints', maxValue: 500 },
  async run(ctx) {
    const n = ctx.dump.services
    const e = ctx.dump.endpointsPerService
    const cluster = benchCluster(n, e)
    const node = proxyNodeContext(cluster, {
      nodeName: 'node-1',
      families: ['IPv4'],
      nfacctCounters: [],
    })
    // What kube-proxy writes: the restore payload in its emission order.
    const payload = () => renderKubeProxy(cluster, node).iptables?.ipv4?.emitted.length
    // The same render, then the node view every trace starts from.
    const withView = () => renderKubeProxy(cluster, node).iptables?.ipv4?.ruleset
    const runs = await timedRuns(payload, ctx.warmups, ctx.runs)
    const viewRuns = await timedRuns(withView, ctx.warmups, ctx.runs)
    const value = median(runs)
    const saved = printIptablesSave(withView() ?? { family: 4, tables: [] })
    const [rendered, viewed, built] = [
      await runMeasuredChild(ctx.execer, CHILD, ['render', String(n), String(e)], ''),
      await runMeasuredChild(ctx.execer, CHILD, ['view', String(n), String(e)], ''),
      await runMeasuredChild(ctx.execer, CHILD, ['build', String(n), String(e)], ''),
    ]
    const details = {
      runs: runs.map((ms) => formatMs(ms)).join(', '),
      'with node view (ruleset), median': formatMs(median(viewRuns)),
      'with node view, runs': viewRuns.map((ms) => formatMs(ms)).join(', '),
      'peak RSS (render)': formatMiB(rendered.maxRssBytes),
      'peak RSS (render + node view)': formatMiB(viewed.maxRssBytes),
      'peak RSS (cluster only)': formatMiB(built.maxRssBytes),
      'rendered lines': saved.split('\n').length.toLocaleString('en-US'),
    }
    const ref = await restoreMs(ctx.execer, saved)
    if (typeof ref === 'string')
      return { value, unit: 'ms', details: { ...details, reference: `skipped: ${ref}` } }
    return {
      value,
      unit: 'ms',
      reference: {
        label: 'iptables-legacy-restore of our rendering, median of 3',
        value: ref,
        unit: 'ms',
      },
      ratio: value / ref,
      details,
    }
  },
})
