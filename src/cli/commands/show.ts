/**
 * @module cli/commands/show
 * `kpath show FILE... --node NAME VIEW`.
 */
import { Argument, Command } from '@commander-js/extra-typings'
import { readTextInput } from '../../adapters/node/files.js'
import { show, toJson } from '../../core/app/show.js'

const EXAMPLES = `
Examples:
  kpath show cluster.yaml --node worker-1 iptables      # what iptables-save shows on worker-1
  kpath show cluster.yaml --node worker-1 iptables -6   # ip6tables-save
  kpath show cluster.yaml kube-proxy.yaml --node worker-1 nft --json`

export function showCommand() {
  return new Command('show')
    .description('print the kernel state kpath builds for a node, as the real tool prints it')
    .addArgument(new Argument('<view>', 'what to print').choices(['iptables', 'nft'] as const))
    .argument(
      '<files...>',
      'Kubernetes YAML: manifests, kubectl get -o yaml lists, KubeProxyConfiguration',
    )
    .option('--node <name>', 'the node (optional when the cluster has one)')
    .option('-6, --ipv6', 'iptables view: ip6tables-save')
    .option('--json', 'print JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (view, files, o) => {
      const inputs = await Promise.all(files.map((f) => readTextInput(f, 'Kubernetes YAML')))
      const r = show({ inputs, view, ...(o.node ? { node: o.node } : {}), ipv6: o.ipv6 === true })
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`)
      process.stdout.write(o.json ? `${toJson(r.json)}\n` : r.text)
    })
}
