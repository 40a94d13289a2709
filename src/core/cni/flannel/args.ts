/**
 * @module core/cni/flannel/args
 * flanneld's command line (main.go flags, v0.28) from the flannel DaemonSet: the container whose
 * command runs `flanneld` (or named `kube-flannel`). Without a DaemonSet in the input, the
 * arguments of kube-flannel.yml are used: `--ip-masq --kube-subnet-mgr`. Go's flag package
 * accepts `-flag` and `--flag`, `--flag=value` and `--flag value`; booleans take `=true|false`.
 */
import type { SourceLocation } from '../../errors.js'
import type { Cluster, Workload } from '../../kube/model.js'
import type { CniContext } from '../types.js'

export interface FlannelArgs {
  readonly ipMasq: boolean
  readonly randomFully: boolean
  readonly kubeSubnetMgr: boolean
  readonly forwardRules: boolean
  readonly blackholeRoute: boolean
  /** `--iface` values, in order (names or addresses). */
  readonly ifaces: readonly string[]
  readonly publicIP?: string
  readonly annotationPrefix: string
  /** Where the arguments were written (the DaemonSet), if anywhere. */
  readonly location?: SourceLocation
}

export const KUBE_FLANNEL_ARGS: readonly string[] = ['--ip-masq', '--kube-subnet-mgr']

/**
 * flanneld's flags (and klog's). Those not read below (API access, health, logging, etcd,
 * resync period) change nothing in the kernel state kpath renders, so they are accepted quietly.
 */
const BOOLS = new Set([
  'ip-masq',
  'ip-masq-fully-random-disable',
  'kube-subnet-mgr',
  'iptables-forward-rules',
  'ip-blackhole-route',
  'version',
  'set-node-network-unavailable',
  'logtostderr',
  'alsologtostderr',
  'add_dir_header',
  'skip_headers',
  'skip_log_headers',
  'one_output',
])
const VALUES = new Set([
  'iface',
  'iface-regex',
  'iface-can-reach',
  'public-ip',
  'public-ipv6',
  'kube-annotation-prefix',
  'subnet-file',
  'subnet-lease-renew-margin',
  'kube-api-url',
  'kubeconfig-file',
  'healthz-ip',
  'healthz-port',
  'iptables-resync',
  'net-config-path',
  'etcd-endpoints',
  'etcd-prefix',
  'etcd-keyfile',
  'etcd-certfile',
  'etcd-cafile',
  'etcd-username',
  'etcd-password',
  'v',
  'vmodule',
  'log_dir',
  'log_file',
  'log_file_max_size',
  'stderrthreshold',
])
/** The flannel DaemonSet of the input, if any. */
export function flannelDaemonSet(
  cluster: Cluster,
): { workload: Workload; argv: string[] } | undefined {
  for (const w of cluster.workloads) {
    if (w.kind !== 'DaemonSet') continue
    for (const c of w.spec.template.spec.containers) {
      const command = stringList((c as { command?: unknown }).command)
      const args = stringList((c as { args?: unknown }).args)
      if (command.some((s) => s.endsWith('flanneld')) || c.name === 'kube-flannel')
        return { workload: w, argv: [...command.slice(1), ...args] }
    }
  }
  return undefined
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []
}

/** Parse flanneld's arguments; flags without a kernel-visible effect are accepted quietly. */
export function readFlannelArgs(ctx: CniContext): FlannelArgs {
  const ds = flannelDaemonSet(ctx.cluster)
  const location = ds && ctx.cluster.locations.get(ds.workload)
  const flags = parseFlags(ds?.argv ?? KUBE_FLANNEL_ARGS, (m) =>
    ctx.unsupported(`flanneld: ${m}`, location),
  )
  const bool = (name: string, dflt: boolean) => {
    const v = flags.get(name)?.at(-1)
    return v === undefined ? dflt : v === 'true'
  }
  for (const name of ['iface-regex', 'iface-can-reach', 'public-ipv6'])
    if (flags.has(name))
      ctx.unsupported(
        `flanneld --${name} is not modelled; the node's underlay NIC is used`,
        location,
      )
  if (!bool('kube-subnet-mgr', false))
    ctx.unsupported(
      "flanneld without --kube-subnet-mgr (etcd subnet leases) is not modelled; leases are the nodes' podCIDRs",
      location,
    )
  const publicIP = flags.get('public-ip')?.at(-1)
  return {
    ipMasq: bool('ip-masq', false),
    randomFully: !bool('ip-masq-fully-random-disable', false),
    kubeSubnetMgr: bool('kube-subnet-mgr', false),
    forwardRules: bool('iptables-forward-rules', true),
    blackholeRoute: bool('ip-blackhole-route', false),
    ifaces: flags.get('iface') ?? [],
    ...(publicIP === undefined ? {} : { publicIP }),
    annotationPrefix: flags.get('kube-annotation-prefix')?.at(-1) ?? 'flannel.alpha.coreos.com',
    ...(location === undefined ? {} : { location }),
  }
}

/** Go `flag` parsing: name → values in order (booleans as `true`/`false`). */
export function parseFlags(
  argv: readonly string[],
  report: (message: string) => void,
): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const add = (name: string, value: string) => out.set(name, [...(out.get(name) ?? []), value])
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(arg)
    if (m === null || arg === '-' || arg === '--') {
      report(`argument "${arg}" is not a flag (flanneld takes no positional arguments)`)
      continue
    }
    const name = m[1] ?? ''
    const inline = m[2]
    if (BOOLS.has(name))
      add(
        name,
        inline === undefined
          ? 'true'
          : String(['1', 't', 'T', 'true', 'TRUE', 'True'].includes(inline)),
      )
    else if (VALUES.has(name)) {
      const value = inline ?? argv[++i]
      if (value === undefined) report(`flag --${name} needs a value`)
      else add(name, value)
    } else report(`unknown flag --${name} (flanneld would exit)`)
  }
  return out
}
