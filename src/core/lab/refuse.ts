/**
 * @module core/lab/refuse
 * What a lab cannot build. The reference kernel (docs: kernel-lab note, a monolithic 6.x with
 * `CONFIG_MODULES` unset) has no `CONFIG_NET_IPIP` (Calico IPIP's tunl0, kube-router's tun-*),
 * no `CONFIG_DUMMY` (kube-ipvs0, nodelocaldns) and no `CONFIG_IP_VS` (kube-proxy IPVS mode);
 * physical NICs cannot be made in a namespace at all. A cluster using any of them is refused
 * as a whole: a partial build would answer probes the real cluster would not.
 */
import type { NetnsState } from '../model/netns.js'

const LACKING: Readonly<Record<string, string>> = {
  ipip: 'ipip link (the kernel has no CONFIG_NET_IPIP)',
  dummy: 'dummy link (the kernel has no CONFIG_DUMMY)',
  ether: 'physical link (a namespace cannot create one)',
}

/** One line per namespace that uses something the kernel lacks. */
export function refusals(states: readonly NetnsState[]): string[] {
  const out: string[] = []
  for (const s of states) {
    const why = s.links.flatMap((l) => {
      const lack = LACKING[l.kind]
      return lack === undefined ? [] : [`${l.name}: ${lack}`]
    })
    if ((s.ipvs?.services.length ?? 0) > 0)
      why.push('IPVS virtual services (the kernel has no CONFIG_IP_VS)')
    if (why.length > 0) out.push(`${s.name}: ${why.join('; ')}`)
  }
  return out
}
