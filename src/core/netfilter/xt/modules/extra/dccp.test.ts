import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'dccp', read, lookup)

describe('dccp', () => {
  it('needs -p dccp and explains unknown types', () => {
    expect(errorOf('-A X -p udp -m dccp')?.hint).toBe('add -p dccp to the rule')
    expect(errorOf('-A X -p dccp -m dccp --dccp-types PING')?.hint).toMatch(/REQUEST/)
  })
})
