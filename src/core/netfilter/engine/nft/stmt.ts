/**
 * @module core/netfilter/engine/nft/stmt
 * Statements compiled into functions of the packet state. A statement kpath cannot run compiles
 * into one that throws KPATH_UNSUPPORTED, naming the rule, when a packet first reaches it (a
 * rule that an earlier statement already broke never gets there).
 */
import { isKpathError } from '../../../errors.js'
import type { NftStmt, NftVerdict } from '../../nft/model.js'
import { durationSeconds } from '../../nft/time.js'
import type { PacketState } from '../state.js'
import { kernelLogLine } from '../targets/log.js'
import { compileNat, compileReject } from './actions.js'
import type { CompiledStmt, NftOutcome } from './compiled.js'
import type { RuleContext } from './context.js'
import { compileKey, compileSetOperand, literalParts, lookupIn, verdictOf } from './lookup.js'
import { compileMatch } from './match.js'
import { compileOperand, compileScalar } from './read.js'
import type { ElementData } from './sets.js'

/** An nft verdict as the outcome of a statement. */
export function verdictOutcome(v: NftVerdict, ctx: RuleContext): NftOutcome {
  if (v.verdict === 'jump' || v.verdict === 'goto') {
    return { kind: v.verdict, chain: ctx.chainTarget(v.chain ?? '') }
  }
  return { kind: v.verdict }
}

function compileVmap(st: Extract<NftStmt, { kind: 'vmap' }>, ctx: RuleContext): CompiledStmt {
  const key = compileKey(st.key, ctx)
  const set = compileSetOperand(st.map, key.types, ctx, ['verdict'])
  const outcomes = new Map<NftVerdict, NftOutcome>()
  const outcome = (v: NftVerdict) => {
    let o = outcomes.get(v)
    if (!o) {
      o = verdictOutcome(v, ctx)
      outcomes.set(v, o)
    }
    return o
  }
  // Check the targets now: a missing chain is an error of the ruleset, not of a packet.
  for (const el of [...set.exact.values(), ...set.ranges]) {
    const v = verdictOf(el.data)
    if (v) outcome(v)
  }
  return (s) => {
    const k = key.read(s)
    const v = k && verdictOf(lookupIn(s, set, k)?.data)
    return v ? outcome(v) : 'break'
  }
}

function compileAssign(st: Extract<NftStmt, { kind: 'assign' }>, ctx: RuleContext): CompiledStmt {
  const t = st.target
  // nftrace asks the kernel to report the packet to `nft monitor trace`: kpath traces anyway.
  if (t.kind === 'meta' && t.key === 'nftrace') return () => undefined
  const target = compileScalar(t, ctx)
  const value =
    st.value.kind === 'map'
      ? keyValue(compileKey(st.value, ctx, [target.type]))
      : compileOperand(st.value, target.type, ctx)
  if (t.kind === 'meta' && t.key === 'mark') {
    return (s) => {
      const v = value(s)
      if (typeof v !== 'number') return 'break'
      s.pkt = { ...s.pkt, mark: v >>> 0 }
      return undefined
    }
  }
  if (t.kind === 'ct' && t.key === 'mark' && t.dir === undefined) {
    return (s) => {
      const v = value(s)
      const conn = s.ct?.conn
      if (typeof v !== 'number' || !conn) return 'break'
      conn.mark = v >>> 0
      return undefined
    }
  }
  throw ctx.unsupported(`setting ${t.kind} ${'key' in t ? t.key : ''}`)
}

function keyValue(k: ReturnType<typeof compileKey>) {
  return (s: PacketState) => k.read(s)?.[0]
}

function compileDynset(st: Extract<NftStmt, { kind: 'dynset' }>, ctx: RuleContext): CompiledStmt {
  const set = ctx.set(st.set)
  const key = compileKey(st.element.key, ctx)
  const timeout = st.element.timeout === undefined ? undefined : durationSeconds(st.element.timeout)
  let data: ElementData | undefined
  if (st.element.data) {
    const parts = literalParts(st.element.data, set.dataTypes ?? [], (w) => ctx.unsupported(w))
    const values = parts.map((p) => (p.kind === 'exact' ? p.value : undefined))
    if (values.some((v) => v === undefined)) throw ctx.unsupported('a range as map data')
    data = { kind: 'values', values: values.filter((v) => v !== undefined) }
  }
  return (s) => {
    const k = key.read(s)
    const nft = s.rt.nft
    if (!k || !nft) return 'break'
    if (st.op === 'delete') nft.delete(set, k)
    else nft.add(set, k, timeout, data, s.rt.now, st.op === 'update')
    return undefined
  }
}

function compileLog(st: Extract<NftStmt, { kind: 'log' }>): CompiledStmt {
  const prefix = st.options.find((o) => o.name === 'prefix')?.value ?? ''
  const group = st.options.find((o) => o.name === 'group')?.value
  return (s) => {
    const where = group === undefined ? 'LOG: ' : `NFLOG group ${group}: `
    s.events.push({ kind: 'log', text: `${where}${kernelLogLine(s, prefix)}` })
    return undefined
  }
}

function compileOne(st: NftStmt, ctx: RuleContext): CompiledStmt {
  switch (st.kind) {
    case 'match':
      return compileMatch(st.left, st.op, st.right, ctx)
    case 'verdict': {
      const o = verdictOutcome(st, ctx)
      return () => o
    }
    case 'counter':
      return (s) => {
        s.rt.count(ctx.key, s.pkt.length)
        return undefined
      }
    case 'log':
      return compileLog(st)
    case 'assign':
      return compileAssign(st, ctx)
    case 'vmap':
      return compileVmap(st, ctx)
    case 'nat':
      return compileNat(st, ctx)
    case 'reject':
      return compileReject(st, ctx)
    case 'notrack':
      // nft_notrack_eval: a packet that already has a conntrack entry is left alone.
      return (s) => {
        if (!s.ct) s.ct = { conn: undefined, dir: 'original', info: 'UNTRACKED' }
        return undefined
      }
    case 'dynset':
      return compileDynset(st, ctx)
    case 'raw':
      throw ctx.unsupported(`the statement "${st.text}"`)
  }
}

/** Compile a statement; one kpath cannot run throws KPATH_UNSUPPORTED when first reached. */
export function compileStmt(st: NftStmt, ctx: RuleContext): CompiledStmt {
  try {
    return compileOne(st, ctx)
  } catch (e) {
    if (!isKpathError(e) || e.code !== 'KPATH_UNSUPPORTED') throw e
    return () => {
      throw e
    }
  }
}
