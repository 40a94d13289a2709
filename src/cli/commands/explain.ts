/**
 * @module cli/commands/explain
 * `kpath explain FILE... --from REF --to REF`: why a packet or its reply does not arrive, in
 * Kubernetes terms, with candidate fixes verified by tracing again (core/explain).
 */
import { Command, Option } from '@commander-js/extra-typings'
import { readTextInput } from '../../adapters/node/files.js'
import { toJson } from '../../core/app/show.js'
import { KpathError } from '../../core/errors.js'
import { explainBetween, explainText } from '../../core/explain/index.js'
import { formatEdit } from '../../core/whatif/index.js'
import { EXIT_NOT_DELIVERED, EXIT_OK } from '../errors.js'
import { palette } from '../output.js'
import { SEGMENT_EXAMPLE, SEGMENT_HELP, segmentsOf } from '../segment-option.js'
import { collect, readWhatIf, WHATIF_HELP } from '../whatif-options.js'

function intArg(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v)
    if (!/^[0-9]+$/.test(v) || n < min || n > max)
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `${name} ${v} is not a number in ${min}-${max}`,
      )
    return n
  }
}

const EXAMPLES = `
References: pod/NS/NAME, pod/NAME, node/NAME, svc/NS/NAME[:PORT], external/NAME, or an IP.

Examples:
  kpath explain examples/seeds/003-flannel-udp-rp-filter.yaml --from node/slave1 --to svc/default/heapster
  kpath explain examples/seeds/001-kube-router.yaml --from pod/busybox1 --to pod/busybox3 \\
    --proto icmp --set node/node2:sysctl.net.ipv4.ip_forward=0
  kpath explain cluster.yaml --from external/client --to node/beta --port 30080 --keep-source
  kpath explain cluster.yaml --from pod/web-a --to pod/web-b --proto icmp --size 1500 --json
${SEGMENT_EXAMPLE}

Each fix is checked by tracing again with it applied: ✓ it works, ✗ it does not.
Exit codes: 0 delivered and answered, 1 not (or the source was lost with --keep-source), 2 bad input.`

/** The report as JSON: the verdict, each finding with its fixes as command-line options. */
function json(x: ReturnType<typeof explainBetween>): string {
  return toJson({
    ok: x.ok,
    failed: x.failed,
    branches: x.trace.trace.branches.length,
    findings: x.findings.map((f) => ({
      ...f,
      fixes: f.fixes.map((v) => ({ ...v, edits: v.edits.map(formatEdit) })),
    })),
  })
}

export function explainCommand() {
  return new Command('explain')
    .description('say why a packet or its reply does not arrive, and which fixes work')
    .argument(
      '<files...>',
      'Kubernetes YAML (manifests, kubectl lists, KubeProxyConfiguration, Topology)',
    )
    .requiredOption('--from <ref>', 'where the packet is sent from')
    .requiredOption('--to <ref>', 'where it is sent to')
    .option(
      '--port <n>',
      'destination port (default: the Service port or the pod container port)',
      intArg('--port', 1, 65535),
    )
    .addOption(
      new Option('--proto <proto>', 'protocol (default tcp)').choices([
        'tcp',
        'udp',
        'icmp',
      ] as const),
    )
    .option(
      '--size <bytes>',
      'IP length of the packet, DF set (for MTU problems)',
      intArg('--size', 28, 65535),
    )
    .option('--keep-source', "the server must see the client's own address")
    .option('--segment <spec>', SEGMENT_HELP, collect)
    .option('--set <edit>', WHATIF_HELP.set, collect)
    .option('--add-route <edit>', WHATIF_HELP.addRoute, collect)
    .option('--add-rule <edit>', WHATIF_HELP.addRule, collect)
    .option('--patch <file>', WHATIF_HELP.patch, collect)
    .option('--json', 'print JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (files, o) => {
      const inputs = await Promise.all(files.map((f) => readTextInput(f, 'Kubernetes YAML')))
      const x = explainBetween({
        inputs,
        from: o.from,
        to: o.to,
        edits: await readWhatIf(o),
        ...(o.port === undefined ? {} : { port: o.port }),
        ...(o.proto === undefined ? {} : { proto: o.proto }),
        ...(o.size === undefined ? {} : { size: o.size }),
        ...(o.keepSource ? { keepSource: true } : {}),
        ...segmentsOf(o.segment),
      })
      for (const w of x.trace.warnings) process.stderr.write(`warning: ${w}\n`)
      process.stdout.write(o.json ? `${json(x)}\n` : explainText(x, palette(process.stdout)))
      process.exitCode = x.ok ? EXIT_OK : EXIT_NOT_DELIVERED
    })
}
