/**
 * kpath's printers against the real tools for a world built from the model: the conformance
 * world (conformance/cases.ts) was built with kpath's own `ip -batch` plan and listed by
 * iproute2 6.1 (testdata/lab/, scripts/gen-iproute2-fixtures.lab.ts). Every listing kpath
 * prints from the model must be the captured one, byte for byte after the normalisations
 * listed in conformance/listings.ts. conformance.live.test.ts repeats this live.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { batchPlan } from './batch.js'
import { labWorld } from './conformance/cases.js'
import { LISTINGS } from './conformance/listings.js'

const lab = new URL('./testdata/lab/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, lab), 'utf8')
const recorded = JSON.parse(read('world.json')) as {
  prefix: string
  plans: Record<string, unknown>
}
const world = labWorld(recorded.prefix)

describe('the captured lab is the current model world', () => {
  it('was built with the batch plan kpath makes today', () => {
    const plans = Object.fromEntries(
      world.map((s) => [s.name, JSON.parse(JSON.stringify(batchPlan(s, world)))]),
    )
    expect(plans).toEqual(recorded.plans)
  })
  it('reports the model sysctls back', () => {
    for (const state of world) {
      const tag = state.name.slice(recorded.prefix.length + 1)
      expect(JSON.parse(read(`${tag}.sysctl.json`))).toEqual(state.sysctls)
    }
  })
})

for (const state of world) {
  const tag = state.name.slice(recorded.prefix.length + 1)
  describe(`namespace ${tag}: kpath prints what iproute2 listed`, () => {
    for (const l of LISTINGS) {
      it(`${l.argv.join(' ')}`, () => {
        const norm = l.normalise ?? ((t: string) => t)
        expect(norm(l.print(state, world), state)).toBe(norm(read(`${tag}.${l.name}`), state))
      })
    }
  })
}
