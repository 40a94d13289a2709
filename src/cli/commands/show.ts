/**
 * @module cli/commands/show
 * `kpath show FILE... (--node NAME | --pod REF) VIEW`.
 */
import { Argument, Command, Option } from '@commander-js/extra-typings'
import { readTextInput } from '../../adapters/node/files.js'
import { SHOW_VIEWS, show } from '../../core/app/show.js'
import { portArg } from '../args.js'
import { branchArg, conntrackAfter, PROTOS, traceFlags } from '../show-trace.js'

const EXAMPLES = `
Views: iptables (iptables-save), nft (nft list ruleset), routes (ip route show table all),
addr (ip addr), link (ip -d link), neigh (ip neigh), rules (ip rule), ipsets (ipset save),
sysctl (sysctl -a, the net.* keys kpath sets), fdb (bridge fdb), conntrack (conntrack -L;
with --from and --to: the table a trace leaves, as \`kpath trace\` walks it), ipvs
(ipvsadm -Ln). -j prints iproute2's JSON for its views.

Examples:
  kpath show iptables cluster.yaml --node worker-1      # what iptables-save shows on worker-1
  kpath show iptables cluster.yaml --node worker-1 -6   # ip6tables-save
  kpath show iptables cluster.yaml --node worker-1 --backend nft   # iptables-nft-save
  kpath show routes examples/clusters/flannel-vxlan.yaml --node beta
  kpath show addr examples/clusters/flannel-vxlan.yaml --pod default/NAME -j
  kpath show conntrack examples/clusters/flannel-vxlan.yaml --node beta \\
    --from node/alpha --to svc/default/web --branch 2   # conntrack -L on beta after the trace`

export function showCommand() {
  return new Command('show')
    .description(
      'print the kernel state kpath builds for a node or pod, as the real tool prints it',
    )
    .addArgument(new Argument('<view>', 'what to print').choices(SHOW_VIEWS))
    .argument(
      '<files...>',
      'Kubernetes YAML: manifests, kubectl get -o yaml lists, KubeProxyConfiguration, Topology',
    )
    .option('--node <name>', 'the node (optional when the cluster has one)')
    .option('--pod <ref>', 'a pod instead of a node: NS/NAME, NAME or pod/NS/NAME')
    .option('-6, --ipv6', 'IPv6: ip6tables-save, ip -6 route, ip -6 rule')
    .addOption(
      new Option(
        '--backend <backend>',
        'iptables: imitate iptables-legacy-save or iptables-nft-save',
      )
        .choices(['legacy', 'nft'] as const)
        .default('legacy' as const),
    )
    .option('-j, --json', 'print JSON')
    .option('--from <ref>', 'conntrack: trace a packet from here first (as kpath trace)')
    .option('--to <ref>', 'conntrack: … to here')
    .option('--port <n>', 'conntrack: the traced destination port', portArg)
    .addOption(new Option('--proto <proto>', 'conntrack: the traced protocol').choices(PROTOS))
    .option('--branch <n>', 'conntrack: which branch of the trace (default 1)', branchArg)
    .option('-q, --quiet', 'no warnings on stderr')
    .addHelpText('after', EXAMPLES)
    .action(async (view, files, o) => {
      const inputs = await Promise.all(files.map((f) => readTextInput(f, 'Kubernetes YAML')))
      const traced = traceFlags(view, o)
      const r = traced
        ? conntrackAfter(inputs, traced, o)
        : show({
            inputs,
            view,
            ...(o.node ? { node: o.node } : {}),
            ...(o.pod ? { pod: o.pod } : {}),
            ipv6: o.ipv6 === true,
            backend: o.backend,
          })
      if (o.quiet !== true) for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`)
      process.stdout.write(o.json ? ensureNewline(r.json) : r.text)
    })
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`
}
