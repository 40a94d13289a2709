/**
 * Clones of an ipset db share their sets until one side changes one (copy on write, db.ts):
 * every change stays on the side that made it, in both directions and through a list:set.
 */
import { describe, expect, it } from 'vitest'
import type { Packet } from '../model/packet.js'
import { createIpSetDb } from './db.js'
import { parseIpsetSave } from './save.js'

const from = (src: string): Packet => ({
  family: 4,
  src,
  dst: '10.0.0.2',
  proto: 6,
  sport: 1,
  dport: 2,
  ttl: 64,
  length: 60,
  mark: 0,
})

const members = (d: ReturnType<typeof createIpSetDb>, name: string) =>
  d.get(name)?.members.map((m) => m.elem)

describe('ipset db clones (copy on write)', () => {
  it('a change in the original after the clone is not seen by the clone, and back', () => {
    const d = createIpSetDb(parseIpsetSave('create a hash:ip\nadd a 9.9.9.9\n'))
    const c = d.clone()
    d.add('a', from('1.1.1.1'), ['src'])
    c.add('a', from('2.2.2.2'), ['src'])
    expect(members(d, 'a')).toEqual(['9.9.9.9', '1.1.1.1'])
    expect(members(c, 'a')).toEqual(['9.9.9.9', '2.2.2.2'])
    expect(d.matchSet('a', from('2.2.2.2'), ['src'])).toBe(false)
    expect(c.matchSet('a', from('1.1.1.1'), ['src'])).toBe(false)
  })

  it('two clones of one db and a clone of a clone stay apart', () => {
    const d = createIpSetDb(parseIpsetSave('create a hash:ip\n'))
    const [x, y] = [d.clone(), d.clone()]
    const z = x.clone()
    x.add('a', from('1.1.1.1'), ['src'])
    y.del('a', from('1.1.1.1'), ['src'])
    z.add('a', from('3.3.3.3'), ['src'])
    expect([members(d, 'a'), members(x, 'a'), members(y, 'a'), members(z, 'a')]).toEqual([
      [],
      ['1.1.1.1'],
      [],
      ['3.3.3.3'],
    ])
  })

  it('sides writing different sets of a shared map keep their own (map copied on first write)', () => {
    const d = createIpSetDb(parseIpsetSave('create a hash:ip\ncreate b hash:ip\n'))
    const c = d.clone()
    d.add('a', from('1.1.1.1'), ['src'])
    const e = d.clone()
    c.add('b', from('2.2.2.2'), ['src'])
    d.add('b', from('3.3.3.3'), ['src'])
    e.add('a', from('5.5.5.5'), ['src'])
    const all = (x: typeof d) => [members(x, 'a'), members(x, 'b')]
    expect(all(d)).toEqual([['1.1.1.1'], ['3.3.3.3']])
    expect(all(c)).toEqual([[], ['2.2.2.2']])
    expect(all(e)).toEqual([['1.1.1.1', '5.5.5.5'], []])
  })

  it('an add through a list:set copies the member set it lands in', () => {
    const text = 'create b hash:ip\ncreate l list:set\nadd l b\n'
    const d = createIpSetDb(parseIpsetSave(text))
    const c = d.clone()
    c.add('l', from('4.4.4.4'), ['src'])
    expect(members(c, 'b')).toEqual(['4.4.4.4'])
    expect(members(d, 'b')).toEqual([])
    expect(d.matchSet('l', from('4.4.4.4'), ['src'])).toBe(false)
    expect(c.matchSet('l', from('4.4.4.4'), ['src'])).toBe(true)
  })
})
