/**
 * @module core/netfilter/engine/nft/match
 * Matches (`left [op] right`) as nft evaluates them: membership in a set, a flag test for flag
 * types (`ct state established,related` is "any of these bits"), a masked test
 * (`tcp flags syn / fin,syn,rst,ack`), equality or order otherwise. A key the packet cannot
 * give (no such header, no connection) breaks the rule whatever the operator, as in the kernel.
 */
import type { NftExpr, NftRelOp } from '../../nft/model.js'
import type { CompiledStmt } from './compiled.js'
import type { RuleContext } from './context.js'
import { compileKey, compileSetOperand, literalParts, lookupIn } from './lookup.js'
import { BITMASK_TYPES, type Literal, literalHas, type Scalar } from './values.js'

function exactNumber(l: Literal, ctx: RuleContext): number {
  if (l.kind !== 'exact' || typeof l.value !== 'number')
    throw ctx.unsupported('a non-numeric flag value')
  return l.value
}

/** The test of one value against one literal for an operator. */
function compare(
  op: NftRelOp,
  type: string | undefined,
  l: Literal,
  ctx: RuleContext,
): (v: Scalar) => boolean {
  const flags = type !== undefined && BITMASK_TYPES.has(type)
  switch (op) {
    case 'implicit':
      if (flags) {
        const bits = exactNumber(l, ctx)
        return (v) => typeof v === 'number' && (v & bits) !== 0
      }
      return (v) => literalHas(l, v)
    case '==':
      return (v) => literalHas(l, v)
    case '!=':
      if (flags) {
        const bits = exactNumber(l, ctx)
        return (v) => typeof v === 'number' && (v & bits) === 0
      }
      return (v) => !literalHas(l, v)
  }
  if (l.kind !== 'exact' || typeof l.value === 'string')
    throw ctx.unsupported(`"${op}" with a range`)
  const x = l.value
  const order = (v: Scalar): number => {
    if (typeof v === 'string' || typeof v !== typeof x) return Number.NaN
    return v < x ? -1 : v > x ? 1 : 0
  }
  if (op === '<') return (v) => order(v) < 0
  if (op === '>') return (v) => order(v) > 0
  if (op === '<=') return (v) => order(v) <= 0
  return (v) => order(v) >= 0
}

function setMatch(left: NftExpr, op: NftRelOp, right: NftExpr, ctx: RuleContext): CompiledStmt {
  if (op !== 'implicit' && op !== '==' && op !== '!=') throw ctx.unsupported(`"${op}" with a set`)
  const key = compileKey(left, ctx)
  const set = compileSetOperand(right, key.types, ctx)
  const want = op !== '!='
  return (s) => {
    const k = key.read(s)
    if (!k) return 'break'
    return (lookupIn(s, set, k) !== undefined) === want ? undefined : 'break'
  }
}

/** `value / mask`: (v & mask) == value; `!=` negates. */
function maskMatch(
  left: NftExpr,
  op: NftRelOp,
  right: Extract<NftExpr, { kind: 'flagmask' }>,
  ctx: RuleContext,
): CompiledStmt {
  const key = compileKey(left, ctx)
  const fail = (what: string) => ctx.unsupported(what)
  const [value] = literalParts(right.value, key.types, fail)
  const [mask] = literalParts(right.mask, key.types, fail)
  if (!value || !mask || key.types.length !== 1)
    throw ctx.unsupported('a masked test on a concatenation')
  const v = exactNumber(value, ctx)
  const m = exactNumber(mask, ctx)
  const want = op !== '!='
  return (s) => {
    const k = key.read(s)?.[0]
    if (typeof k !== 'number') return 'break'
    return ((k & m) === v) === want ? undefined : 'break'
  }
}

export function compileMatch(
  left: NftExpr,
  op: NftRelOp,
  right: NftExpr,
  ctx: RuleContext,
): CompiledStmt {
  if (right.kind === 'set' || right.kind === 'ref') return setMatch(left, op, right, ctx)
  if (right.kind === 'flagmask') return maskMatch(left, op, right, ctx)
  const key = compileKey(left, ctx)
  const parts = literalParts(right, key.types, (what) => ctx.unsupported(what))
  if (parts.length > 1 && op !== 'implicit' && op !== '==' && op !== '!=') {
    throw ctx.unsupported(`"${op}" on a concatenation`)
  }
  // A concatenation is equal when every part is; `!=` is the negation of that.
  const negate = parts.length > 1 && op === '!='
  const tests = parts.map((l, i) => compare(negate ? '==' : op, key.types[i], l, ctx))
  return (s) => {
    const k = key.read(s)
    if (!k) return 'break'
    const all = tests.every((t, i) => t(k[i] as Scalar))
    return all !== negate ? undefined : 'break'
  }
}
