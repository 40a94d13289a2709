/**
 * @module core/cni/kube-router/real-tools
 * Shared by the live test and scripts/gen-kube-router-fixtures.ts: what the real tools are fed
 * for seed 001, and how their output is normalised before it is compared with kpath's: the
 * kernel's random ipset `initval` is dropped and hash members are sorted (the kernel lists
 * them in bucket order), iptables-save's dated comment lines are dropped.
 */
import { printIpsetSave } from '../../ipset/index.js'
import type { CniContext } from '../types.js'
import { kubeRouterPlugin } from './index.js'
import { kubeRouterIpsetRestore } from './ipsets.js'
import { nodeView } from './node-view.js'

/** The ipset restore text kube-router feeds on every node of `ctx`'s cluster. */
export function seedIpsetRestore(ctx: CniContext): string {
  return kubeRouterIpsetRestore(ctx.cluster.nodes.map((n) => nodeView(ctx, n)))
}

/** kpath's `ipset save` of a node's sets. */
export function expectedIpsetSave(ctx: CniContext, node: string): string {
  const u = ctx.underlay.get(node)
  if (u === undefined) throw new Error(`no node ${node}`)
  return printIpsetSave(kubeRouterPlugin.node(ctx, u).ipsets ?? [])
}

/** `ipset save` without initval, members of each set sorted. */
export function normaliseIpsetSave(text: string): string {
  const out: string[] = []
  let members: string[] = []
  const flush = () => {
    out.push(...members.sort())
    members = []
  }
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (line.startsWith('create ')) {
      flush()
      out.push(line.replace(/ initval 0x[0-9a-f]+/, ''))
    } else members.push(line)
  }
  flush()
  return out.map((l) => `${l}\n`).join('')
}

/** The kube-router payload without the rules whose match this kernel may lack (`-m ipvs`). */
export function withoutIpvs(payload: string): string {
  return payload
    .split('\n')
    .filter((l) => !l.includes('-m ipvs'))
    .join('\n')
}

/** iptables-save output without its `#` comment lines. */
export function withoutDates(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
}
