/**
 * The part of `npm run build` that tsc does not do: copy the lab's Python servers next to the
 * compiled lab module (dist/adapters/node/lab/servers/, where daemon.ts looks first) and make
 * the `kpath` bin executable, so that the built package runs without the source tree.
 *
 *   node scripts/build-assets.mjs     (run by `npm run build` after tsc)
 */
import { chmodSync, cpSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const main = join(root, 'dist/cli/main.js')
if (!existsSync(main)) throw new Error(`${main} is missing: run tsc -p tsconfig.build.json first`)
cpSync(join(root, 'src/adapters/node/lab/servers'), join(root, 'dist/adapters/node/lab/servers'), {
  recursive: true,
  filter: (src) => !src.includes('__pycache__'),
})
chmodSync(main, 0o755)
