/**
 * The emulator's side of the lab contract: each standard flow of test/lab/flows.ts, traced as
 * `kpath trace` traces it, gives the verdicts listed there. lab-contract.live.test.ts runs the
 * same list against the kernel.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadWorld } from '../../src/adapters/node/lab/world.js'
import { traceBetween } from '../../src/core/app/cluster-trace.js'
import { predictedVerdicts } from '../../src/core/lab/compare.js'
import { planLab } from '../../src/core/lab/plan.js'
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
    })

  for (const r of REFUSED)
    it(`${r.file}: the lab refuses to build it, naming what the kernel lacks`, () => {
      const w = loadWorld([input(r.file)])
      expect(() => planLab(w.state.namespaces, { id: 't', backend: 'legacy' })).toThrow(r.reason)
    })
})
