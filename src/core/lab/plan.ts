/**
 * @module core/lab/plan
 * What `kpath lab up` will do, computed without running anything: the emulator's namespaces
 * (the exact `NetnsState`s `traceCluster` walks) renamed `kpath-<lab>-<name>`, each with its
 * `ip -batch` plan (core/iproute2 batchPlan), its `ipset restore`, `iptables-restore` and
 * `nft -f` payloads (printed by kpath's own byte-exact printers) and the user-space programs it
 * needs (echo servers, flanneld's UDP forwarder). State the kernel cannot hold is refused here,
 * before any namespace exists.
 */
import { KpathError } from '../errors.js'
import { type BatchPlan, batchPlan } from '../iproute2/batch.js'
import { printIpsetSave } from '../ipset/index.js'
import type { NetnsRole, NetnsState } from '../model/netns.js'
import { printIptablesSave } from '../netfilter/iptables-save/index.js'
import { printNftRuleset } from '../netfilter/nft/index.js'
import { type LabdConfig, labdConfig } from './daemons.js'
import { labNetnsName, renameStates, validLabId } from './names.js'
import { refusals } from './refuse.js'

export type IptablesBackend = 'legacy' | 'nft'

export interface LabNetns {
  /** The emulator's name (`node-alpha`, `pod-default-web-1`). */
  readonly model: string
  /** The real namespace: `kpath-<lab>-<model>`. */
  readonly name: string
  readonly role?: NetnsRole
  readonly batch: BatchPlan
  /** nfacct objects the rules name (`-m nfacct`): kube-proxy makes them; `nfacct add` here. */
  readonly nfacct: readonly string[]
  /** `ipset restore` input (before iptables: `-m set` needs the sets). */
  readonly ipsets?: string
  /** `iptables-restore` / `ip6tables-restore` input. */
  readonly iptables4?: string
  readonly iptables6?: string
  /** `nft -f -` input. */
  readonly nft?: string
}

export interface LabPlan {
  readonly id: string
  readonly backend: IptablesBackend
  readonly namespaces: readonly LabNetns[]
  /** The configuration of the one lab daemon (servers/labd.py). */
  readonly labd: LabdConfig
  /** Parts of the state that are not built, each with the reason (never dropped silently). */
  readonly skipped: readonly string[]
}

export interface LabPlanOptions {
  readonly id: string
  readonly backend: IptablesBackend
}

/** The `--nfacct-name` objects of a namespace's rulesets, sorted. */
function nfacctNames(s: NetnsState): string[] {
  const names = new Set<string>()
  for (const rs of [s.iptables.ipv4, s.iptables.ipv6])
    for (const t of rs?.tables ?? [])
      for (const c of t.chains)
        for (const r of c.rules)
          for (const m of r.matches)
            if (m.module === 'nfacct')
              for (const o of m.options)
                if (o.name === '--nfacct-name') names.add(o.values[0] ?? '')
  return [...names].filter(Boolean).sort()
}

function payloads(s: NetnsState, backend: IptablesBackend): Partial<LabNetns> {
  const v4 = s.iptables.ipv4
  const v6 = s.iptables.ipv6
  return {
    ...(s.ipsets.length > 0 ? { ipsets: printIpsetSave(s.ipsets) } : {}),
    ...(v4 && v4.tables.length > 0 ? { iptables4: printIptablesSave(v4, { backend }) } : {}),
    ...(v6 && v6.tables.length > 0 ? { iptables6: printIptablesSave(v6, { backend }) } : {}),
    ...(s.nftables && s.nftables.tables.length > 0 ? { nft: printNftRuleset(s.nftables) } : {}),
  }
}

/**
 * @example
 * planLab(assembled.namespaces, { id: 'demo', backend: 'legacy' }).namespaces[0].name
 * // → 'kpath-demo-seg-underlay'
 * @throws KpathError KPATH_UNSUPPORTED listing every namespace that uses what the kernel lacks
 * @throws KpathError KPATH_INVALID_ARGUMENT for a bad lab id
 */
export function planLab(states: readonly NetnsState[], o: LabPlanOptions): LabPlan {
  if (!validLabId(o.id))
    throw new KpathError('KPATH_INVALID_ARGUMENT', `bad lab name ${JSON.stringify(o.id)}`, {
      hint: 'use 1-20 characters: lower-case letters, digits and inner dashes',
    })
  const refused = refusals(states)
  if (refused.length > 0)
    throw new KpathError(
      'KPATH_UNSUPPORTED',
      `this cluster cannot be built in the kernel:\n  ${refused.join('\n  ')}`,
      { hint: 'trace it with `kpath trace` instead; the emulator models it' },
    )
  const renamed = renameStates(states, o.id)
  const namespaces = renamed.map((s, i) => ({
    model: states[i]?.name ?? s.name,
    name: s.name,
    ...(s.role ? { role: s.role } : {}),
    batch: batchPlan(s, renamed),
    nfacct: nfacctNames(s),
    ...payloads(s, o.backend),
  }))
  const { config, skipped } = labdConfig(states, (m) => labNetnsName(o.id, m))
  return { id: o.id, backend: o.backend, namespaces, labd: config, skipped }
}
