/**
 * Long runs of the randomised differential test (emulator vs kernel), outside vitest:
 *
 *   npx tsx scripts/diff-long-run.ts [--backend legacy|nft|both] [--seed N] [--count N]
 *   KPATH_DIFF_CASE=.kpath-tmp/diff/…/case.json npx tsx scripts/diff-long-run.ts --backend nft
 *
 * Case i uses seed N+i. Needs root; builds its own kpath-… namespaces and deletes them on exit,
 * on error and on SIGINT/SIGTERM. Mismatches are minimised and written under .kpath-tmp/diff/.
 * Exit code 1 when any case mismatched.
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { NodeExecer } from '../src/adapters/node/execer.js'
import type { DiffCase } from '../src/core/testing/diff/case.js'
import { generateCase } from '../src/core/testing/diff/gen-case.js'
import { routerBase } from '../src/core/testing/diff/topology.js'
import { type Backend, DiffLab, labUnavailable } from '../test/diff/lab.js'
import { checkCase } from '../test/diff/runner.js'

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '1000' },
  },
})

async function cases(): Promise<DiffCase[]> {
  const file = process.env.KPATH_DIFF_CASE
  if (file) return [JSON.parse(await readFile(file, 'utf8')) as DiffCase]
  const seed = Number(values.seed)
  return Array.from({ length: Number(values.count) }, (_, i) => generateCase(seed + i))
}

async function runBackend(backend: Backend, list: readonly DiffCase[]): Promise<number> {
  const execer = new NodeExecer()
  const reason = await labUnavailable(execer, backend)
  if (reason) throw new Error(`cannot run the lab: ${reason}`)
  const lab = await DiffLab.create(execer, backend, `l${backend[0]}`)
  const stop = () => {
    void lab.dispose().finally(() => process.exit(130))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  let failed = 0
  const started = Date.now()
  try {
    const base = routerBase(lab.names)
    for (const [i, c] of list.entries()) {
      const out = await checkCase(lab, base, c)
      if (!out.ok) {
        failed++
        console.log(out.message)
      } else if (out.message) console.log(out.message)
      if ((i + 1) % 50 === 0)
        console.log(`${backend}: ${i + 1}/${list.length}, ${failed} mismatched`)
    }
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    await lab.dispose()
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1)
  console.log(`${backend}: ${list.length} cases in ${secs} s, ${failed} mismatched`)
  return failed
}

const list = await cases()
const backends: Backend[] =
  values.backend === 'both' ? ['legacy', 'nft'] : [values.backend as Backend]
let failed = 0
for (const b of backends) failed += await runBackend(b, list)
process.exit(failed > 0 ? 1 : 0)
