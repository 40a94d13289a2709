/**
 * `canonicalizeValue`, the shortcut the iptables-save fast path takes for a lone option, must
 * give what `canonicalize` gives for that option, or decline (undefined), or fail where
 * `canonicalize` fails. Checked on random values for every module that has one.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ProtoMatch, XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { commentMatch } from './comment.js'
import { dnatTarget, snatTarget } from './nat.js'

class Failed extends Error {}

function ctx(family: 4 | 6, proto: ProtoMatch | undefined): CanonContext {
  return {
    family,
    proto,
    fail(message: string): never {
      throw new Failed(message)
    },
  }
}

type Result = { readonly ok: true; readonly options: readonly XtOption[] } | { readonly ok: false }

function run(f: () => readonly XtOption[] | undefined): Result | undefined {
  try {
    const options = f()
    return options === undefined ? undefined : { ok: true, options }
  } catch (e) {
    if (e instanceof Failed) return { ok: false }
    throw e
  }
}

function check(m: XtModule, name: string, value: string, family: 4 | 6, proto?: ProtoMatch) {
  const raw: RawOption = { name, canonical: name, negated: false, values: [value], column: 1 }
  const full = run(() => m.canonicalize([raw], ctx(family, proto)))
  const short = run(() => m.canonicalizeValue?.(name, value, ctx(family, proto)))
  if (short !== undefined) expect(short, `${m.name} ${name} ${value}`).toStrictEqual(full)
  return short !== undefined
}

const PROTOS: (ProtoMatch | undefined)[] = [
  undefined,
  { name: 'tcp', number: 6, negated: false },
  { name: 'udp', number: 17, negated: false },
  { name: 'tcp', number: 6, negated: true },
  { name: 'icmp', number: 1, negated: false },
  { name: 'gre', number: 47, negated: false },
]

/** Addresses and ports in and out of the saved form: leading zeros, big numbers, junk. */
const octet = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(String),
  fc.integer({ min: 0, max: 300 }).map(String),
  fc.constantFrom('00', '010', '1a', ''),
)
const port = fc.oneof(
  fc.integer({ min: 0, max: 65535 }).map(String),
  fc.integer({ min: 0, max: 70000 }).map(String),
  fc.constantFrom('080', '0', '', 'http', '1-2'),
)
const saved = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
    fc.option(port),
  )
  .map(([os, p]) => `${os.join('.')}${p === null ? '' : `:${p}`}`)
const messy = fc
  .tuple(
    fc.array(octet, { minLength: 3, maxLength: 5 }),
    fc.option(port),
    fc.constantFrom('', '-10.0.0.9', '/8'),
  )
  .map(([os, p, tail]) => `${os.join('.')}${tail}${p === null ? '' : `:${p}`}`)
/** The saved form with one octet or the port zero-padded (octal to libxtables, refused by inet_pton). */
const padded = fc.tuple(saved, fc.integer({ min: 0, max: 4 })).map(([v, at]) =>
  v
    .split(/([.:])/)
    .map((x, i) => (i === at * 2 ? `0${x}` : x))
    .join(''),
)
const natValue = fc.oneof(saved, messy, padded)

describe('canonicalizeValue gives what canonicalize gives', () => {
  it('for comments of any length and script', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(check(commentMatch, '--comment', text, 4)).toBe(true)
      }),
      { numRuns: 500 },
    )
    expect(commentMatch.canonicalizeValue?.('--other', 'x', ctx(4, undefined))).toBeUndefined()
  })

  it('for DNAT addresses taken as saved: the same as the range a-a, which is parsed', () => {
    // canonicalize takes the saved form too; `a-a` (printed as `a`) goes through the parser.
    fc.assert(
      fc.property(natValue, fc.constantFrom(...PROTOS), (value, proto) => {
        const short = run(() =>
          dnatTarget.canonicalizeValue?.('--to-destination', value, ctx(4, proto)),
        )
        if (short === undefined) return
        const colon = value.indexOf(':')
        const addr = colon < 0 ? value : value.slice(0, colon)
        const range = `${addr}-${addr}${colon < 0 ? '' : value.slice(colon)}`
        const raw: RawOption = {
          name: '--to-destination',
          canonical: '--to-destination',
          negated: false,
          values: [range],
          column: 1,
        }
        expect(short, value).toStrictEqual(run(() => dnatTarget.canonicalize([raw], ctx(4, proto))))
      }),
      { numRuns: 3000 },
    )
  })

  it('for DNAT and SNAT addresses, with and without ports', () => {
    let taken = 0
    fc.assert(
      fc.property(
        natValue,
        fc.constantFrom(...PROTOS),
        fc.constantFrom(4 as const, 6 as const),
        (value, proto, family) => {
          if (check(dnatTarget, '--to-destination', value, family, proto)) taken++
          check(snatTarget, '--to-source', value, family, proto)
        },
      ),
      { numRuns: 3000 },
    )
    // The shortcut must have been taken often enough for the comparison to mean much.
    expect(taken).toBeGreaterThan(100)
  })

  it('for the values kube-proxy writes', () => {
    const tcp = PROTOS[1]
    expect(check(dnatTarget, '--to-destination', '10.244.1.5:8080', 4, tcp)).toBe(true)
    expect(check(dnatTarget, '--to-destination', '10.244.1.5', 4, tcp)).toBe(true)
    expect(check(dnatTarget, '--to-destination', '10.244.1.5:8080', 4, undefined)).toBe(true)
    expect(dnatTarget.canonicalizeValue?.('--to-destination', '010.0.0.1', ctx(4, tcp))).toBe(
      undefined,
    )
  })
})
