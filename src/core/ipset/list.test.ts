import { describe, expect, it } from 'vitest'
import { thrown } from '../testing/errors.js'
import { parseIpsetList, printIpsetList } from './list.js'
import { parseIpsetSave } from './save.js'
import raw from './testdata/ipset-fixtures.json' with { type: 'json' }

const FIX = raw as unknown as {
  cases: { name: string; save: string; list: string; terse: string }[]
}

/** Element timeouts tick between the save and the list capture; compare them as 1 (0 means never). */
const untick = (text: string) => text.replace(/ timeout [1-9]\d*/g, ' timeout 1')

describe('ipset list fixtures (ipset 7.17)', () => {
  it.each(FIX.cases.map((c) => [c.name, c] as const))(
    '%s: ipset list round-trips byte for byte',
    (_, c) => {
      expect(printIpsetList(parseIpsetList(c.list))).toBe(c.list)
    },
  )

  it.each(FIX.cases.map((c) => [c.name, c] as const))(
    '%s: ipset list -t round-trips byte for byte',
    (_, c) => {
      const sets = parseIpsetList(c.terse)
      expect(sets.every((s) => s.listing?.terse === true && s.members.length === 0)).toBe(true)
      expect(printIpsetList(sets)).toBe(c.terse)
    },
  )

  it.each(FIX.cases.map((c) => [c.name, c] as const))(
    '%s: a listing holds the same sets as the save dump',
    (_, c) => {
      const fromList = parseIpsetList(untick(c.list)).map(({ listing: _l, ...s }) => s)
      expect(fromList).toEqual(parseIpsetSave(untick(c.save)))
    },
  )

  it.each(FIX.cases.map((c) => [c.name, c] as const))(
    '%s: revision, size in memory, references and entries computed for save-only sets match the kernel',
    (_, c) => {
      const computed = parseIpsetList(printIpsetList(parseIpsetSave(untick(c.save))))
      const real = parseIpsetList(untick(c.list))
      expect(computed.map(({ listing: _l, ...s }) => s)).toEqual(
        real.map(({ listing: _l, ...s }) => s),
      )
      for (const [i, r] of real.entries()) {
        const ours = computed[i]?.listing
        const kernel = r.listing
        expect({ ...ours, sizeInMemory: 0 }).toEqual({ ...kernel, sizeInMemory: 0 })
        // Exact for bitmap:port, list:set and a hash set of at most one member. Hash members that
        // share a bucket (decided by jhash and the random initval) make the kernel's figure
        // smaller, never larger; see memsize.ts.
        const exact = !r.type.startsWith('hash:') || r.members.length <= 1
        if (exact) expect(ours?.sizeInMemory, r.name).toBe(kernel?.sizeInMemory)
        else {
          expect(ours?.sizeInMemory ?? 0, r.name).toBeGreaterThanOrEqual(kernel?.sizeInMemory ?? 0)
          expect(((ours?.sizeInMemory ?? 0) - (kernel?.sizeInMemory ?? 0)) % 8, r.name).toBe(0)
        }
      }
    },
  )
})

describe('ipset list errors', () => {
  it('name the field that was expected', () => {
    const e = thrown(() => parseIpsetList('Name: a\nKind: hash:ip\n'))
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.location).toEqual({ line: 2, column: 1, text: 'Kind: hash:ip' })
    expect(e.message).toContain('expected "Type:"')
  })

  it('locate a bad header option inside the Header line', () => {
    const text = 'Name: a\nType: hash:ip\nRevision: 6\nHeader: family inet hashsize 1024 frob 2\n'
    const e = thrown(() => parseIpsetList(text))
    expect(e.location).toEqual({
      line: 4,
      column: 35,
      text: 'Header: family inet hashsize 1024 frob 2',
    })
  })

  it('locate a bad member at its column in the member line', () => {
    const head =
      'Name: n\nType: hash:net\nRevision: 7\nHeader: family inet hashsize 1024 maxelem 65536 bucketsize 12\n'
    const text = `${head}Size in memory: 1\nReferences: 0\nNumber of entries: 1\nMembers:\n10.0.0.0/40\n`
    const e = thrown(() => parseIpsetList(text, { file: 'l.txt' }))
    expect(e.location).toEqual({ file: 'l.txt', line: 9, column: 10, text: '10.0.0.0/40' })
  })

  it('refuse a non-number count', () => {
    const e = thrown(() => parseIpsetList('Name: a\nType: hash:ip\nRevision: six\n'))
    expect(e.location?.line).toBe(3)
  })
})
