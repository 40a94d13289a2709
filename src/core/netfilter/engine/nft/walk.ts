/**
 * @module core/netfilter/engine/nft/walk
 * One nft base chain, as nft_do_chain runs it: a rule's statements run in order until one breaks
 * (the rule does not match) or gives a verdict. `jump` pushes the return point, `goto` does not;
 * `return` or the end of a regular chain pops; with nothing to pop, the base chain's policy
 * applies. `accept` ends this base chain only; the next one at the hook still runs.
 *
 * Every rule that matched is traced as `nft monitor trace` prints it (nft 1.0.6, kernel 6.x):
 * `trace id ID ip t c rule TEXT [# handle N] (verdict V)`, and the end of a base chain as
 * `trace id ID ip t c policy accept`. Falling off a regular chain prints nothing.
 */
import { KpathError } from '../../../errors.js'
import type { PacketState } from '../state.js'
import type { Verdict } from '../types.js'
import type { CompiledNftChain, CompiledNftRule, NftOutcome, WalkCtx } from './compiled.js'

/** NFT_JUMP_STACK_SIZE: the kernel refuses to load rulesets that nest deeper. */
const MAX_DEPTH = 16

interface Frame {
  readonly chain: CompiledNftChain
  i: number
}

function verdictText(o: NftOutcome | undefined): string {
  if (!o) return 'continue'
  if (o.kind === 'jump' || o.kind === 'goto') return `${o.kind} ${o.chain}`
  // reject drops the packet (after sending its answer).
  return o.kind === 'reject' ? 'drop' : o.kind
}

function traceRule(
  s: PacketState,
  id: string,
  c: CompiledNftChain,
  r: CompiledNftRule,
  o: NftOutcome | undefined,
): void {
  const handle = r.handle === undefined ? '' : ` # handle ${r.handle}`
  const verdict = verdictText(o)
  s.events.push({
    kind: 'nft',
    hook: s.hook,
    chain: c.label,
    type: 'rule',
    index: r.index,
    ...(r.handle === undefined ? {} : { handle: r.handle }),
    verdict,
    text: `trace id ${id} ${c.label} rule ${r.text}${handle} (verdict ${verdict})`,
  })
}

function policy(s: PacketState, id: string, base: CompiledNftChain): Verdict {
  const p = base.base?.policy ?? 'accept'
  s.events.push({
    kind: 'nft',
    hook: s.hook,
    chain: base.label,
    type: 'policy',
    index: base.rules.length + 1,
    verdict: p,
    text: `trace id ${id} ${base.label} policy ${p}`,
  })
  s.rt.count(`nft:${base.label}`, s.pkt.length)
  return { kind: p }
}

/** Run a rule's statements: undefined if it broke, else its outcome (null: no verdict). */
function runRule(s: PacketState, r: CompiledNftRule, w: WalkCtx): NftOutcome | null | undefined {
  for (const st of r.stmts) {
    const res = st(s, w)
    if (res === 'break') return undefined
    if (res) return res
  }
  return null
}

function target(f: Frame, name: string): CompiledNftChain {
  const c = f.chain.siblings.get(name)
  if (!c)
    throw new KpathError('KPATH_UNKNOWN_CHAIN', `chain ${name} does not exist in ${f.chain.label}`)
  return c
}

/** Walk one base chain for the packet; `id` is the trace id of this packet at this hook. */
export function walkNftChain(
  s: PacketState,
  base: CompiledNftChain,
  id: string,
  w: WalkCtx,
): Verdict {
  const stack: Frame[] = []
  let f: Frame = { chain: base, i: 0 }
  for (;;) {
    const r = f.chain.rules[f.i]
    if (!r) {
      const up = stack.pop()
      if (!up) return policy(s, id, base)
      f = up
      continue
    }
    f.i++
    const o = runRule(s, r, w)
    if (o === undefined) continue
    traceRule(s, id, f.chain, r, o ?? undefined)
    if (o === null || o.kind === 'continue') continue
    switch (o.kind) {
      case 'accept':
      case 'drop':
        return { kind: o.kind }
      case 'reject':
        return { kind: 'reject', with: o.with, ...(o.response ? { response: o.response } : {}) }
      case 'return': {
        const up = stack.pop()
        if (!up) return policy(s, id, base)
        f = up
        break
      }
      case 'jump':
        stack.push(f)
        if (stack.length > MAX_DEPTH) {
          throw new KpathError(
            'KPATH_LOOP',
            `nft jumps nest deeper than ${MAX_DEPTH} at ${f.chain.label}`,
          )
        }
        f = { chain: target(f, o.chain), i: 0 }
        break
      case 'goto':
        f = { chain: target(f, o.chain), i: 0 }
        break
    }
  }
}
