/**
 * @module cli/commands/diff
 * `kpath diff --dump DIR FILE…`: a node's real state against what kpath renders for it from
 * the Kubernetes objects. Exit 0 when clean, 1 on drift, 2 on bad input.
 */
import { Command } from '@commander-js/extra-typings'
import { readDumpDir } from '../../adapters/node/dump-dir.js'
import { readTextInput } from '../../adapters/node/files.js'
import { toJson } from '../../core/app/show.js'
import { diffDumps, driftText, hasDrift, parseDump } from '../../core/dump/index.js'
import { EXIT_NOT_DELIVERED, EXIT_OK } from '../errors.js'

const EXAMPLES = `
Compared: iptables rules (grouped by Service through kube-proxy's comments), the endpoints
of each Service chain, kube-proxy's nftables tables (nftables mode), IPv4 and IPv6 routes,
ipset members, and the sysctls the CNI needs.

Examples:
  kpath diff --dump dumps/node1 cluster.yaml kube-proxy-config.yaml
  kpath diff --dump kpath-dump-node1-20250101120000.tar.gz objects.yaml
  kubectl get nodes,pods,services,endpointslices -A -o yaml > objects.yaml
  kpath diff --dump dumps/node1 --dump dumps/node2 objects.yaml topology.yaml --json`

function collectDirs(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

export function diffCommand() {
  return new Command('diff')
    .description("compare nodes' real state (dumps) with what the Kubernetes objects render")
    .argument(
      '<files...>',
      'Kubernetes YAML (objects, KubeProxyConfiguration, Topology, CNI config)',
    )
    .requiredOption(
      '--dump <dir>',
      'a node dump: its folder or .tar.gz (kpath collect); repeat for more nodes',
      collectDirs,
    )
    .option('--json', 'print the drift reports as JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (files, o) => {
      const inputs = await Promise.all(files.map((f) => readTextInput(f, 'Kubernetes YAML')))
      const dumps = await Promise.all(o.dump.map(async (d) => parseDump(await readDumpDir(d), d)))
      const reports = diffDumps(dumps, inputs)
      process.stdout.write(o.json ? `${toJson(reports)}\n` : driftText(reports))
      // Drift is the "not delivered" of this command: exit 1.
      process.exitCode = hasDrift(reports) ? EXIT_NOT_DELIVERED : EXIT_OK
    })
}
