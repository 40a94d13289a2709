/**
 * @module core/kube/proxy/ipvs/ipsets
 * The ipsets one IPVS proxier leaves after a sync: every set of `ipsetInfo` exists (created
 * with `ipset create NAME TYPE family inet hashsize 1024 maxelem 65536`, or `range 0-65535` for
 * bitmap:port, pkg/proxy/ipvs/ipset/ipset.go `createSet`), holding the sync's entries. The text
 * is read back with kpath's ipset restore model, so the sets are what `ipset save` prints.
 *
 * At 10,000 Services reading every member back is most of the render, so members of the sets
 * whose entries kube-proxy already writes in `ipset save`'s spelling (Go's canonical IPs,
 * lower-case protocol, decimal port: hash:ip, hash:ip,port, hash:ip,port,ip; bitmap:port,
 * listed by port) are placed directly; `ipsets.test.ts` checks both ways agree.
 */
import { parseIpsetSave } from '../../../ipset/index.js'
import type { IpSet, IpSetMember, IpSetType } from '../../../ipset/model.js'
import type { IPFamily } from '../../model.js'
import { SET_SPECS, type SetKey, type SetSpec, setName } from './names.js'

function createLine(spec: SetSpec, family: IPFamily): string {
  const name = setName(spec.key, family)
  if (spec.type === 'bitmap:port') return `create ${name} bitmap:port range 0-65535`
  const inet = family === 'IPv4' ? 'inet' : 'inet6'
  return `create ${name} ${spec.type} family ${inet} hashsize 1024 maxelem 65536`
}

/** Types whose members are placed without parsing (see the module header). */
const DIRECT: ReadonlySet<IpSetType> = new Set([
  'hash:ip',
  'hash:ip,port',
  'hash:ip,port,ip',
  'bitmap:port',
])

/**
 * `ipset restore` text for the sets of one family: creates, then members in sync order;
 * `parsed-only` leaves out the members of the directly placed types.
 */
export function ipsetRestoreText(
  entries: ReadonlyMap<SetKey, ReadonlySet<string>>,
  family: IPFamily,
  members: 'all' | 'parsed-only' = 'all',
): string {
  const lines: string[] = []
  for (const spec of SET_SPECS) {
    lines.push(createLine(spec, family))
    if (members === 'parsed-only' && DIRECT.has(spec.type)) continue
    const name = setName(spec.key, family)
    for (const e of entries.get(spec.key) ?? []) lines.push(`add ${name} ${e}`)
  }
  lines.push('')
  return lines.join('\n')
}

function member(elem: string): IpSetMember {
  return { elem, options: [], nomatch: false }
}

/** The sets as `ipset save` prints them after kube-proxy's sync. */
export function kubeProxyIpsets(
  entries: ReadonlyMap<SetKey, ReadonlySet<string>>,
  family: IPFamily,
): IpSet[] {
  const text = ipsetRestoreText(entries, family, 'parsed-only')
  const sets = parseIpsetSave(text, { file: `kube-proxy ${family} ipsets` })
  return sets.map((set, i) => {
    const spec = SET_SPECS[i]
    if (spec === undefined || !DIRECT.has(spec.type)) return set
    const list = [...(entries.get(spec.key) ?? [])]
    // bitmap:port lists by port, as the kernel walks its bitmap.
    if (spec.type === 'bitmap:port') list.sort((a, b) => Number(a) - Number(b))
    return { ...set, members: list.map(member) }
  })
}

/** Every member read back through the restore model (the reference for the direct path). */
export function kubeProxyIpsetsParsed(
  entries: ReadonlyMap<SetKey, ReadonlySet<string>>,
  family: IPFamily,
): IpSet[] {
  return parseIpsetSave(ipsetRestoreText(entries, family), { file: `kube-proxy ${family} ipsets` })
}
