/**
 * The minimiser keeps only what a mismatch needs: rules, then routes and policy rules, then
 * sysctls back to their defaults. Checked with a stand-in for "still mismatches" that depends on
 * one rule, one route and one sysctl of a real generated case.
 */
import { describe, expect, it } from 'vitest'
import { type DiffCase, ruleLines } from '../../src/core/testing/diff/case.js'
import { generateCase } from '../../src/core/testing/diff/gen-case.js'
import { minimise } from './runner.js'

function withEnough(): DiffCase {
  for (let seed = 1; ; seed++) {
    const c = generateCase(seed)
    if (c.kind === 'general' && ruleLines(c.ruleset).length > 5 && c.routes.length >= 2) return c
  }
}

describe('minimise', () => {
  it('shrinks a case to the rule, route and sysctl the mismatch depends on', async () => {
    const c = withEnough()
    const lines = c.ruleset.split('\n')
    const keepRule = lines[ruleLines(c.ruleset)[2] ?? 0] ?? ''
    const keepRoute = c.routes[1]
    const forced = { ...c, sysctls: { ...c.sysctls, 'net.ipv4.conf.all.rp_filter': '2' } }
    let calls = 0
    const still = async (x: DiffCase) => {
      calls++
      return (
        x.ruleset.split('\n').includes(keepRule) &&
        x.routes.includes(keepRoute as never) &&
        x.sysctls['net.ipv4.conf.all.rp_filter'] === '2'
      )
    }
    const small = await minimise(forced, still)
    expect(ruleLines(small.ruleset).map((i) => small.ruleset.split('\n')[i])).toEqual([keepRule])
    expect(small.routes).toEqual([keepRoute])
    expect(small.rules).toEqual([])
    expect(small.sysctls['net.ipv4.conf.all.rp_filter']).toBe('2')
    expect(
      Object.entries(small.sysctls).filter(
        ([k, v]) => v !== (k === 'net.ipv4.ip_forward' ? '1' : '0'),
      ),
    ).toEqual([['net.ipv4.conf.all.rp_filter', '2']])
    expect(calls).toBeGreaterThan(ruleLines(c.ruleset).length)
  })
})
