/**
 * @module cli/commands/lab
 * `kpath lab up|probe|exec|down|list`: the cluster kpath emulates, built for real in network
 * namespaces (adapters/node/lab). Nothing is created in the root namespace.
 */
import { Command, Option } from '@commander-js/extra-typings'
import { NodeExecer } from '../../adapters/node/execer.js'
import { readTextInput } from '../../adapters/node/files.js'
import {
  alive,
  labDown,
  labDownStale,
  labExec,
  labProbe,
  labUp,
  listRecords,
  loadWorld,
  openLab,
  type ProbeResult,
  planFor,
  whyNoLab,
} from '../../adapters/node/lab/index.js'
import { resolveRef } from '../../core/app/refs.js'
import { KpathError } from '../../core/errors.js'
import { clientPort, observedVerdict } from '../../core/lab/compare.js'
import { EXIT_NOT_DELIVERED, EXIT_OK } from '../errors.js'

const EXAMPLES = `
Examples:
  kpath lab up examples/clusters/flannel-vxlan.yaml --name demo
  kpath lab probe demo --from pod/default/web-5987c57899-skfd4 --to svc/default/web --count 6
  kpath lab probe demo --from external/client --to node/beta --port 30080 --json
  kpath lab exec demo node/alpha -- tcpdump -ni eth0 udp port 8472
  kpath lab list
  kpath lab down demo            # or: kpath lab down --stale

Every namespace is named kpath-<name>-<node|pod|segment…>; the lab's record lives in
/run/kpath/labs/<name>.json. Needs root. Exit codes: 0 done (probe: every attempt answered),
1 probe not answered, 2 bad input, a kernel without what the cluster needs, or a failed build.`

