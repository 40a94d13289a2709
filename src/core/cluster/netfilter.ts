/**
 * @module core/cluster/netfilter
 * A node's netfilter state: kube-proxy's first, then the CNI's iptables-restore fragments
 * applied on top with `--noflush` in the order they were merged (node fragment, then each
 * pod's host fragment). That is the order the real components leave: kube-proxy only ever
 * inserts its jumps at position 1 of the built-in chains (`EnsureRule(Prepend)`), flanneld and
 * the bridge plugin append theirs (`-A`, `AppendUnique`), and Calico's Felix inserts its own
 * at the top and moves them back there, so whichever starts first, kube-proxy's jumps precede
 * the appended ones and follow the ones a CNI inserts. In nftables mode kube-proxy's table goes
 * to `nftables` and the CNI's iptables rules stand alone.
 */
import type { KubeProxyRender } from '../kube/proxy/index.js'
import type { NetnsState } from '../model/netns.js'
import { parseIptablesSave } from '../netfilter/iptables-save/index.js'
import type { NftRuleset } from '../netfilter/nft/model.js'
import type { Ruleset } from '../netfilter/rule.js'
import type { RestoreText } from './builder.js'

export interface NodeNetfilter {
  readonly iptables: NetnsState['iptables']
  readonly nftables?: NftRuleset
}

export function nodeNetfilter(
  proxy: KubeProxyRender | undefined,
  restore: { readonly ipv4: readonly RestoreText[]; readonly ipv6: readonly RestoreText[] },
): NodeNetfilter {
  const ipv4 = applyAll(proxy?.iptables?.ipv4?.ruleset, restore.ipv4, 4)
  const ipv6 = applyAll(proxy?.iptables?.ipv6?.ruleset, restore.ipv6, 6)
  const tables = [proxy?.nftablesDetail?.ipv4?.model, proxy?.nftablesDetail?.ipv6?.model].filter(
    (t) => t !== undefined,
  )
  return {
    iptables: { ...(ipv4 === undefined ? {} : { ipv4 }), ...(ipv6 === undefined ? {} : { ipv6 }) },
    ...(tables.length === 0 ? {} : { nftables: { tables } }),
  }
}

/**
 * Apply iptables-restore texts in order onto `base`, as successive `iptables-restore --noflush`
 * runs. They are read as one input (each text is whole `*table … COMMIT` blocks, so one input
 * applies them the same way) because copying a large kube-proxy ruleset once per pod's
 * fragment is what would cost; a parse error names every source.
 */
export function applyAll(
  base: Ruleset | undefined,
  texts: readonly RestoreText[],
  family: 4 | 6,
): Ruleset | undefined {
  if (texts.length === 0) return base
  const text = texts.map((t) => (t.text.endsWith('\n') ? t.text : `${t.text}\n`)).join('')
  const from =
    texts.length === 1
      ? (texts[0]?.from ?? '')
      : `CNI rules (${texts.map((t) => t.from).join('; ')})`
  return parseIptablesSave(text, {
    family,
    noflush: true,
    file: from,
    ...(base === undefined ? {} : { base }),
  })
}
