/**
 * The emulator's side of the lab contract: each standard flow of test/lab/flows.ts, traced as
 * `kpath trace` traces it, gives the verdicts listed there, and a flow with a spread test has
 * probabilities the test can use. lab-contract.live.test.ts runs the same list against the
 * kernel. Every seed example and standard-flow example is either in the list or refused.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadWorld } from '../../src/adapters/node/lab/world.js'
import { traceBetween } from '../../src/core/app/cluster-trace.js'
import { predictedVerdicts } from '../../src/core/lab/compare.js'
import { planLab } from '../../src/core/lab/plan.js'
import { verdictProbabilities } from '../../src/core/lab/spread.js'
import { MIN_EXPECTED } from '../../src/core/testing/chi-square.js'
import { REPO_ROOT } from '../support/shared.js'
import { FLOWS, flowName, REFUSED } from './flows.js'

const input = (file: string) => ({ file, text: readFileSync(join(REPO_ROOT, file), 'utf8') })

describe('standard flows in the emulator', () => {
  for (const f of FLOWS)
    it(flowName(f), () => {
      const r = traceBetween({
        inputs: [input(f.file)],
        from: f.from,
        to: f.to,
        ...(f.port === undefined ? {} : { port: f.port }),
        ...(f.proto === undefined ? {} : { proto: f.proto }),
      })
      expect(predictedVerdicts(r.trace, f.proto ?? 'tcp')).toEqual(f.verdicts)
      if (f.spread !== undefined) {
        // A random choice to test: several verdicts, each expected often enough in the sample.
        const p = verdictProbabilities(r.trace, f.proto ?? 'tcp')
        expect(p.size).toBeGreaterThan(1)
        for (const q of p.values()) expect(q * f.spread).toBeGreaterThanOrEqual(MIN_EXPECTED)
      }
    })

  for (const r of REFUSED)
    it(`${r.file}: the lab refuses to build it, naming what the kernel lacks`, () => {
      const w = loadWorld([input(r.file)])
      expect(() => planLab(w.state.namespaces, { id: 't', backend: 'legacy' })).toThrow(r.reason)
    })

  it('covers every seed example and every standard-flow example, built or refused', () => {
    const dir = (d: string, keep: RegExp) =>
      readdirSync(join(REPO_ROOT, d))
        .filter((f) => keep.test(f))
        .map((f) => `${d}/${f}`)
    const examples = [
      ...dir('examples/seeds', /\.yaml$/),
      ...dir('examples/clusters', /^flows-.*\.yaml$/),
    ]
    const built = new Set(FLOWS.map((f) => f.file))
    const refused = new Set(REFUSED.map((r) => r.file))
    expect(examples.filter((f) => built.has(f) === refused.has(f))).toEqual([])
  })
})