/** A subcommand's `--help` ends with examples, like every kpath command's. */
function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`
}

function positive(flag: string) {
  return (v: string): number => {
    const n = Number(v)
    if (!/^[0-9]+$/.test(v) || n < 1 || n > 65535)
      throw new KpathError('KPATH_INVALID_ARGUMENT', `${flag} ${v} is not a number from 1 to 65535`)
    return n
  }
}

async function preflight(execer: NodeExecer, backend: 'legacy' | 'nft'): Promise<void> {
  const why = await whyNoLab(execer, backend)
  if (why !== undefined) throw new KpathError('KPATH_EXEC', `cannot build a lab: ${why}`)
}

function upCommand() {
  return new Command('up')
    .description('build the cluster of FILE... in real network namespaces')
    .addHelpText(
      'after',
      examples(
        'kpath lab up examples/clusters/flannel-vxlan.yaml --name demo',
        'kpath lab up examples/seeds/003-flannel-udp-rp-filter.yaml --name s003 --iptables nft',
      ),
    )
    .argument('<files...>', 'Kubernetes YAML, as for kpath trace')
    .option('--name <name>', 'the lab name (default lab<pid>)')
    .addOption(
      new Option('--iptables <backend>', 'iptables backend')
        .choices(['legacy', 'nft'] as const)
        .default('legacy' as const),
    )
    .action(async (files, o) => {
      const execer = new NodeExecer()
      await preflight(execer, o.iptables)
      const inputs = await Promise.all(files.map((f) => readTextInput(f, 'Kubernetes YAML')))
      const world = loadWorld(inputs)
      const plan = planFor(world, o.name ?? `lab${process.pid}`, o.iptables)
      for (const w of world.warnings) process.stderr.write(`warning: ${w}\n`)
      for (const s of plan.skipped) process.stderr.write(`not built: ${s}\n`)
      const abort = new AbortController()
      const stop = () => abort.abort()
      process.once('SIGINT', stop).once('SIGTERM', stop)
      try {
        const r = await labUp(plan, { execer, inputs, signal: abort.signal })
        process.stdout.write(
          `lab ${plan.id} up: ${plan.namespaces.length} namespaces, ${plan.labd.listeners.length} servers, ${plan.backend} iptables, ${Math.round(r.ms)} ms\n`,
        )
      } finally {
        process.off('SIGINT', stop).off('SIGTERM', stop)
      }
    })
}

function probeText(r: ProbeResult): string {
  const lines = [
    `${r.from.label} -> ${r.to.label} (${r.to.addr}${r.port ? `:${r.port}` : ''}/${r.proto})`,
  ]
  r.attempts.forEach((a, i) => {
    const reply = a.replyTtl === undefined ? '' : ` (reply ttl ${a.replyTtl})`
    lines.push(`  ${i + 1}: ${observedVerdict(a.outcome, r.proto, clientPort(a.local))}${reply}`)
  })
  for (const [ns, rules] of Object.entries(r.rulesHit))
    lines.push(`  rules hit in ${ns} (attempt 1): ${rules.join(' ')}`)
  for (const [ns, entries] of Object.entries(r.conntrack))
    for (const e of entries) lines.push(`  conntrack ${ns}: ${e}`)
  return `${lines.join('\n')}\n`
}

function probeCommand() {
  return new Command('probe')
    .description('send real traffic through a lab and report what the kernel did')
    .addHelpText(
      'after',
      examples(
        'kpath lab probe demo --from node/alpha --to svc/default/web --count 6',
        'kpath lab probe demo --from pod/default/web-5987c57899-skfd4 --to node/beta --proto icmp --json',
      ),
    )
    .argument('<name>', 'the lab')
    .requiredOption('--from <ref>', 'sender: pod/NS/NAME, node/NAME, external/NAME or an address')
    .requiredOption('--to <ref>', 'destination, as for kpath trace')
    .option('--port <n>', 'destination port', positive('--port'))
    .addOption(new Option('--proto <proto>', 'protocol').choices(['tcp', 'udp', 'icmp'] as const))
    .option('--count <k>', 'connection attempts (default 1)', positive('--count'))
    .option('--fresh', 'flush the lab conntrack tables first')
    .option('--json', 'print JSON: each attempt as a trace outcome, rules hit, conntrack')
    .action(async (name, o) => {
      const lab = await openLab(name)
      const r = await labProbe(new NodeExecer(), lab.plan, lab.world, {
        from: o.from,
        to: o.to,
        fresh: o.fresh === true,
        ...(o.port === undefined ? {} : { port: o.port }),
        ...(o.proto === undefined ? {} : { proto: o.proto }),
        ...(o.count === undefined ? {} : { count: o.count }),
      })
      process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : probeText(r))
      const ok = r.attempts.every((a) => a.outcome.kind === 'delivered')
      process.exitCode = ok ? EXIT_OK : EXIT_NOT_DELIVERED
    })
}

function execCommand() {
  return new Command('exec')
    .description('run a command in the namespace of a lab pod, node or host')
    .addHelpText(
      'after',
      examples(
        'kpath lab exec demo node/alpha -- conntrack -L',
        'kpath lab exec demo pod/default/web-5987c57899-skfd4 -- ip route',
      ),
    )
    .argument('<name>', 'the lab')
    .argument('<ref>', 'pod/NS/NAME, node/NAME, external/NAME or an address')
    .argument('<cmd...>', 'the command (after --)')
    .action(async (name, ref, cmd) => {
      const lab = await openLab(name)
      const model = resolveRef(lab.world, ref).netns
      const ns = lab.plan.namespaces.find((n) => n.model === model)
      if (ns === undefined)
        throw new KpathError('KPATH_INVALID_ARGUMENT', `${ref} has no namespace in lab ${name}`)
      process.exitCode = await labExec(ns.name, cmd)
    })
}

function downCommand() {
  return new Command('down')
    .description('tear a lab down (its daemon by PID, its namespaces by name)')
    .addHelpText(
      'after',
      examples('kpath lab down demo', 'kpath lab down --stale   # labs whose owner is gone'),
    )
    .argument('[name]', 'the lab')
    .option('--stale', 'tear down every lab whose owning process is gone')
    .action(async (name, o) => {
      const execer = new NodeExecer()
      if (o.stale) {
        const gone = await labDownStale(execer)
        process.stdout.write(gone.length === 0 ? 'no stale lab\n' : `removed ${gone.join(', ')}\n`)
        return
      }
      if (name === undefined)
        throw new KpathError('KPATH_INVALID_ARGUMENT', 'which lab?', {
          hint: 'kpath lab down NAME, or --stale',
        })
      const r = await labDown(execer, name)
      process.stdout.write(`lab ${r.name} down: ${r.namespaces.length} namespaces removed\n`)
    })
}

function listCommand() {
  return new Command('list')
    .description('the labs recorded on this machine')
    .addHelpText('after', examples('kpath lab list'))
    .action(async () => {
      for (const r of await listRecords()) {
        const state = alive(r.pid) ? r.phase : 'stale'
        process.stdout.write(
          `${r.name}\t${state}\t${r.backend}\t${r.namespaces.length} namespaces\tpid ${r.pid}\n`,
        )
      }
    })
}

export function labCommand() {
  return new Command('lab')
    .description('build a cluster in real network namespaces, probe it, tear it down')
    .addCommand(upCommand())
    .addCommand(probeCommand())
    .addCommand(execCommand())
    .addCommand(downCommand())
    .addCommand(listCommand())
    .addHelpText('after', EXAMPLES)
}
