import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ALPHANUMS, fnv32a, freshName, generatedName, safeEncode, suffix } from './names.js'
import { canonicalJson, podTemplateHash } from './pod-template-hash.js'

describe('FNV-1a 32', () => {
  it('matches the published test vectors (Go hash/fnv, draft-eastlake-fnv)', () => {
    expect(fnv32a('')).toBe(0x811c9dc5)
    expect(fnv32a('a')).toBe(0xe40c292c)
    expect(fnv32a('foobar')).toBe(0xbf9cf968)
  })

  it('hashes the UTF-8 bytes of the text', () => {
    // "é" is the two bytes c3 a9: FNV over them, not over the one code unit e9.
    let h = 0x811c9dc5
    for (const b of [0xc3, 0xa9]) h = Math.imul(h ^ b, 0x01000193) >>> 0
    expect(fnv32a('é')).toBe(h)
  })
})

describe('SafeEncodeString', () => {
  it('maps each character to ALPHANUMS[code % 27]', () => {
    // '0'..'9' are codes 48..57 → indexes 21..26, 0..3.
    expect(safeEncode('0123456789')).toBe('456789bcdf')
    expect(safeEncode('a')).toBe(ALPHANUMS[97 % 27])
  })

  it('pod-template-hash has the real shape: up to 10 chars of 456789bcdf', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (t) => {
        expect(podTemplateHash(t)).toMatch(/^[456789bcdf]{1,10}$/)
      }),
    )
  })

  it('pod-template-hash does not depend on key order', () => {
    expect(podTemplateHash({ a: 1, b: { c: 2, d: 3 } })).toBe(
      podTemplateHash({ b: { d: 3, c: 2 }, a: 1 }),
    )
    expect(podTemplateHash({ a: 1 })).not.toBe(podTemplateHash({ a: 2 }))
    expect(canonicalJson({ b: [1, { y: 1, x: 2 }], a: 'z' })).toBe(
      '{"a":"z","b":[1,{"x":2,"y":1}]}',
    )
  })
})

describe('name suffixes', () => {
  it('are 5 characters of the Kubernetes alphabet, deterministic per seed and parts', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.oneof(fc.string(), fc.integer())), (seed, parts) => {
        const s = suffix(seed, ...parts)
        expect(s).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/)
        expect(suffix(seed, ...parts)).toBe(s)
      }),
    )
  })

  it('differ between replicas and seeds', () => {
    const names = new Set(Array.from({ length: 200 }, (_, i) => suffix('kpath', 'web', i)))
    expect(names.size).toBe(200)
    expect(suffix('a', 'web', 0)).not.toBe(suffix('b', 'web', 0))
  })

  it('cut the base to 58 characters (a name is at most 63)', () => {
    const name = generatedName(`${'x'.repeat(70)}-`, 'kpath', 0)
    expect(name).toHaveLength(63)
  })

  it('freshName avoids names already taken', () => {
    const first = freshName('web-', new Set(), 's', 1)
    const second = freshName('web-', new Set([first]), 's', 1)
    expect(second).not.toBe(first)
    expect(second.startsWith('web-')).toBe(true)
  })
})
