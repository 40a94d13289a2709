/**
 * @module bench/render-rss-child
 * Child process of the render-kube-proxy case (see bench/peak-rss.ts): builds the benchmark
 * cluster and, with `render`, renders it once; with `build`, only builds it.
 */
import { proxyNodeContext, renderKubeProxy } from '../src/core/kube/proxy/index.js'
import { benchCluster } from './kube/cluster.js'
import { printChildReport, readStdin } from './peak-rss.js'

const [mode = '', services = '10000', endpoints = '3'] = process.argv.slice(2)
await readStdin()
const cluster = benchCluster(Number(services), Number(endpoints))
if (mode === 'render') {
  const r = renderKubeProxy(cluster, proxyNodeContext(cluster, { nodeName: 'node-1', families: ['IPv4'], nfacctCounters: [] }))
  printChildReport({ mode, payloadChars: r.iptables?.ipv4?.payload.length ?? 0 })
} else {
  printChildReport({ mode, services: cluster.services.length })
}
