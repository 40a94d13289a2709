/**
 * @module cli/commands/trace
 * `kpath trace FILE... --from REF --to REF`: a packet across the whole cluster.
 */
import { Command, Option } from '@commander-js/extra-typings'
import { readTextInput } from '../../adapters/node/files.js'
import { allDelivered, traceBetween } from '../../core/app/cluster-trace.js'
import { clusterTraceText } from '../../core/app/cluster-trace-text.js'
import { toJson } from '../../core/app/show.js'
import { KpathError } from '../../core/errors.js'
import { EXIT_NOT_DELIVERED, EXIT_OK } from '../errors.js'
import { palette } from '../output.js'

function portArg(v: string): number {
  const n = Number(v)
  if (!/^[0-9]+$/.test(v) || n < 1 || n > 65535)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `--port ${v} is not a port (1-65535)`)
  return n
}

function seedArg(v: string): number {
  if (!/^[0-9]+$/.test(v))
    throw new KpathError('KPATH_INVALID_ARGUMENT', `--sample ${v} is not a number`)
  return Number(v)
}

const EXAMPLES = `
References: pod/NS/NAME, pod/NAME (namespace default), node/NAME, svc/NS/NAME[:PORT]
(the ClusterIP; PORT is a port name or number, default the first), external/NAME, or an IP.

Examples:
  kpath trace examples/clusters/flannel-vxlan.yaml --from external/client --to node/beta --port 80
  kpath trace examples/clusters/flannel-vxlan.yaml --from node/alpha --to svc/default/web:http
  kpath trace cluster.yaml --from pod/web-1 --to 10.96.0.10 --port 53 --proto udp --json`

export function traceCommand() {
  return new Command('trace')
    .description('walk a packet across every namespace of a cluster, and its reply back')
    .argument(
      '<files...>',
      'Kubernetes YAML (manifests, kubectl lists, KubeProxyConfiguration, Topology)',
    )
    .requiredOption('--from <ref>', 'where the packet is sent from')
    .requiredOption('--to <ref>', 'where it is sent to')
    .option(
      '--port <n>',
      'destination port (default: the Service port or the pod container port)',
      portArg,
    )
    .addOption(
      new Option('--proto <proto>', 'protocol (default tcp)').choices([
        'tcp',
        'udp',
        'icmp',
      ] as const),
    )
    .option('--json', 'print JSON (docs/TRACE-JSON.md)')
    .option('--sample <seed>', 'follow one branch drawn with this seed instead of all', seedArg)
    .addHelpText('after', EXAMPLES)
    .action(async (files, o) => {
      const inputs = await Promise.all(files.map((f) => readTextInput(f, 'Kubernetes YAML')))
      const r = traceBetween({
        inputs,
        from: o.from,
        to: o.to,
        ...(o.port === undefined ? {} : { port: o.port }),
        ...(o.proto === undefined ? {} : { proto: o.proto }),
        ...(o.sample === undefined ? {} : { sample: o.sample }),
      })
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`)
      if (o.json) process.stdout.write(`${toJson(r.trace)}\n`)
      else process.stdout.write(clusterTraceText(r, palette(process.stdout)))
      process.exitCode = allDelivered(r.trace) ? EXIT_OK : EXIT_NOT_DELIVERED
    })
}
