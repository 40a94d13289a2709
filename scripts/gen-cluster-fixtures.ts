/**
 * Regenerate src/core/cluster/testdata/ from the REAL kernel and tools (iproute2 6.1, iptables
 * 1.8.9 legacy). Root only; every namespace it makes is called kpath-h13gen-<pid>-<n> and is
 * deleted at the end, whatever happens. Nothing touches the root network namespace: every
 * command runs as `ip -n NS …`, `bridge -n NS …` or `ip netns exec NS …`.
 *
 *   npx tsx scripts/gen-cluster-fixtures.ts
 *
 * For every case of src/core/cluster/testing/cases.ts the assembled namespaces are built with
 * `ip`/`bridge` (testing/lab.ts) and the kernel's answers to `ip -j addr`, `ip -j route show
 * table all`, `ip -j -d link`, `ip -j neigh` and `bridge -j fdb` are written as the views of
 * testing/views.ts (<case>.json). The CNI iptables fragments are restored with
 * `iptables-legacy-restore --noflush` and `iptables-legacy-save` is written (date lines removed)
 * to cni-rules.iptables-legacy-save.txt. versions.txt records the tool and kernel versions.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cniRuleTexts, LAB_CASES } from '../src/core/cluster/testing/cases.js'
import { labPlan } from '../src/core/cluster/testing/lab.js'
import { kernelQueries, kernelView, type View } from '../src/core/cluster/testing/views.js'

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'src/core/cluster/testdata')
const made: string[] = []
let counter = 0

function run(argv: readonly string[], stdin = ''): string {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { input: stdin, encoding: 'utf8' })
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r.stdout
}

function fresh(): string {
  const ns = `kpath-h13gen-${process.pid}-${++counter}`
  made.push(ns)
  return ns
}

function viewOf(ns: string): View {
  const q = kernelQueries(ns)
  const json = (argv: readonly string[]) => JSON.parse(run(argv)) as Record<string, unknown>[]
  return kernelView({
    addresses: json(q.addresses),
    routes: json(q.routes),
    links: json(q.links),
    neigh: json(q.neigh),
    fdb: json(q.fdb),
  })
}

function captureCase(c: (typeof LAB_CASES)[number]): Record<string, View> {
  const state = c.state()
  const states = state.namespaces.filter((n) => c.build === undefined || c.build.includes(n.name))
  const plan = labPlan(states, fresh)
  for (const argv of [...plan.create, ...plan.setup]) run(argv)
  const out: Record<string, View> = {}
  for (const [name, ns] of plan.names)
    if (c.compare === undefined || c.compare.includes(name)) out[name] = viewOf(ns)
  return out
}

function captureRules(): string {
  const ns = fresh()
  run(['ip', 'netns', 'add', ns])
  for (const text of cniRuleTexts())
    run(['ip', 'netns', 'exec', ns, 'iptables-legacy-restore', '--noflush'], text)
  return run(['ip', 'netns', 'exec', ns, 'iptables-legacy-save'])
    .split('\n')
    .filter((l) => !l.startsWith('# Generated') && !l.startsWith('# Completed'))
    .join('\n')
}

function versions(): string {
  const first = (argv: readonly string[]) => run(argv).split('\n')[0] ?? ''
  return [
    first(['ip', '-V']),
    first(['iptables-legacy', '-V']),
    `kernel ${first(['uname', '-r'])}`,
    '',
  ].join('\n')
}

try {
  mkdirSync(DIR, { recursive: true })
  for (const c of LAB_CASES)
    writeFileSync(join(DIR, `${c.name}.json`), `${JSON.stringify(captureCase(c), null, 1)}\n`)
  writeFileSync(join(DIR, 'cni-rules.iptables-legacy-save.txt'), captureRules())
  writeFileSync(join(DIR, 'versions.txt'), versions())
  console.log(`wrote ${LAB_CASES.length + 2} files to ${DIR}`)
} finally {
  for (const ns of made) spawnSync('ip', ['netns', 'del', ns])
}
