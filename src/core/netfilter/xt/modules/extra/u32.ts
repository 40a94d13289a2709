/**
 * @module core/netfilter/xt/modules/extra/u32
 * `-m u32` (libxt_u32): tests on 32-bit words of the packet, `location=value[,range…]` joined by
 * `&&`; a location is a number followed by `&N`, `<<N`, `>>N` or `@N` steps. iptables-save
 * re-prints the parsed tests with every number in hex and no spaces
 * (`"0>>22&0x3C@4=0x29"` → `"0x0>>0x16&0x3c@0x4=0x29"`), always in double quotes.
 * At most 10 numbers per location, 10 values per test and 10 tests, as in libxt_u32.
 */
import type { CanonContext, RawOption } from '../../types.js'
import { xtStrtoulPrefix } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { alwaysQuoted } from './lib/quote.js'
import { arg } from './lib/xtopt.js'

const MAXSIZE = 10
const OPS = ['&', '<<', '>>', '@'] as const

/** A small cursor over the argument, failing with u32's messages (char positions are 0-based). */
class Reader {
  pos = 0
  constructor(
    readonly s: string,
    readonly o: RawOption,
    readonly ctx: CanonContext,
  ) {}

  fail(msg: string, hint?: string): never {
    return this.ctx.fail(`u32: at char ${this.pos}: ${msg}`, this.o, hint)
  }

  skipSpace(): void {
    while (/\s/.test(this.s[this.pos] ?? '')) this.pos++
  }

  number(): string {
    const r = xtStrtoulPrefix(this.s, 0n, 0xffffffffn, this.pos)
    if (!r) return this.fail('not a number or out of range')
    this.pos = r.end
    return `0x${r.value.toString(16)}`
  }

  /** An operator between location numbers. */
  op(): string {
    const c = this.s[this.pos]
    if (c === '<' || c === '>') {
      this.pos++
      if (this.s[this.pos] !== c) return this.fail(`a second '${c}' was expected`)
      this.pos++
      return c + c
    }
    if (c === '&' || c === '@') {
      this.pos++
      return c
    }
    return this.fail('operator expected', `use one of ${OPS.join(' ')}`)
  }
}

/** `location` up to and including `=`. */
function location(r: Reader): string {
  let text = ''
  let n = 0
  for (;;) {
    r.skipSpace()
    if (r.pos >= r.s.length)
      return r.fail('abrupt end of input after location specifier', 'add =VALUE')
    if (r.s[r.pos] === '=') {
      if (n === 0) return r.fail('location spec missing')
      r.pos++
      return text
    }
    if (n > 0) text += r.op()
    text += r.number()
    if (++n > MAXSIZE) return r.fail('too many operators')
  }
}

/** `value[,value…]` until `&&` or the end; returns the text and whether another test follows. */
function values(r: Reader): { text: string; more: boolean } {
  const vals: string[] = []
  for (;;) {
    r.skipSpace()
    if (r.pos >= r.s.length) {
      if (vals.length === 0) return r.fail('test ended with no value specified')
      return { text: vals.join(','), more: false }
    }
    if (r.s[r.pos] === '&') {
      r.pos++
      if (r.s[r.pos] !== '&') return r.fail("a second '&' was expected")
      if (vals.length === 0) return r.fail('value spec missing')
      r.pos++
      return { text: vals.join(','), more: true }
    }
    if (vals.length > 0) {
      if (r.s[r.pos] !== ',') return r.fail('expected "," or "&&"')
      r.pos++
    }
    const min = r.number()
    r.skipSpace()
    let max = min
    if (r.s[r.pos] === ':') {
      r.pos++
      max = r.number()
    }
    vals.push(min === max ? min : `${min}:${max}`)
    if (vals.length > MAXSIZE) return r.fail('too many ","s')
  }
}

export function parseU32(o: RawOption, ctx: CanonContext): string {
  const r = new Reader(arg(o), o, ctx)
  const tests: string[] = []
  for (;;) {
    const loc = location(r)
    const v = values(r)
    tests.push(`${loc}=${v.text}`)
    if (tests.length > MAXSIZE) return r.fail('too many "&&"s')
    if (!v.more) return tests.join('&&')
  }
}

export const u32Match = defineModule({
  name: 'u32',
  kind: 'match',
  options: [{ names: ['--u32'], invert: true, mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const u = o.get('--u32')
    return u ? [alwaysQuoted('--u32', parseU32(u, ctx), u.negated)] : []
  },
})
