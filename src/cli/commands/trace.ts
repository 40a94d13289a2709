/**
 * @module cli/commands/trace
 * `kpath trace FILE... --from REF --to REF`: a packet across the whole cluster.
 */
import { Command, Option } from '@commander-js/extra-typings'
import { readDumpDir } from '../../adapters/node/dump-dir.js'
import { readTextInput } from '../../adapters/node/files.js'
import { allDelivered, traceBetween } from '../../core/app/cluster-trace.js'
import { dumpWorld, parseDump } from '../../core/dump/index.js'
import { KpathError } from '../../core/errors.js'
import { portArg } from '../args.js'
import { EXIT_NOT_DELIVERED, EXIT_OK } from '../errors.js'
import { progress } from '../progress.js'
import { SEGMENT_HELP, segmentsOf } from '../segment-option.js'
import { TRACE_FORMATS, writeTrace } from '../trace-output.js'
import { collect, readWhatIf, WHATIF_HELP } from '../whatif-options.js'

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
  kpath trace cluster.yaml --from pod/web-1 --to 10.96.0.10 --port 53 --proto udp --json
  kpath trace examples/clusters/flannel-vxlan.yaml --from 10.244.1.2 --to 10.244.0.2 --port 8080 \\
    --format pcapng -o trace.pcapng      # then: tshark -r trace.pcapng -d udp.port==8472,vxlan
  kpath trace examples/clusters/flannel-vxlan.yaml --from node/alpha --to svc/default/web \\
    --format mermaid > trace.mmd         # a sequence diagram of the hops
  kpath trace cluster.yaml --from pod/a --to svc/default/web -q && echo reachable
  kpath trace src/core/explain/testdata/conntrack-invalid.yaml --from pod/client --to svc/default/web \\
    --segment server:PSH+ACK,seq=200001,len=1398   # a segment beyond the client window (kubernetes#74839)

With --segment, each segment after the handshake is walked (and the RST a kernel answers a
segment no socket takes); a segment dropped or refused counts as not delivered.
Exit codes: 0 every branch delivered and answered (and every segment taken), 1 not delivered,
2 bad input or usage.`

export function traceCommand() {
  return new Command('trace')
    .description('walk a packet across every namespace of a cluster, and its reply back')
    .argument(
      '[files...]',
      'Kubernetes YAML (manifests, kubectl lists, KubeProxyConfiguration, Topology)',
    )
    .option(
      '--dump <dir>',
      'trace on a node dump: its folder or .tar.gz (kpath collect; repeat per node, docs/DUMP.md)',
      (v: string, p: string[] = []) => [...p, v],
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
    .addOption(
      new Option('--format <format>', 'text, json, pcapng (needs --output) or mermaid')
        .choices(TRACE_FORMATS)
        .default('text' as const),
    )
    .option('--json', 'print JSON (docs/TRACE-JSON.md); the same as --format json')
    .option('-o, --output <file>', 'write the result to FILE (pcapng must go to a file or pipe)')
    .option('-q, --quiet', 'only the outcome of each branch; no warnings, hints or progress')
    .option('--sample <seed>', 'follow one branch drawn with this seed instead of all', seedArg)
    .option('--segment <spec>', SEGMENT_HELP, collect)
    .option('--set <edit>', WHATIF_HELP.set, collect)
    .option('--add-route <edit>', WHATIF_HELP.addRoute, collect)
    .option('--add-rule <edit>', WHATIF_HELP.addRule, collect)
    .option('--patch <file>', WHATIF_HELP.patch, collect)
    .addHelpText('after', EXAMPLES)
    .action(async (files, o) => {
      const quiet = o.quiet === true
      const bar = progress(process.stderr, quiet)
      bar.stage(`reading ${files.length} file${files.length === 1 ? '' : 's'}`)
      if (files.length === 0 && o.dump === undefined)
        throw new KpathError(
          'KPATH_INVALID_ARGUMENT',
          'give Kubernetes YAML files, --dump DIR, or both',
        )
      const inputs = await Promise.all(files.map((f) => readTextInput(f, 'Kubernetes YAML')))
      const dumps = await Promise.all(
        (o.dump ?? []).map(async (d) => parseDump(await readDumpDir(d), d)),
      )
      const edits = await readWhatIf(o)
      const r = traceBetween({
        progress: (s) => bar.stage(s),
        inputs,
        // On dumps the edits apply while the cluster is built from them (core/dump/world.ts).
        ...(dumps.length === 0 ? { edits } : { world: dumpWorld(dumps, inputs, edits) }),
        from: o.from,
        to: o.to,
        ...(o.port === undefined ? {} : { port: o.port }),
        ...(o.proto === undefined ? {} : { proto: o.proto }),
        ...(o.sample === undefined ? {} : { sample: o.sample }),
        ...segmentsOf(o.segment),
      })
      bar.done()
      if (!quiet) for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`)
      const format = o.json ? 'json' : o.format
      writeTrace(r, { format, quiet, ...(o.output === undefined ? {} : { output: o.output }) })
      process.exitCode = allDelivered(r.trace) ? EXIT_OK : EXIT_NOT_DELIVERED
    })
}
