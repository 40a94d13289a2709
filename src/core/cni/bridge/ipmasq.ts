/**
 * @module core/cni/bridge/ipmasq
 * The bridge plugin's `ipMasq: true` (pkg/ip/ipmasq_iptables_linux.go `SetupIPMasq`, v1.9): a
 * nat chain per container that accepts traffic to the pod's own subnet and masquerades the
 * rest except multicast, reached from POSTROUTING for the pod's address. The plugin appends
 * (`AppendUnique`) the chain's two rules, then the POSTROUTING jump. Written here in the
 * canonical form iptables-save prints (the plugin passes `-d 10.244.1.2/24`, which iptables
 * stores as the network).
 */
import { formatPrefix4, type Prefix4 } from '../../cluster/ipv4.js'
import { cniChainName, cniComment } from './names.js'

/** iptables-restore text (`--noflush` semantics) for one container's masquerade chain. */
export function ipMasqRestore(
  network: string,
  containerID: string,
  podIP: string,
  subnet: Prefix4,
): string {
  const chain = cniChainName(network, containerID)
  const comment = `--comment ${restoreQuote(cniComment(network, containerID))}`
  return [
    '*nat',
    `:${chain} - [0:0]`,
    `-A ${chain} -d ${formatPrefix4(subnet)} -m comment ${comment} -j ACCEPT`,
    `-A ${chain} ! -d 224.0.0.0/4 -m comment ${comment} -j MASQUERADE`,
    `-A POSTROUTING -s ${podIP}/32 -m comment ${comment} -j ${chain}`,
    'COMMIT',
    '',
  ].join('\n')
}

/** A double-quoted iptables-restore word: `"` and `\` escaped with a backslash. */
export function restoreQuote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}
