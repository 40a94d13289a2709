/**
 * @module cli/program
 * The command tree. Commands only parse flags and call the library.
 */
import { Command } from '@commander-js/extra-typings'
import { collectCommand } from './commands/collect.js'
import { diffCommand } from './commands/diff.js'
import { explainCommand } from './commands/explain.js'
import { iptablesCommand } from './commands/iptables.js'
import { labCommand } from './commands/lab.js'
import { showCommand } from './commands/show.js'
import { traceCommand } from './commands/trace.js'

export const VERSION = '0.1.0'

const EXAMPLES = `
Examples:
  kpath trace examples/seeds/003-flannel-udp-rp-filter.yaml --from node/slave1 --to svc/default/heapster
  kpath explain examples/seeds/003-flannel-udp-rp-filter.yaml --from node/slave1 --to svc/default/heapster
  kpath show routes examples/clusters/flannel-vxlan.yaml --node beta
  kpath iptables save --ruleset examples/iptables/kube-proxy-node.restore
  kpath lab up examples/clusters/flannel-vxlan.yaml --name demo      # needs root
  kpath collect > collect.sh; kpath diff --dump dumps/node1 cluster.yaml

Each command's --help has its own examples. Exit codes: 0 delivered (or the asked-for output
printed), 1 the packet is not delivered, 2 bad input or usage. NO_COLOR turns colour off.`

/**
 * commander passes exitOverride and help-after-error only to subcommands made with .command(),
 * not to those added with .addCommand(); apply them to the whole tree so every usage error
 * reaches main() and exits 2.
 */
function inherit(cmd: Command): void {
  for (const sub of cmd.commands as Command[]) {
    sub.exitOverride().showHelpAfterError('(add --help for usage and examples)')
    inherit(sub)
  }
}

export function createProgram(): Command {
  const program = new Command('kpath')
    .description('Emulate, trace and explain the Kubernetes data plane of Linux nodes')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage and examples)')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
  program.addCommand(iptablesCommand())
  program.addCommand(labCommand())
  program.addCommand(showCommand())
  program.addCommand(traceCommand())
  program.addCommand(explainCommand())
  program.addCommand(collectCommand())
  program.addCommand(diffCommand())
  inherit(program)
  return program
}
