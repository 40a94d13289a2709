/**
 * @module core/netfilter/xt/modules/extra/bpf
 * `-m bpf` (libxt_bpf revision 1): a classic BPF program given as text (`--bytecode "N,c t f k,…"`,
 * the format of `nfbpf_compile`), or a pinned eBPF object (`--object-pinned PATH`). The bytecode
 * is re-printed from the parsed instructions, always in double quotes; numbers are read with
 * `sscanf` (`%hu %hhu %hhu %u`), so `0x10` reads as 0. kpath keeps the program as text and does
 * not run the kernel's BPF verifier; a pinned object cannot be checked at all.
 */
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { strtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { alwaysQuoted } from './lib/quote.js'
import { arg, str } from './lib/xtopt.js'

const MAX_INSTR = 64

/** A `sscanf` unsigned conversion of `bits` width at `pos`: white space, sign, decimal digits. */
function scanUnsigned(
  s: string,
  pos: number,
  bits: number,
): { value: bigint; end: number } | undefined {
  const r = strtoul(s, 10, pos)
  if (r.end === pos) return undefined
  return { value: BigInt.asUintN(bits, r.value), end: r.end }
}

/** One instruction `code jt jf k` at the start of `s`; trailing text is ignored, as by sscanf. */
function instruction(s: string): string | undefined {
  const widths = [16, 8, 8, 32]
  const vals: bigint[] = []
  let pos = 0
  for (const w of widths) {
    const r = scanUnsigned(s, pos, w)
    if (!r) return undefined
    vals.push(r.value)
    pos = r.end
  }
  return vals.join(' ')
}

function bytecode(o: RawOption, ctx: CanonContext): string {
  const text = arg(o)
  const head = scanUnsigned(text, 0, 16)
  if (!head || text[head.end] !== ',')
    return ctx.fail(
      'bpf: error parsing program length',
      o,
      'start with the instruction count and a comma',
    )
  const len = Number(head.value)
  if (len === 0) return ctx.fail('bpf: illegal zero length program', o)
  if (len > MAX_INSTR)
    return ctx.fail(
      'bpf: number of instructions exceeds maximum',
      o,
      `at most ${MAX_INSTR} instructions`,
    )
  const code: string[] = []
  let at = text.indexOf(',')
  while (at >= 0 && at + 1 < text.length) {
    if (code.length >= len)
      return ctx.fail('bpf: real program length exceeds the encoded length parameter', o)
    const ins = instruction(text.slice(at + 1))
    if (ins === undefined)
      return ctx.fail(`bpf: error at instr ${code.length}`, o, 'each instruction is "code jt jf k"')
    code.push(ins)
    at = text.indexOf(',', at + 1)
  }
  if (code.length !== len)
    return ctx.fail('bpf: parsed program length is less than the encoded length parameter', o)
  return `${len},${code.join(',')}`
}

export const bpfMatch = defineModule({
  name: 'bpf',
  kind: 'match',
  options: [{ names: ['--bytecode'] }, { names: ['--object-pinned'] }],
  canon(o: Opts, ctx: CanonContext) {
    const b = o.get('--bytecode')
    const p = o.get('--object-pinned')
    if (!b === !p)
      return ctx.fail(
        'bpf: one of --bytecode or --pinned is required',
        b ?? p,
        'give --bytecode or --object-pinned',
      )
    if (b) return [alwaysQuoted('--bytecode', bytecode(b, ctx))]
    return p ? [opt('--object-pinned', [str(p, ctx, { size: 512 })])] : []
  },
})
