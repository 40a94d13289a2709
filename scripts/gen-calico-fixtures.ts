/**
 * Regenerate src/core/cni/calico/testdata/*.iptables-legacy-save.txt and *.ipset-save.txt from
 * the REAL tools (iptables 1.8.9 legacy, ipset 7.17). Root only; every namespace it makes is
 * called kpath-h14gen-<pid>-<n> and is deleted right after use. Nothing touches the root
 * network namespace.
 *
 *   npx tsx scripts/gen-calico-fixtures.ts
 *
 * For every scenario of src/core/cni/calico/testkit.ts: the captured node's ipsets are loaded
 * with `ipset restore`, then its iptables payload with `iptables-legacy-restore --noflush` into
 * a fresh namespace; `iptables-legacy-save` (date lines removed) and `ipset save` (the kernel's
 * random `initval` removed) are written out.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderScenario, SCENARIOS } from '../src/core/cni/calico/testkit.js'
import { printIpsetSave } from '../src/core/ipset/index.js'

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'src/core/cni/calico/testdata')
let counter = 0

function run(argv: readonly string[], stdin = ''): string {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { input: stdin, encoding: 'utf8' })
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r.stdout
}

function inFreshNs<T>(body: (exec: (argv: readonly string[], stdin?: string) => string) => T): T {
  const ns = `kpath-h14gen-${process.pid}-${++counter}`
  run(['ip', 'netns', 'add', ns])
  try {
    return body((argv, stdin) => run(['ip', 'netns', 'exec', ns, ...argv], stdin))
  } finally {
    run(['ip', 'netns', 'del', ns])
  }
}

for (const s of SCENARIOS) {
  const { fragment } = renderScenario(s, readFileSync(join(DIR, s.file), 'utf8'))
  const [saved, sets] = inFreshNs((exec) => {
    exec(['ipset', 'restore'], printIpsetSave(fragment.ipsets ?? []))
    exec(['iptables-legacy-restore', '--noflush'], fragment.iptablesRestore?.ipv4 ?? '')
    return [exec(['iptables-legacy-save']), exec(['ipset', 'save'])]
  })
  const noDates = saved
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
  writeFileSync(join(DIR, `${s.name}.iptables-legacy-save.txt`), noDates)
  writeFileSync(join(DIR, `${s.name}.ipset-save.txt`), sets.replace(/ initval 0x[0-9a-f]+/g, ''))
  console.log(`${s.name}: ${noDates.split('\n').length} iptables lines`)
}
