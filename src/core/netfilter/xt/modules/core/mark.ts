/**
 * @module core/netfilter/xt/modules/core/mark
 * Packet and connection marks: the `mark` and `connmark` matches (libxt_mark.c,
 * libxt_connmark.c) and the `MARK` and `CONNMARK` targets (libxt_MARK.c, libxt_CONNMARK.c,
 * revisions 2). The targets store every operation as "value/mask", so iptables-save prints
 * `--or-mark M` as `--set-xmark M/M`, `--xor-mark M` as `--set-xmark M/0x0`, `--and-mark M` as
 * `--set-xmark 0x0/~M` and `--set-mark V/M` as `--set-xmark V/(V|M)`.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import {
  byName,
  exclusive,
  formatMarkMask,
  hex,
  mandatory,
  markMask,
  needUint,
  spec,
  value,
} from './common.js'

function needMarkMask(
  ext: string,
  o: RawOption,
  ctx: CanonContext,
): { value: number; mask: number } {
  const mm = markMask(value(o))
  if (!mm)
    ctx.fail(
      `${ext}: bad value "${value(o)}" for ${o.canonical}`,
      o,
      'a mark is value[/mask], each 0-0xffffffff',
    )
  return mm
}

function markMatch(name: 'mark' | 'connmark'): XtModule {
  return {
    name,
    kind: 'match',
    options: [spec('--mark', 1, true)],
    canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
      const o = mandatory(name, byName(name, raw, ctx), '--mark', ctx)
      const mm = needMarkMask(name, o, ctx)
      return [{ name: '--mark', negated: o.negated, values: [formatMarkMask(mm.value, mm.mask)] }]
    },
  }
}

export const markMatchModule = markMatch('mark')
export const connmarkMatchModule = markMatch('connmark')

/** The "set" operations both targets share, as value/mask pairs (libxt_MARK `mark_tg_parse`). */
const SET_OPS = ['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark'] as const

function setOp(ext: string, o: RawOption, ctx: CanonContext): { value: number; mask: number } {
  if (o.canonical === '--set-xmark') return needMarkMask(ext, o, ctx)
  if (o.canonical === '--set-mark') {
    const mm = needMarkMask(ext, o, ctx)
    return { value: mm.value, mask: (mm.value | mm.mask) >>> 0 }
  }
  const n = needUint(ext, o, value(o), 0, 0xffffffff, ctx)
  if (o.canonical === '--and-mark') return { value: 0, mask: ~n >>> 0 }
  if (o.canonical === '--or-mark') return { value: n, mask: n }
  return { value: n, mask: 0 } // --xor-mark
}

export const markTarget: XtModule = {
  name: 'MARK',
  kind: 'target',
  options: SET_OPS.map((n) => spec(n)),
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('MARK', raw, ctx)
    exclusive('MARK', got, SET_OPS, ctx)
    const o = raw[0]
    if (!o)
      ctx.fail(
        'MARK: one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark is required',
      )
    const vm = setOp('MARK', o, ctx)
    return [{ name: '--set-xmark', negated: false, values: [`${hex(vm.value)}/${hex(vm.mask)}`] }]
  },
}

const CONNMARK_OPS = [...SET_OPS, '--save-mark', '--restore-mark'] as const

interface ConnmarkState {
  mode: 'set' | 'save' | 'restore' | undefined
  ctmark: number
  ctmask: number
  nfmask: number
  shift: { dir: 'left-shift-mark' | 'right-shift-mark'; bits: number } | undefined
}

/** Apply one option in command-line order, as `connmark_tg_parse_v2` does (later ones win). */
function connmarkStep(s: ConnmarkState, o: RawOption, ctx: CanonContext): void {
  const c = o.canonical
  if ((SET_OPS as readonly string[]).includes(c)) {
    const vm = setOp('CONNMARK', o, ctx)
    s.mode = 'set'
    s.ctmark = vm.value
    s.ctmask = vm.mask
  } else if (c === '--save-mark') s.mode = 'save'
  else if (c === '--restore-mark') s.mode = 'restore'
  else if (c === '--mask')
    s.ctmask = s.nfmask = needUint('CONNMARK', o, value(o), 0, 0xffffffff, ctx)
  else if (c === '--ctmask') s.ctmask = needUint('CONNMARK', o, value(o), 0, 0xffffffff, ctx)
  else if (c === '--nfmask') s.nfmask = needUint('CONNMARK', o, value(o), 0, 0xffffffff, ctx)
  else {
    const bits = needUint('CONNMARK', o, value(o), 0, 32, ctx)
    s.shift = { dir: c === '--left-shift-mark' ? 'left-shift-mark' : 'right-shift-mark', bits }
  }
}

function connmarkSave(s: ConnmarkState): XtOption[] {
  const out: XtOption[] =
    s.mode === 'set'
      ? [{ name: '--set-xmark', negated: false, values: [`${hex(s.ctmark)}/${hex(s.ctmask)}`] }]
      : [
          {
            name: s.mode === 'save' ? '--save-mark' : '--restore-mark',
            negated: false,
            values: [],
          },
          { name: '--nfmask', negated: false, values: [hex(s.nfmask)] },
          { name: '--ctmask', negated: false, values: [hex(s.ctmask)] },
        ]
  if (s.shift && s.shift.bits !== 0)
    out.push({ name: `--${s.shift.dir}`, negated: false, values: [String(s.shift.bits)] })
  return out
}

export const connmarkTarget: XtModule = {
  name: 'CONNMARK',
  kind: 'target',
  options: [
    ...CONNMARK_OPS.map((n) => spec(n, n === '--save-mark' || n === '--restore-mark' ? 0 : 1)),
    spec('--left-shift-mark'),
    spec('--right-shift-mark'),
    spec('--ctmask'),
    spec('--nfmask'),
    spec('--mask'),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('CONNMARK', raw, ctx)
    exclusive('CONNMARK', got, CONNMARK_OPS, ctx)
    exclusive('CONNMARK', got, ['--mask', '--ctmask'], ctx)
    exclusive('CONNMARK', got, ['--mask', '--nfmask'], ctx)
    const s: ConnmarkState = {
      mode: undefined,
      ctmark: 0,
      ctmask: 0xffffffff,
      nfmask: 0xffffffff,
      shift: undefined,
    }
    for (const o of raw) connmarkStep(s, o, ctx)
    if (s.mode === undefined)
      ctx.fail(
        'CONNMARK target: no operation specified',
        undefined,
        'use --set-xmark, --save-mark or --restore-mark',
      )
    return connmarkSave(s)
  },
}
