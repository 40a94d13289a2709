/**
 * Against the REAL nft: what the printer writes is accepted by `nft -f` and listed back by
 * `nft list ruleset` exactly as printed. Run on every fixture whose listing does not tick
 * (`expires` counts down) and on every kube-proxy conformance dump, each in a fresh throw-away
 * network namespace.
 *
 * Skips, with the reason, when not root or when ip/nft are missing.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../../adapters/node/execer.js'
import { ScratchNetns } from '../../../adapters/node/scratch-netns.js'
import { parseNftRuleset } from './parse.js'
import { printNftRuleset } from './print.js'

const DATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata')
const execer = new NodeExecer()

const LISTINGS = [
  ...readdirSync(DATA)
    .filter((f) => f.endsWith('.list.txt'))
    .map((f) => ({ name: f, text: readFileSync(join(DATA, f), 'utf8') })),
  ...readdirSync(join(DATA, 'kube-proxy')).map((f) => ({
    name: `kube-proxy/${f}`,
    text: readFileSync(join(DATA, 'kube-proxy', f), 'utf8'),
  })),
].filter((l) => !l.text.includes(' expires '))

let skip: string | undefined

beforeAll(async () => {
  if (!(await execer.lookPath('nft'))) skip = 'nft is not installed'
  const probe = skip ? undefined : await ScratchNetns.create(execer, 'h9live')
  if (probe && 'reason' in probe) skip = probe.reason
  else if (probe) await probe.ns.dispose()
})

afterAll(() => {
  if (skip) console.warn(`nft live test skipped: ${skip}`)
})

describe('printed listings against the real nft', () => {
  it('covers the fixtures', () => {
    expect(LISTINGS.length).toBeGreaterThanOrEqual(12)
  })
  for (const l of LISTINGS) {
    it(`nft loads and re-lists ${l.name} as kpath prints it`, async (ctx) => {
      if (skip) return ctx.skip(skip)
      const printed = printNftRuleset(parseNftRuleset(l.text, { file: l.name }))
      const made = await ScratchNetns.create(execer, 'h9live')
      if ('reason' in made) return ctx.skip(made.reason)
      try {
        await made.ns.exec(['ip', 'link', 'set', 'lo', 'up'])
        await made.ns.exec(['nft', '-f', '-'], { stdin: printed })
        const listed = await made.ns.exec(['nft', 'list', 'ruleset'])
        expect(listed.stdout).toBe(printed)
      } finally {
        await made.ns.dispose()
      }
    })
  }
})
