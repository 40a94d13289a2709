/**
 * @module core/netfilter/nft/priority
 * Base chain priorities as nft prints them: a standard name, a name with an offset of at most
 * 10 (`dstnat - 10`, `raw + 10`), or a plain number. Which names exist depends on the family
 * and which apply to the hook (`dstnat` only at prerouting, `srcnat` only at postrouting),
 * measured on nft 1.0.6: that is why kube-proxy's `-110` prints as `dstnat - 10` on prerouting
 * but stays `-110` on output.
 */
import type { NftFamily, NftHook } from './model.js'

interface StdPriority {
  readonly name: string
  readonly value: number
  /** Hooks the name applies to; undefined means every hook of the family. */
  readonly hooks?: readonly NftHook[]
}

/** net/ipv4 priorities (NF_IP_PRI_*), shared by ip, ip6 and inet. */
const INET_PRIOS: readonly StdPriority[] = [
  { name: 'raw', value: -300 },
  { name: 'mangle', value: -150 },
  { name: 'dstnat', value: -100, hooks: ['prerouting'] },
  { name: 'filter', value: 0 },
  { name: 'security', value: 50 },
  { name: 'srcnat', value: 100, hooks: ['postrouting'] },
]

/** Bridge priorities (NF_BR_PRI_*). */
const BRIDGE_PRIOS: readonly StdPriority[] = [
  { name: 'dstnat', value: -300, hooks: ['prerouting'] },
  { name: 'filter', value: -200 },
  { name: 'out', value: 100, hooks: ['output'] },
  { name: 'srcnat', value: 300, hooks: ['postrouting'] },
]

const FILTER_ONLY: readonly StdPriority[] = [{ name: 'filter', value: 0 }]

/** nft prints `name ± offset` only for offsets up to this. */
const MAX_OFFSET = 10

function table(family: NftFamily): readonly StdPriority[] {
  if (family === 'bridge') return BRIDGE_PRIOS
  if (family === 'arp' || family === 'netdev') return FILTER_ONLY
  return INET_PRIOS
}

/** The priority as `nft list` prints it for a chain of `family` at `hook`. */
export function formatPriority(family: NftFamily, hook: NftHook, value: number): string {
  for (const p of table(family)) {
    if (p.hooks && !p.hooks.includes(hook)) continue
    const offset = value - p.value
    if (Math.abs(offset) > MAX_OFFSET) continue
    if (offset === 0) return p.name
    return `${p.name} ${offset > 0 ? '+' : '-'} ${Math.abs(offset)}`
  }
  return String(value)
}

/** The value of a standard priority name in `family`, or undefined when it has none. */
export function priorityValue(family: NftFamily, name: string): number | undefined {
  return table(family).find((p) => p.name === name)?.value
}
