import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'set-target', read, lookup, {
  unmodelled: ['-A INPUT -j SET --add-set nosuchset src'],
})
fixtureSuite(t, 'set-target-map', read, lookup, {
  unmodelled: ['-A PREROUTING -j SET --map-set kp-m src --map-prio'],
})

describe('SET', () => {
  it('keeps the set name and the direction list as two values', () => {
    const out = lookup('target', 'SET', 4)?.canonicalize(
      [
        {
          name: '--del-set',
          canonical: '--del-set',
          negated: false,
          values: ['s', 'dst,srcx'],
          column: 1,
        },
      ],
      {
        family: 4,
        proto: undefined,
        fail: (m) => {
          throw new Error(m)
        },
      },
    )
    expect(out).toEqual([{ name: '--del-set', negated: false, values: ['s', 'dst,src'] }])
  })

  it('wants the direction list after the name', () => {
    expect(errorOf('-A X -j SET --add-set s --exist')?.message).toMatch(/requires two args/)
  })
})
