/**
 * The model half of the iproute2 fixtures: build the conformance world
 * (src/core/iproute2/conformance/cases.ts) for real with kpath's own `ip -batch` plan, and
 * record what iproute2 lists, so that the comparison with kpath's printers also runs where
 * namespaces cannot be made. Root only; the namespaces are kpath-h11-<pid>-m-a and -m-b,
 * deleted at the end. The root namespace is never touched.
 *
 *   npx tsx scripts/gen-iproute2-fixtures.lab.ts
 *
 * Writes src/core/iproute2/testdata/lab/: `world.json` (the namespace prefix and the batch
 * plan that was run) and, per namespace `a` and `b`, one file per listing (`a.link.json`,
 * `a.route.txt`, …) plus `a.sysctl.json` (the model's sysctls as the namespace reports them).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NodeExecer } from '../src/adapters/node/execer.js'
import { batchPlan } from '../src/core/iproute2/batch.js'
import { labWorld } from '../src/core/iproute2/conformance/cases.js'
import {
  buildWorld,
  captureListings,
  captureSysctls,
  destroyWorld,
} from '../src/core/iproute2/conformance/run.js'

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src/core/iproute2/testdata/lab')

async function main(): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new Error('gen-iproute2-fixtures.lab: needs root (network namespaces)')
  const execer = new NodeExecer()
  const prefix = `kpath-h11-${process.pid}-m`
  const world = labWorld(prefix)
  mkdirSync(OUT, { recursive: true })
  try {
    await buildWorld(execer, world)
    // Let link-up finish its asynchronous part (carrier, IPv6 link-locals) before listing.
    await new Promise((r) => setTimeout(r, 2000))
    for (const state of world) {
      const tag = state.name.slice(prefix.length + 1)
      const listings = await captureListings(execer, state.name)
      for (const [name, text] of Object.entries(listings))
        writeFileSync(join(OUT, `${tag}.${name}`), text)
      const sysctls = await captureSysctls(execer, state)
      writeFileSync(join(OUT, `${tag}.sysctl.json`), `${JSON.stringify(sysctls, null, 2)}\n`)
    }
    const plans = Object.fromEntries(world.map((s) => [s.name, batchPlan(s, world)]))
    writeFileSync(join(OUT, 'world.json'), `${JSON.stringify({ prefix, plans }, null, 2)}\n`)
    console.log(`wrote the lab listings of ${world.map((s) => s.name).join(', ')}`)
  } finally {
    await destroyWorld(execer, world)
  }
}

await main()
