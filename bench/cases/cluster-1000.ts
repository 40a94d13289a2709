/**
 * @module bench/cases/cluster-1000
 * Issue 4's acceptance benchmark: a generated cluster of 1,000 nodes, 30,000 pods and 5,000
 * Services (bench/kube/cluster-yaml.ts: flannel VXLAN, kube-proxy iptables mode) is loaded,
 * assembled and asked its first pod → Service trace in ≤ 10 s, with ≤ 4 GiB peak memory; a
 * second trace (the same question again, on the loaded cluster) takes ≤ 5 ms.
 *
 * Each run is a fresh child process (bench/cluster-child.ts), so the value includes no warm
 * JIT and the peak RSS (getrusage maxrss) is the whole process's: YAML text, model, every
 * namespace and the trace. The value is the median over the runs of load + assemble + first
 * trace; the details give each phase, the second trace, and first traces of other pairs
 * (they cross nodes no trace had built yet, so they pay those nodes' rules and routes).
 *
 * The reference, measured in the same run: `iptables-legacy-restore --test` of ONE node's
 * IPv4 ruleset as kpath assembled it (kube-proxy's ~100,000 rules plus flannel's), in a
 * scratch `kpath-` namespace, median of 3. That is the real tool doing the least a kernel does
 * with one node's rules of this cluster (parse and validate them); kpath reads the whole
 * cluster, builds every node on demand and traces. A ratio of 3 means the whole answer costs
 * what three single-node validations cost. (`JSON.parse` of a same-sized input would be a
 * baseline for the YAML step only, and would say nothing about rules.)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ScratchNetns } from '../../src/adapters/node/scratch-netns.js'
import type { Execer } from '../../src/core/exec.js'
import { defineBenchmark } from '../case.js'
import { ISSUE_4 } from '../kube/cluster-yaml.js'
import { runMeasuredChild } from '../peak-rss.js'
import { RESTORE_COMMAND } from '../restore-timing.js'
import { formatMiB, formatMs, median, timed } from '../stats.js'

const CHILD = new URL('../cluster-child.ts', import.meta.url)
const GIB = 2 ** 30

/** One child run's report (see bench/cluster-child.ts). */
interface ChildRun {
  readonly rssBytes: number
  readonly loadMs: number
  readonly assembleMs: number
  readonly firstTraceMs: number
  /** CPU time of load + assemble + first trace, every thread. */
  readonly cpuMs: number
  readonly againMs: number
  readonly otherPairsMs: readonly number[]
  readonly namespaces: number
  readonly pods: number
  readonly yamlBytes: number
}

const num = (r: Readonly<Record<string, unknown>>, k: string) => Number(r[k])

async function runChild(execer: Execer, savePath?: string): Promise<ChildRun> {
  const size = [ISSUE_4.nodes, ISSUE_4.pods, ISSUE_4.services].map(String)
  const args = savePath === undefined ? size : [...size, savePath]
  const { maxRssBytes, report: r } = await runMeasuredChild(execer, CHILD, args, '')
  return {
    rssBytes: maxRssBytes,
    loadMs: num(r, 'loadMs'),
    assembleMs: num(r, 'assembleMs'),
    firstTraceMs: num(r, 'firstTraceMs'),
    cpuMs: num(r, 'cpuToFirstTraceMs'),
    againMs: num(r, 'againMs'),
    otherPairsMs: Array.isArray(r.otherPairsMs) ? r.otherPairsMs.map(Number) : [],
    namespaces: num(r, 'namespaces'),
    pods: num(r, 'pods'),
    yamlBytes: num(r, 'yamlBytes'),
  }
}

/**
 * `iptables-legacy-restore --test` of `text` in a scratch namespace, median of 3 (ms), or why
 * not. Only `--test` (bench/restore-timing.ts also loads once for real): kube-proxy's rules
 * count into nfacct objects, which a fresh namespace lacks and this machine has no tool to
 * make, so a real load fails where `--test` does not look.
 */
async function restoreTestMs(execer: Execer, text: string): Promise<number | string> {
  if (!(await execer.lookPath(RESTORE_COMMAND))) return `${RESTORE_COMMAND} is not installed`
  const created = await ScratchNetns.create(execer, 'bench-c1000')
  if ('reason' in created) return created.reason
  try {
    const runs: number[] = []
    for (let i = 0; i < 3; i++) {
      const { ms } = await timed(() =>
        created.ns.exec([RESTORE_COMMAND, '--test'], { stdin: text }),
      )
      runs.push(ms)
    }
    return median(runs)
  } finally {
    await created.ns.dispose()
  }
}

const total = (r: ChildRun) => r.loadMs + r.assembleMs + r.firstTraceMs
const list = (xs: readonly number[]) => xs.map((x) => formatMs(x)).join(', ')

export default defineBenchmark({
  name: 'cluster-1000',
  target: {
    description: '≤ 10 s load + build + first trace; ≤ 4 GiB peak RSS; second trace ≤ 5 ms',
    maxValue: 10_000,
  },
  async run(ctx) {
    const dir = await mkdtemp(join(tmpdir(), 'kpath-bench-c1000-'))
    try {
      const save = join(dir, 'node.rules')
      const runs: ChildRun[] = []
      const count = Math.min(ctx.runs, 3)
      for (let i = 0; i < count; i++) {
        ctx.log(`cluster-1000: child run ${i + 1} of ${count}`)
        runs.push(await runChild(ctx.execer, i === 0 ? save : undefined))
      }
      const first = runs[0] as ChildRun
      const value = median(runs.map(total))
      const peak = Math.max(...runs.map((r) => r.rssBytes))
      const again = median(runs.map((r) => r.againMs))
      const details = {
        cluster: `${ISSUE_4.nodes} nodes, ${first.pods.toLocaleString('en-US')} pods, ${ISSUE_4.services} Services, ${first.namespaces.toLocaleString('en-US')} namespaces, ${formatMiB(first.yamlBytes)} of YAML`,
        'runs (load + assemble + first trace)': list(runs.map(total)),
        load: list(runs.map((r) => r.loadMs)),
        assemble: list(runs.map((r) => r.assembleMs)),
        'first trace': list(runs.map((r) => r.firstTraceMs)),
        'CPU time of the three (all threads)': list(runs.map((r) => r.cpuMs)),
        'second trace (same question, median of 15 per run)': list(runs.map((r) => r.againMs)),
        'first traces of 3 other pairs (new nodes)': list(runs.flatMap((r) => r.otherPairsMs)),
        'peak RSS': runs.map((r) => formatMiB(r.rssBytes)).join(', '),
      }
      const bounds = [
        { label: 'peak RSS', value: peak / GIB, max: 4, unit: 'GiB' },
        { label: 'second trace', value: again, max: 5, unit: 'ms' },
      ]
      const ref = await restoreTestMs(ctx.execer, await readFile(save, 'utf8'))
      if (typeof ref === 'string')
        return { value, unit: 'ms', bounds, details: { ...details, reference: `skipped: ${ref}` } }
      return {
        value,
        unit: 'ms',
        reference: {
          label: "iptables-legacy-restore --test of one node's rules, median of 3",
          value: ref,
          unit: 'ms',
        },
        ratio: value / ref,
        bounds,
        details,
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  },
})
