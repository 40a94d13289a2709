/**
 * Live differential test: kpath's lookupRoute against the kernel's `ip route get`, for input
 * (`from … iif …`) and output routes, with marks, TOS, devices, policy rules, reject routes and
 * rp_filter, over random namespaces (testing/random-states.ts). Each state is built in a fresh
 * namespace `kpath-h12-<pid>-<n>`; routes and rules the kernel refuses are dropped first.
 * Skipped, with the reason in the suite name, when not root or iproute2 is missing.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../adapters/node/execer.js'
import { ScratchNetns } from '../../adapters/node/scratch-netns.js'
import type { NetnsState } from '../model/netns.js'
import { withKernelRoutes } from './kernel-routes.js'
import { lookupRoute } from './lookup.js'
import {
  buildState,
  kernelLinkLocal,
  kernelRouteGet,
  type Observed,
  observeKpath,
} from './testing/live-harness.js'
import { randomQueries, randomState } from './testing/random-states.js'
import { randomQueries6, randomState6 } from './testing/random-states6.js'
import type { RouteQuery } from './types.js'

const execer = new NodeExecer()

async function unavailable(): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const tool of ['ip', 'sysctl'])
    if (!(await execer.lookPath(tool))) return `${tool} is not installed`
  return undefined
}

const why = await unavailable()
const STATES = Number(process.env.KPATH_ROUTE_STATES ?? 40)
const QUERIES = 30
const STATES6 = Number(process.env.KPATH_ROUTE_STATES6 ?? 20)
/** A different slice of random states: `KPATH_ROUTE_SEED=1000 KPATH_ROUTE_STATES=2000`. */
const FIRST = Number(process.env.KPATH_ROUTE_SEED ?? 1)

interface Mismatch {
  readonly seed: number
  readonly query: RouteQuery
  readonly kernel: Observed
  readonly kpath: Observed
}

describe.skipIf(why !== undefined)(
  `lookupRoute vs ip route get${why ? ` (skipped: ${why})` : ''}`,
  () => {
    const made: ScratchNetns[] = []
    afterAll(async () => {
      for (const ns of made) await ns.dispose()
    })

    /** Build each state, ask the kernel and kpath the same questions, collect disagreements. */
    async function differ(
      states: number,
      make: (seed: number) => NetnsState,
      ask: (s: NetnsState, seed: number) => RouteQuery[],
      linkLocal: boolean,
    ): Promise<{ asked: number; errors: number; mismatches: Mismatch[] }> {
      const mismatches: Mismatch[] = []
      let asked = 0
      let errors = 0
      for (let seed = FIRST; seed < FIRST + states; seed++) {
        const created = await ScratchNetns.create(execer, 'h12')
        if ('reason' in created) throw new Error(created.reason)
        made.push(created.ns)
        const built = await buildState(execer, created.ns.name, make(seed))
        const ll = linkLocal ? await kernelLinkLocal(execer, created.ns.name) : []
        const state = withKernelRoutes({
          ...built.state,
          addresses: [...built.state.addresses, ...ll],
        })
        const qs = ask(state, seed)
        const kernel = await kernelRouteGet(execer, created.ns.name, qs)
        qs.forEach((q, i) => {
          const mine = observeKpath(q, lookupRoute(state, q))
          const theirs = kernel[i] as Observed
          asked++
          if (theirs.error) errors++
          if (JSON.stringify(mine) !== JSON.stringify(theirs))
            mismatches.push({ seed, query: q, kernel: theirs, kpath: mine })
        })
        await created.ns.dispose()
        made.pop()
      }
      if (mismatches.length > 0) console.log(JSON.stringify(mismatches.slice(0, 15), null, 1))
      return { asked, errors, mismatches }
    }

    it(
      `IPv4: agrees on ${STATES} random namespaces × ${QUERIES} questions`,
      async () => {
        const r = await differ(
          STATES,
          randomState,
          (s, seed) => randomQueries(s, seed, QUERIES),
          false,
        )
        expect(r.asked).toBe(STATES * QUERIES)
        // Both outcomes must be exercised, or the test proves little.
        expect(r.errors).toBeGreaterThan(r.asked / 20)
        expect(r.asked - r.errors).toBeGreaterThan(r.asked / 3)
        expect(r.mismatches).toEqual([])
      },
      30_000 + STATES * 150,
    )

    it(
      `IPv6: agrees on ${STATES6} random namespaces × ${QUERIES} questions`,
      async () => {
        const r = await differ(
          STATES6,
          randomState6,
          (s, seed) => randomQueries6(s, seed, QUERIES),
          true,
        )
        expect(r.asked).toBe(STATES6 * QUERIES)
        expect(r.errors).toBeGreaterThan(r.asked / 20)
        expect(r.asked - r.errors).toBeGreaterThan(r.asked / 3)
        expect(r.mismatches).toEqual([])
      },
      30_000 + STATES6 * 150,
    )
  },
)
