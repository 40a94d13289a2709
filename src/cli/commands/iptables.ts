/**
 * @module cli/commands/iptables
 * `kpath iptables trace` and `kpath iptables save`.
 */
import { Command, Option } from '@commander-js/extra-typings'
import { readTextInput } from '../../adapters/node/files.js'
import { afterRestore } from '../../core/app/iptables-restore.js'
import { countersAfter, traceIptables } from '../../core/app/iptables-trace.js'
import { traceJson } from '../../core/app/trace-json.js'
import { outcomeSentence, traceText } from '../../core/app/trace-text.js'
import { KpathError } from '../../core/errors.js'
import { TCP_FLAG_NAMES, type TcpFlag } from '../../core/model/packet.js'
import { parseIptablesSave, printIptablesSave } from '../../core/netfilter/iptables-save/index.js'
import { EXIT_NOT_DELIVERED, EXIT_OK } from '../errors.js'
import { palette } from '../output.js'

function intArg(name: string) {
  return (v: string): number => {
    if (!/^[0-9]+$/.test(v))
      throw new KpathError('KPATH_INVALID_ARGUMENT', `${name} ${v} is not a number`)
    return Number(v)
  }
}

function list(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(',').filter(Boolean)]
}

function ifaceAddr(v: string, prev: Record<string, string[]> = {}): Record<string, string[]> {
  const [iface, addrs] = v.split('=')
  if (!iface || !addrs) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `--iface-addr ${v} is not IFACE=ADDR/LEN[,ADDR/LEN]`,
      {
        hint: 'for example --iface-addr eth0=192.168.0.2/24',
      },
    )
  }
  return { ...prev, [iface]: [...(prev[iface] ?? []), ...addrs.split(',')] }
}

function tcpFlags(v: string): TcpFlag[] {
  const flags = v.toUpperCase().split(',')
  for (const f of flags) {
    if (!(TCP_FLAG_NAMES as readonly string[]).includes(f)) {
      throw new KpathError('KPATH_INVALID_ARGUMENT', `unknown TCP flag ${f}`, {
        hint: `use ${TCP_FLAG_NAMES.join(',')}`,
      })
    }
  }
  return flags as TcpFlag[]
}

const EXAMPLES = `
Examples:
  # a pod on cni0 asks a ClusterIP; every endpoint branch with its probability
  kpath iptables trace --ruleset node.rules --proto tcp --src 10.244.1.5 --dst 10.96.0.10 --dport 53 \\
      --in cni0 --local 192.168.49.2
  # only the outcome of each branch
  kpath iptables trace --ruleset node.rules --proto tcp --src 10.244.1.5 --dst 10.96.0.10 --dport 53 \\
      --in cni0 --local 192.168.49.2 --quiet
  # the node itself curls a NodePort, showing rule counters afterwards
  kpath iptables trace --ruleset node.rules --hook output --proto tcp --src 192.168.49.2 \\
      --dst 192.168.49.2 --dport 30080 --local 192.168.49.2 --counters
  # localhost NodePort: curl 127.0.0.1:30080 on the node (kube-proxy sets route_localnet=1)
  kpath iptables trace --ruleset node.rules --hook output --proto tcp --src 127.0.0.1 \\
      --dst 127.0.0.1 --dport 30080 --local 192.168.49.2 --route-localnet
  # the ACK of a connection the node already tracks: conntrack -L entries are honoured
  # (conntrack runs whenever a listing is given, even if no rule needs it)
  kpath iptables trace --ruleset node.rules --conntrack node.conntrack --proto tcp \\
      --src 10.244.1.5 --dst 10.96.0.10 --dport 53 --tcp-flags ACK --in cni0 --local 192.168.49.2`

/** --quiet: one line per branch, `branch N (p=…): ` and its outcome sentence. */
function quietText(r: ReturnType<typeof traceIptables>): string {
  const n = r.outcomes.length
  return r.outcomes
    .map((o, i) => {
      const which = n > 1 ? `branch ${i + 1} (p=${o.probability.toFixed(6)}): ` : ''
      return `${which}${outcomeSentence(o)}\n`
    })
    .join('')
}

