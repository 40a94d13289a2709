/**
 * `npm start`: kpath's main job on a built-in example. Seed 003 (examples/seeds/): node slave1
 * curls the heapster ClusterIP and hangs. First `kpath trace` prints the packet's way, hop by
 * hop and rule by rule, to where it is dropped; then `kpath explain` names the cause
 * (rp_filter on node slave2) and the fixes it verified by tracing again. Both run the CLI from
 * the source tree through tsx, exactly as typed; their exit status 1 (not delivered) is the
 * expected answer here, so only a failure to run (2 or worse) fails `npm start`.
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const seed = 'examples/seeds/003-flannel-udp-rp-filter.yaml'
const refs = ['--from', 'node/slave1', '--to', 'svc/default/heapster']

let worst = 0
for (const command of ['trace', 'explain']) {
  const args = [command, seed, ...refs]
  process.stdout.write(`\n$ kpath ${args.join(' ')}\n\n`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    stdio: 'inherit',
  })
  const code = r.status ?? 2
  if (code > 1) worst = Math.max(worst, code)
}
process.exitCode = worst
