/**
 * @module core/netfilter/engine/dst-index
 * An index of a long chain by destination host address. kube-proxy's KUBE-SERVICES holds one
 * `-d <clusterIP>/32` rule per Service port; the kernel walks it linearly (about 5.7 ns a rule).
 * We keep first-match semantics exactly but skip rules that cannot match: a rule whose only
 * destination test is a positive host address can match only packets to that address. The
 * candidates for a packet are those rules plus every rule without such a test, in chain order.
 */
import type { Addr } from '../../net/ip.js'
import type { Rule } from '../rule.js'

export interface DstIndex {
  readonly byAddr: ReadonlyMap<number | bigint, readonly number[]>
  /** Positions of rules that any destination may match. */
  readonly wildcard: readonly number[]
}

/** Chains shorter than this are walked directly; indexing them costs more than it saves. */
export const INDEX_MIN_RULES = 16

function hostKey(rule: Rule): number | bigint | undefined {
  const d = rule.dst
  if (!d || d.negated) return undefined
  const full = d.cidr.family === 4 ? d.cidr.len === 32 : d.cidr.len === 128
  return full ? d.cidr.addr : undefined
}

export function buildDstIndex(rules: readonly Rule[]): DstIndex | undefined {
  if (rules.length < INDEX_MIN_RULES) return undefined
  const byAddr = new Map<number | bigint, number[]>()
  const wildcard: number[] = []
  rules.forEach((r, i) => {
    const k = hostKey(r)
    if (k === undefined) wildcard.push(i)
    else {
      const list = byAddr.get(k)
      if (list) list.push(i)
      else byAddr.set(k, [i])
    }
  })
  // An index that prunes little is not worth a merge per walk.
  if (wildcard.length > rules.length / 2) return undefined
  return { byAddr, wildcard }
}

/** The positions a packet to `dst` must visit, in chain order. */
export function candidates(index: DstIndex, dst: Addr): readonly number[] {
  const hits = index.byAddr.get(dst.value)
  if (!hits) return index.wildcard
  const w = index.wildcard
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < hits.length || j < w.length) {
    const a = hits[i]
    const b = w[j]
    if (b === undefined || (a !== undefined && a < b)) {
      out.push(a as number)
      i++
    } else {
      out.push(b)
      j++
    }
  }
  return out
}