function traceCommand(): Command {
  return new Command('trace')
    .description("walk one packet through one node's netfilter hooks, with conntrack and NAT")
    .requiredOption('--ruleset <file>', 'iptables-save output of the node')
    .option('--ipset <file>', 'ipset save output of the node')
    .option(
      '--conntrack <file>',
      'conntrack -L output of the node; its entries are honoured, so conntrack tracking is on even when no rule needs it',
    )
    .addOption(
      new Option('--proto <proto>', 'protocol')
        .choices(['tcp', 'udp', 'icmp', 'sctp'] as const)
        .makeOptionMandatory(),
    )
    .requiredOption('--src <ip>', 'source address')
    .option('--sport <n>', 'source port (default 40000)', intArg('--sport'))
    .requiredOption('--dst <ip>', 'destination address')
    .option('--dport <n>', 'destination port', intArg('--dport'))
    .option('--tcp-flags <flags>', 'TCP flags of the segment (default SYN)', tcpFlags)
    .option('--icmp-type <n>', 'ICMP type (default echo request)', intArg('--icmp-type'))
    .option('--mark <n>', 'initial packet mark', intArg('--mark'))
    .option('--in <iface>', 'input interface (PREROUTING)')
    .option('--out <iface>', 'interface forwarded packets leave by (default eth0)')
    .option('--local <ips>', 'addresses local to the node, comma separated', list)
    .option(
      '--iface-addr <iface=cidr>',
      'an address of an interface, for MASQUERADE (repeatable)',
      ifaceAddr,
    )
    .option(
      '--route-localnet',
      'net.ipv4.conf.*.route_localnet=1: 127.0.0.0/8 may be routed off lo (kube-proxy sets it for localhost NodePorts)',
    )
    .addOption(
      new Option('--hook <hook>', 'where the packet starts')
        .choices(['prerouting', 'output'] as const)
        .default('prerouting' as const),
    )
    .option(
      '--sample <seed>',
      'follow one random branch chosen with this seed instead of all',
      intArg('--sample'),
    )
    .option('--counters', 'print iptables-save -c of the first branch after the packet')
    .option('--json', 'print JSON')
    .option('-q, --quiet', 'only the outcome of each branch, one line each')
    .addHelpText('after', EXAMPLES)
    .action(async (o) => {
      const report = traceIptables({
        ruleset: await readTextInput(o.ruleset, 'an iptables-save dump'),
        ...(o.ipset ? { ipsets: await readTextInput(o.ipset, 'an ipset save dump') } : {}),
        ...(o.conntrack
          ? { conntrack: await readTextInput(o.conntrack, 'a conntrack -L listing') }
          : {}),
        proto: o.proto,
        src: o.src,
        dst: o.dst,
        ...(o.sport === undefined ? {} : { sport: o.sport }),
        ...(o.dport === undefined ? {} : { dport: o.dport }),
        ...(o.tcpFlags ? { tcpFlags: o.tcpFlags } : {}),
        ...(o.icmpType === undefined ? {} : { icmpType: o.icmpType }),
        ...(o.mark === undefined ? {} : { mark: o.mark }),
        ...(o.in ? { inIface: o.in } : {}),
        ...(o.out ? { outIface: o.out } : {}),
        local: o.local ?? [],
        ...(o.ifaceAddr ? { ifaceAddrs: o.ifaceAddr } : {}),
        ...(o.routeLocalnet ? { routeLocalnet: true } : {}),
        hook: o.hook,
        mode: o.sample === undefined ? { kind: 'enumerate' } : { kind: 'sample', seed: o.sample },
      })
      if (o.json) process.stdout.write(`${JSON.stringify(traceJson(report), null, 2)}\n`)
      else if (o.quiet) process.stdout.write(quietText(report))
      else process.stdout.write(traceText(report, palette(process.stdout)))
      if (o.counters && !o.json && !o.quiet)
        process.stdout.write(`\n${printIptablesSave(countersAfter(report), { counters: true })}`)
      const delivered = report.outcomes.some((x) => x.result.verdict === 'ACCEPT')
      process.exitCode = delivered ? EXIT_OK : EXIT_NOT_DELIVERED
    })
}

function saveCommand(): Command {
  return new Command('save')
    .description(
      'print a ruleset exactly as iptables-save (iptables 1.8.9) prints it after iptables-restore',
    )
    .requiredOption('--ruleset <file>', 'iptables-save output or an iptables-restore payload')
    .option('-6, --ipv6', 'the ruleset is for ip6tables')
    .option('-c, --counters', 'print rule counters, as iptables-save -c')
    .addOption(
      new Option('--backend <backend>', 'which iptables-save to imitate')
        .choices(['legacy', 'nft'] as const)
        .default('legacy' as const),
    )
    .option('--keep-order', 'keep the tables in file order (a plain round trip, no restore)')
    .option('-q, --quiet', 'accepted as by every kpath command (save writes only the ruleset)')
    .addHelpText(
      'after',
      `
Examples:
  kpath iptables save --ruleset examples/iptables/kube-proxy-node.restore
  kpath iptables save --ruleset rules.txt --backend nft -c   # as iptables-nft-save -c`,
    )
    .action(async (o) => {
      const input = await readTextInput(o.ruleset, 'an iptables ruleset')
      const parsed = parseIptablesSave(input.text, { family: o.ipv6 ? 6 : 4, file: input.file })
      const rs = o.keepOrder ? parsed : afterRestore(parsed, o.backend)
      process.stdout.write(
        printIptablesSave(rs, { counters: o.counters === true, backend: o.backend }),
      )
    })
}

export function iptablesCommand(): Command {
  return new Command('iptables')
    .description("one node's iptables: trace packets, print rulesets")
    .addHelpText(
      'after',
      `
Examples:
  kpath iptables trace --help
  kpath iptables save --ruleset examples/iptables/kube-proxy-node.restore`,
    )
    .addCommand(traceCommand())
    .addCommand(saveCommand())
}
