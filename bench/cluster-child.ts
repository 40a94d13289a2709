/**
 * @module bench/cluster-child
 * Child process of the cluster-1000 case (see bench/peak-rss.ts for the protocol): generates
 * the cluster YAML (bench/kube/cluster-yaml.ts, not timed), then times what `kpath trace`
 * does with it, through the library calls the CLI makes: `loadCluster`, `assembleCluster`,
 * then `traceBetween` from a pod to a Service on that loaded world. Then, on the same world:
 * the same trace again ({@link AGAIN} times; the median is reported, so that the collection
 * of earlier garbage that lands on some of them does not decide), and first traces of other pod → Service pairs (each
 * crossing nodes no trace had crossed yet). Every trace must deliver every branch and its
 * reply, or the child fails. With a path argument it also writes the client's node's
 * iptables-save (IPv4) there, for the parent's reference timing.
 *
 * usage: cluster-child.ts NODES PODS SERVICES [SAVE-PATH]
 */
import { writeFileSync } from 'node:fs'
import {
  allDelivered,
  type ClusterTraceReport,
  traceBetween,
} from '../src/core/app/cluster-trace.js'
import { assembleCluster } from '../src/core/cluster/index.js'
import { KpathError } from '../src/core/errors.js'
import { loadCluster } from '../src/core/kube/load/index.js'
import { findNetns, netnsName } from '../src/core/model/cluster-state.js'
import { printIptablesSave } from '../src/core/netfilter/iptables-save/index.js'
import { clusterYaml } from './kube/cluster-yaml.js'
import { printChildReport } from './peak-rss.js'
import { median } from './stats.js'

const [nodes = 1000, pods = 30_000, services = 5000] = process.argv.slice(2, 5).map(Number)
const savePath = process.argv[5]
const text = clusterYaml({ nodes, pods, services })

const ms = (start: number) => performance.now() - start

/** How many times the first question is asked again. */
const AGAIN = 15

/** CPU time (user + system, every thread: GC helpers too) since `start`, in ms. */
const cpuMs = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start)
  return (d.user + d.system) / 1000
}

const cpu0 = process.cpuUsage()
let t = performance.now()
const cluster = loadCluster([{ file: 'cluster-1000.yaml', text }])
const loadMs = ms(t)
t = performance.now()
const state = assembleCluster(cluster)
const assembleMs = ms(t)
const world = { cluster, state, warnings: [] }

/** A pod of Deployment `app` (the first the controllers made) to Service `svc`. */
function trace(app: number, svc: number): ClusterTraceReport {
  const pod = cluster.pods.find((p) => p.metadata.labels?.app === `app-${app}`)
  if (pod === undefined) throw new KpathError('KPATH_INVALID_ARGUMENT', `no pod of app-${app}`)
  const from = `pod/default/${pod.metadata.name}`
  const r = traceBetween({ inputs: [], world, from, to: `svc/default/svc-${svc}` })
  if (!allDelivered(r.trace))
    throw new KpathError('KPATH_INVALID_ARGUMENT', `${from} → svc-${svc} was not delivered`)
  return r
}

t = performance.now()
const first = trace(0, 1)
const firstMs = ms(t)
const firstCpuMs = cpuMs(cpu0)
const again: number[] = []
for (let i = 0; i < AGAIN; i++) {
  t = performance.now()
  trace(0, 1)
  again.push(ms(t))
}
const others: number[] = []
for (const [app, svc] of [
  [Math.floor(services / 2), services - 1],
  [services - 1, Math.floor(services / 3)],
  [Math.floor(services / 4), 2],
]) {
  t = performance.now()
  trace(app as number, svc as number)
  others.push(ms(t))
}

if (savePath !== undefined) {
  const role = findNetns(state, first.netns)?.role
  const host = role?.kind === 'pod' ? findNetns(state, netnsName.node(role.node)) : undefined
  const rules = host?.iptables.ipv4
  if (rules === undefined)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `no IPv4 rules on the client's node`)
  writeFileSync(savePath, printIptablesSave(rules))
}

printChildReport({
  nodes: cluster.nodes.length,
  pods: cluster.pods.length,
  services: cluster.services.length,
  namespaces: state.namespaces.length,
  yamlBytes: text.length,
  branches: first.trace.branches.length,
  loadMs,
  assembleMs,
  firstTraceMs: firstMs,
  cpuToFirstTraceMs: firstCpuMs,
  againMs: median(again),
  againRuns: again,
  otherPairsMs: others,
})
