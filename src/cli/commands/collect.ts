/**
 * @module cli/commands/collect
 * `kpath collect`: print the shell script that writes a node dump (docs/DUMP.md).
 */
import { Command } from '@commander-js/extra-typings'
import { collectScript } from '../../core/dump/index.js'

const EXAMPLES = `
The script only lists state (iptables-save, nft list ruleset, ip -j …, ipset save, conntrack -L,
ipvsadm -Sn, sysctl -a, bridge -j …, hostname); a missing command leaves its file out.

Examples:
  kpath collect > collect.sh && scp collect.sh node1: && ssh node1 sudo sh collect.sh
  kubectl debug node/node1 -it --image=busybox -- chroot /host sh -c "$(kpath collect)"
  kpath trace --dump kpath-dump-node1-… --from 10.244.1.5 --to 10.96.0.10 --port 53 --proto udp`

export function collectCommand() {
  return new Command('collect')
    .description('print the POSIX shell script that collects a node dump (read-only on the node)')
    .addHelpText('after', EXAMPLES)
    .action(() => {
      process.stdout.write(collectScript())
    })
}
