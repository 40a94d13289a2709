/**
 * @module core/cni/kube-router/daemonset
 * Finding kube-router in the input: the DaemonSet whose container runs the kube-router image
 * (`cloudnativelabs/kube-router`, any registry) or the `kube-router` binary, its arguments, the
 * release its image tag names, and the nodes it runs on.
 *
 * The loader keeps container fields it does not type (`command`, `args`) as written, so they
 * are read here from the object itself.
 */
import type { SourceLocation } from '../../errors.js'
import type { Cluster, Container, Workload } from '../../kube/model.js'

export interface KubeRouterDeployment {
  readonly daemonSet: Workload
  readonly container: Container
  /**
   * The arguments after the binary: `command[1:]` + `args`, or `args` alone. Undefined when the
   * kube-router image is started through another command (a shell), whose arguments kpath
   * cannot read.
   */
  readonly args: readonly string[] | undefined
  readonly image: string
  /** The release line the image tag names; `undefined` when the tag does not say. */
  readonly major: 1 | 2 | undefined
  readonly location: SourceLocation | undefined
}

function strings(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined
  return v.every((s) => typeof s === 'string') ? (v as string[]) : undefined
}

function field(c: Container, name: 'command' | 'args'): string[] | undefined {
  return strings((c as unknown as Readonly<Record<string, unknown>>)[name])
}

const IMAGE = /(^|\/)kube-router(:|@|$)/
const BINARY = /(^|\/)kube-router$/

/** `binary`: kube-router itself; `opaque`: its image, started through another command. */
function runsKubeRouter(c: Container): 'binary' | 'opaque' | undefined {
  const cmd = field(c, 'command')?.[0]
  if (cmd !== undefined && BINARY.test(cmd)) return 'binary'
  if (!IMAGE.test(c.image ?? '')) return undefined
  return cmd === undefined ? 'binary' : 'opaque'
}

/** `v1.6.0` → 1, `v2.1.3` → 2; `latest`, a digest or no tag → undefined. */
export function imageMajor(image: string): 1 | 2 | undefined {
  const at = image.indexOf('@')
  const name = at < 0 ? image : image.slice(0, at)
  const colon = name.lastIndexOf(':')
  if (colon < 0 || name.indexOf('/', colon) >= 0) return undefined
  const m = /^v?(\d+)\.\d+/.exec(name.slice(colon + 1))
  if (m?.[1] === '1') return 1
  if (m?.[1] === '2') return 2
  return undefined
}

/** Every DaemonSet container that runs kube-router, in input order. */
export function findKubeRouter(cluster: Cluster): KubeRouterDeployment[] {
  const out: KubeRouterDeployment[] = []
  for (const w of cluster.workloads) {
    if (w.kind !== 'DaemonSet') continue
    for (const c of w.spec.template.spec.containers) {
      const runs = runsKubeRouter(c)
      if (runs === undefined) continue
      const command = field(c, 'command')
      const args =
        runs === 'opaque' ? undefined : [...(command?.slice(1) ?? []), ...(field(c, 'args') ?? [])]
      const image = c.image ?? ''
      out.push({
        daemonSet: w,
        container: c,
        args,
        image,
        major: imageMajor(image),
        location: cluster.locations.get(w),
      })
    }
  }
  return out
}

/**
 * The nodes a kube-router pod runs on: those with a pod owned by the DaemonSet (the loader's
 * DaemonSet controller makes one per fitting node). With no such pod in the input, every node.
 */
export function kubeRouterNodes(cluster: Cluster, ds: Workload): ReadonlySet<string> {
  const ns = ds.metadata.namespace ?? 'default'
  const owned = cluster.pods.filter(
    (p) =>
      (p.metadata.namespace ?? 'default') === ns &&
      p.spec.nodeName !== undefined &&
      (p.metadata.ownerReferences ?? []).some(
        (o) => o.kind === 'DaemonSet' && o.name === ds.metadata.name,
      ),
  )
  const names =
    owned.length > 0
      ? owned.map((p) => p.spec.nodeName ?? '')
      : cluster.nodes.map((n) => n.metadata.name)
  return new Set(names)
}
