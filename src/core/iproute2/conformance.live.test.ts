/**
 * Live: build the conformance world (conformance/cases.ts) in throw-away namespaces
 * (kpath-h11-<pid>-live-a/-b) with kpath's `ip -batch` plan, list it with the real iproute2,
 * and compare with kpath's printers. Skipped, with the reason in the suite name, when not
 * root or when ip/bridge/sysctl are missing; CI runs it as root.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../adapters/node/execer.js'
import type { NetnsState } from '../model/netns.js'
import { labWorld } from './conformance/cases.js'
import { LISTINGS } from './conformance/listings.js'
import { buildWorld, captureListings, captureSysctls, destroyWorld } from './conformance/run.js'

const execer = new NodeExecer()

async function unavailable(): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const tool of ['ip', 'bridge', 'sysctl'])
    if (!(await execer.lookPath(tool))) return `${tool} is not installed`
  return undefined
}

const why = await unavailable()
const world: NetnsState[] = labWorld(`kpath-h11-${process.pid}-live`)
const listed = new Map<string, Record<string, string>>()
const sysctls = new Map<string, Record<string, string>>()

describe.skipIf(why !== undefined)(
  `live iproute2 conformance${why ? ` (skipped: ${why})` : ''}`,
  () => {
    beforeAll(async () => {
      try {
        await buildWorld(execer, world)
        // Carrier and IPv6 link-locals settle asynchronously after link-up.
        await new Promise((r) => setTimeout(r, 2000))
        for (const s of world) {
          listed.set(s.name, await captureListings(execer, s.name))
          sysctls.set(s.name, await captureSysctls(execer, s))
        }
      } finally {
        await destroyWorld(execer, world)
      }
    })
    afterAll(async () => {
      await destroyWorld(execer, world)
    })

    for (const state of world) {
      it(`${state.name}: the namespace reports the model's sysctls`, () => {
        expect(sysctls.get(state.name)).toEqual(state.sysctls)
      })
      for (const l of LISTINGS) {
        it(`${state.name}: ${l.argv.join(' ')}`, () => {
          const norm = l.normalise ?? ((t: string) => t)
          const real = listed.get(state.name)?.[l.name]
          expect(real).toBeDefined()
          expect(norm(l.print(state, world), state)).toBe(norm(real ?? '', state))
        })
      }
    }
  },
)
