/**
 * The kernel's dump order, checked on real listings (testdata/node.*): sorting what the
 * kernel listed with kpath's order must leave it as it was, and a shuffled copy must come
 * back to the same sequence (up to ties, which keep the model's order).
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseIpAddrJson } from '../listing/addr.js'
import { parseIpRouteJson } from '../listing/route.js'
import { parseIpRuleJson } from '../listing/rule.js'
import { addressOrder, routeOrder, ruleOrder } from './order.js'

const read = (name: string) => readFileSync(new URL(`../testdata/${name}`, import.meta.url), 'utf8')
const routes = parseIpRouteJson(read('node.route.json')).map((r) => r.route)
const key = (r: (typeof routes)[number]) => `${r.table} ${r.type} ${r.dst} ${r.metric ?? ''}`

describe('routes', () => {
  for (const family of [4, 6] as const) {
    const real = routes.filter((r) => r.family === family)
    it(`IPv${family}: the listing is already in kpath's order`, () => {
      expect(routeOrder(real, family)).toEqual(real)
    })
    it(`IPv${family}: a shuffled listing sorts back`, () => {
      fc.assert(
        fc.property(fc.shuffledSubarray(real, { minLength: real.length }), (shuffled) => {
          expect(routeOrder(shuffled, family).map(key)).toEqual(real.map(key))
        }),
        { numRuns: 50 },
      )
    })
  }
})

describe('addresses and rules', () => {
  const listing = parseIpAddrJson(read('node.addr.json'), { netns: 'node' })
  it('each link lists its addresses in kpath order', () => {
    for (const l of listing.links) {
      const mine = listing.addresses
        .filter((a) => a.address.iface === l.link.name)
        .map((a) => a.address)
      expect(addressOrder(mine)).toEqual(mine)
    }
  })
  it('rules come by priority', () => {
    const rules = parseIpRuleJson(read('node.rule.json')).map((r) => r.rule)
    expect(ruleOrder([...rules].reverse(), 4)).toEqual(rules)
  })
})
