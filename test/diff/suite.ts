/**
 * The randomised differential suite for one iptables backend: the topology is built once,
 * then every case (seed KPATH_DIFF_SEED + i) is loaded into the real router and predicted by the
 * emulator, and the two must agree. How many cases: KPATH_DIFF_CASES, else 250 per backend when
 * CI=true (500 over both backends), else 25. Skips, with the reason in the test names, when not
 * root or a tool is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../src/adapters/node/execer.js'
import { generateCase } from '../../src/core/testing/diff/gen-case.js'
import { routerBase } from '../../src/core/testing/diff/topology.js'
import { type Backend, DiffLab, labUnavailable } from './lab.js'
import { checkCase } from './runner.js'

/** Cases per backend. */
export function caseCount(): number {
  const env = process.env.KPATH_DIFF_CASES
  if (env !== undefined && env !== '') return Number(env)
  return process.env.CI === 'true' ? 250 : 25
}

/** The first seed of a backend's run (the backends use different cases). */
export function firstSeed(backend: Backend): number {
  const env = process.env.KPATH_DIFF_SEED
  const base = env !== undefined && env !== '' ? Number(env) : 1
  return backend === 'legacy' ? base : base + 1_000_000
}

export function diffSuite(backend: Backend): void {
  describe(`emulator vs kernel (iptables-${backend}), randomised cases`, async () => {
    const execer = new NodeExecer()
    const reason = await labUnavailable(execer, backend)
    const skip = reason === undefined ? '' : ` (skipped: ${reason})`
    let lab: DiffLab | undefined
    beforeAll(async () => {
      if (reason === undefined) lab = await DiffLab.create(execer, backend, backend[0] ?? 'x')
    }, 120_000)
    afterAll(async () => {
      await lab?.dispose()
    })
    const seed = firstSeed(backend)
    for (let i = 0; i < caseCount(); i++) {
      it.skipIf(reason !== undefined)(
        `seed ${seed + i}${skip}`,
        async () => {
          if (!lab) throw new Error('the lab was not built')
          const base = routerBase(lab.names)
          const out = await checkCase(lab, base, generateCase(seed + i))
          if (!out.ok) expect.fail(out.message)
        },
        600_000,
      )
    }
  })
}
