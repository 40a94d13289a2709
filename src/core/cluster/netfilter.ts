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

/** What kube-proxy renders on the node, computed on first use (see {@link nodeNetfilter}). */
export type ProxyThunk = () => KubeProxyRender | undefined

/**
 * The node's netfilter state, built on first read. Rendering kube-proxy and parsing the merged
 * rules is most of a node's cost (a 5,000-Service ruleset is ~75k rules), and a trace reads the
 * rules of the few nodes it crosses, so a 1,000-node cluster must not build them all up front.
 * `iptables` is an object whose `ipv4`/`ipv6` are memoised getters: spreading a NetnsState
 * copies the object without building it. `nftables` (kube-proxy's nftables mode) is present
 * exactly when `nft` says so, with its `tables` built on first read likewise.
 */
export function nodeNetfilter(
  proxy: ProxyThunk,
  nft: boolean,
  restore: { readonly ipv4: readonly RestoreText[]; readonly ipv6: readonly RestoreText[] },
): NodeNetfilter {
  const render = memo(proxy)
  const ipv4 = memo(() => applyAll(render()?.iptables?.ipv4?.ruleset, restore.ipv4, 4))
  const ipv6 = memo(() => applyAll(render()?.iptables?.ipv6?.ruleset, restore.ipv6, 6))
  const iptables = {
    get ipv4() {
      return ipv4()
    },
    get ipv6() {
      return ipv6()
    },
  }
  if (!nft) return { iptables }
  const tables = memo(() =>
    [render()?.nftablesDetail?.ipv4?.model, render()?.nftablesDetail?.ipv6?.model].filter(
      (t) => t !== undefined,
    ),
  )
  return {
    iptables,
    nftables: {
      get tables() {
        return tables()
      },
    },
  }
}

function memo<T>(f: () => T): () => T {
  let cell: { readonly value: T } | undefined
  return () => {
    cell ??= { value: f() }
    return cell.value
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
