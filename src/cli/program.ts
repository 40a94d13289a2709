/**
 * @module cli/program
 * The command tree. Commands only parse flags and call the library.
 */
import { Command } from '@commander-js/extra-typings'
import { iptablesCommand } from './commands/iptables.js'
import { showCommand } from './commands/show.js'
import { traceCommand } from './commands/trace.js'

export const VERSION = '0.1.0'

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
    .exitOverride()
  program.addCommand(iptablesCommand())
  program.addCommand(showCommand())
  program.addCommand(traceCommand())
  inherit(program)
  return program
}
