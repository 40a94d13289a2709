/**
 * @module core/cni/calico/ipsets
 * The ipsets felix keeps on a node without network policy (Calico v3.22), written as felix
 * writes them to `ipset restore` (`create NAME hash:net family inet maxelem 1048576`, then the
 * members) and normalised by kpath's ipset reader to what `ipset save` shows:
 *
 * - `cali40all-ipam-pools`: every IPv4 pool, disabled ones too (felix's masquerade manager);
 * - `cali40masq-ipam-pools`: the pools with natOutgoing; both always exist, maybe empty;
 * - `cali40all-hosts-net` (IPIP enabled): every Calico node's address, this one included;
 * - `cali40all-vxlan-net` (VXLAN enabled): the other nodes' VXLAN parent addresses.
 *
 * Member order is insertion order (the kernel prints hash order, which kpath cannot know).
 */
import type { IpSet } from '../../ipset/model.js'
import { parseIpsetSave } from '../../ipset/save.js'
import { IPSET } from './names.js'
import type { CalicoPlan } from './plan.js'
import type { Peer } from './routes.js'

/** Felix's `MaxIpsetSize` default. */
const MAX_SIZE = 1048576

function hashNet(name: string, members: readonly string[]): string {
  const lines = [`create ${name} hash:net family inet maxelem ${MAX_SIZE}`]
  for (const m of new Set(members)) lines.push(`add ${name} ${m}`)
  return lines.join('\n')
}

export function nodeIpsets(plan: CalicoPlan, self: Peer, peers: readonly Peer[]): IpSet[] {
  const pools = plan.config.pools
  const sets = [
    hashNet(
      IPSET.allPools,
      pools.map((p) => p.cidr),
    ),
    hashNet(
      IPSET.masqPools,
      pools.filter((p) => p.natOutgoing).map((p) => p.cidr),
    ),
  ]
  if (plan.ipipEnabled)
    sets.push(
      hashNet(
        IPSET.allHosts,
        peers.map((p) => p.address),
      ),
    )
  if (plan.vxlanEnabled) {
    const others = peers.filter((p) => p.name !== self.name && p.vtep !== undefined)
    sets.push(
      hashNet(
        IPSET.allVxlanSources,
        others.map((p) => p.address),
      ),
    )
  }
  return parseIpsetSave(`${sets.join('\n')}\n`)
}
