import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line6, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'cgroup', read, lookup, {
  unmodelled: ['-A OUTPUT -m cgroup --path /no/such/cgroup'],
})

describe('cgroup', () => {
  it('wants exactly one of --path and --cgroup', () => {
    expect(errorOf('-A X -m cgroup')?.hint).toBe('give --path or --cgroup')
    expect(line6('-A X -m cgroup --path a/b')).toBe('-A X -m cgroup --path "a/b"')
  })
})
