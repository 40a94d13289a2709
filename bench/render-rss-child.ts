/**
 * @module bench/render-rss-child
 * Child process of the render-kube-proxy case (see bench/peak-rss.ts): builds the benchmark
 * cluster and, with `render`, renders it once (the restore payload kube-proxy writes); with
 * `view`, also reads the node view (`ruleset`); with `build`, only builds it.
 */
import { proxyNodeContext, renderKubeProxy } from '../src/core/kube/proxy/index.js'
import { benchCluster } from './kube/cluster.js'
import { printChildReport, readStdin } from './peak-rss.js'

const [mode = '', services = '10000', endpoints = '3'] = process.argv.slice(2)
await readStdin()
const cluster = benchCluster(Number(services), Number(endpoints))
if (mode === 'render' || mode === 'view') {
  const r = renderKubeProxy(
    cluster,
    proxyNodeContext(cluster, { nodeName: 'node-1', families: ['IPv4'], nfacctCounters: [] }),
  )
  const out = r.iptables?.ipv4
  const tables = mode === 'view' ? (out?.ruleset.tables.length ?? 0) : 0
  printChildReport({ mode, payloadChars: out?.emitted.length ?? 0, tables })
} else {
  printChildReport({ mode, services: cluster.services.length })
}
