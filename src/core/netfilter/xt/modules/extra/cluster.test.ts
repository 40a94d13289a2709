import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'cluster', read, lookup, {
  // iptables prints node 32's mask, 0x80000000, which --cluster-local-nodemask (max 32) refuses.
  notReparseable: [
    '-A PREROUTING -m cluster --cluster-total-nodes 32 ! --cluster-local-node 32 --cluster-hash-seed 1',
  ],
})

describe('cluster', () => {
  it('keeps the mask within the number of nodes', () => {
    expect(
      errorOf(
        '-A X -m cluster --cluster-total-nodes 3 --cluster-local-nodemask 8 --cluster-hash-seed 0',
      )?.hint,
    ).toBe('stay within 3 nodes')
  })
})
