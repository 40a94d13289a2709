/**
 * @module bench/lab-kit
 * Shared by the lab benchmarks (bench/cases/lab-*.ts): a flannel host-gw cluster of N nodes and
 * P pods (one Deployment spread over the nodes, a Service, kube-proxy in iptables mode), timed
 * `labUp`/`labDown` on it, and the reference: bench/lab-shell.sh, a plain shell script building
 * the same namespaces, links, addresses and routes one command at a time, as one would by hand.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { labDown, labUp, loadWorld, planFor, whyNoLab } from '../src/adapters/node/lab/index.js'
import { KpathError } from '../src/core/errors.js'
import { type BenchContext, type Benchmark, defineBenchmark } from './case.js'
import { median } from './stats.js'

const run = promisify(execFile)
const SHELL = fileURLToPath(new URL('./lab-shell.sh', import.meta.url))

export function clusterYaml(nodes: number, pods: number): string {
  const docs = [
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nclusterCIDR: 10.244.0.0/16',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg, namespace: kube-flannel}\ndata:\n  net-conf.json: |\n    {"Network": "10.244.0.0/16", "Backend": {"Type": "host-gw"}}',
  ]
  for (let i = 1; i <= nodes; i++)
    docs.push(
      `apiVersion: v1\nkind: Node\nmetadata: {name: n${i}}\nstatus:\n  addresses:\n  - {type: InternalIP, address: 10.39.0.${10 + i}}`,
    )
  docs.push(
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  replicas: ${pods}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: web, image: nginx, ports: [{containerPort: 8080}]}`,
    'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec:\n  selector: {app: web}\n  clusterIP: 10.96.0.10\n  ports: [{port: 80, targetPort: 8080}]',
  )
  return `${docs.join('\n---\n')}\n`
}

export interface LabTiming {
  readonly upMs: number
  readonly downMs: number
  readonly namespaces: number
  readonly shellUpMs: number
  readonly shellDownMs: number
}

async function shell(args: readonly string[]): Promise<number> {
  const t = performance.now()
  await run('bash', [SHELL, ...args])
  return performance.now() - t
}

/** Median up/down times of `runs` labs, and of the shell script doing the same. */
export async function timeLab(
  ctx: BenchContext,
  nodes: number,
  pods: number,
  runs = 3,
): Promise<LabTiming> {
  const why = await whyNoLab(ctx.execer)
  if (why !== undefined) throw new KpathError('KPATH_EXEC', `lab benchmark skipped: ${why}`)
  const inputs = [{ file: `bench-${nodes}x${pods}.yaml`, text: clusterYaml(nodes, pods) }]
  const world = loadWorld(inputs)
  const up: number[] = []
  const down: number[] = []
  const shUp: number[] = []
  const shDown: number[] = []
  let namespaces = 0
  for (let i = 0; i < runs; i++) {
    const name = `b${process.pid.toString(36)}${i}`
    const plan = planFor(world, name, 'legacy')
    namespaces = plan.namespaces.length
    ctx.log(`lab up ${nodes}x${pods} (${namespaces} namespaces), run ${i + 1}/${runs}`)
    up.push((await labUp(plan, { execer: ctx.execer, inputs })).ms)
    const t = performance.now()
    await labDown(ctx.execer, name)
    down.push(performance.now() - t)
    const prefix = `kpath-sh${process.pid.toString(36)}${i}`
    shUp.push(await shell(['up', prefix, String(nodes), String(Math.ceil(pods / nodes))]))
    shDown.push(await shell(['down', prefix]))
  }
  return {
    upMs: median(up),
    downMs: median(down),
    namespaces,
    shellUpMs: median(shUp),
    shellDownMs: median(shDown),
  }
}

/**
 * The benchmark `lab-<phase>-<nodes>x<pods>`: our median `lab up` (or `down`) time against the
 * shell script's, with both phases of both shown in the details.
 */
export function labBenchmark(
  phase: 'up' | 'down',
  nodes: number,
  pods: number,
  maxMs: number,
): Benchmark {
  return defineBenchmark({
    name: `lab-${phase}-${nodes}x${pods}`,
    target: { description: `≤ ${maxMs} ms`, maxValue: maxMs },
    async run(ctx) {
      const t = await timeLab(ctx, nodes, pods)
      const ours = phase === 'up' ? t.upMs : t.downMs
      const shell = phase === 'up' ? t.shellUpMs : t.shellDownMs
      return {
        value: ours,
        unit: 'ms',
        reference: {
          label: `bench/lab-shell.sh ${phase} (same topology)`,
          value: shell,
          unit: 'ms',
        },
        ratio: ours / shell,
        details: {
          namespaces: String(t.namespaces),
          'lab up / down': `${t.upMs.toFixed(0)} / ${t.downMs.toFixed(0)} ms`,
          'shell up / down': `${t.shellUpMs.toFixed(0)} / ${t.shellDownMs.toFixed(0)} ms`,
        },
      }
    },
  })
}
