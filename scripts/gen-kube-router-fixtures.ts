/**
 * Regenerate src/core/cni/kube-router/testdata/seed-001.node2.* from the REAL tools (ipset 7.17,
 * iptables 1.8.9 legacy and nf_tables). Root only; every namespace it makes is called
 * kpath-h15gen-<pid>-<n> and is deleted right after use. Nothing touches the root namespace.
 *
 *   npx tsx scripts/gen-kube-router-fixtures.ts
 *
 * For seed 001 (testdata/seed-001.yaml, with --masquerade-all so that every rule shape occurs):
 * - seed-001.node2.ipset-save.txt: kube-router's `ipset restore -exist` text fed to the real
 *   ipset, then `ipset save` (initval dropped, members of each set sorted);
 * - seed-001.node2.iptables-<backend>-save.txt: the sets, then node2's iptables payload with
 *   `iptables-<backend>-restore --noflush` (the IPVS rule left out when the kernel has no
 *   xt_ipvs), printed by `iptables-<backend>-save` (dated comment lines dropped).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { kubeRouterPlugin } from '../src/core/cni/kube-router/index.js'
import {
  normaliseIpsetSave,
  seedIpsetRestore,
  withoutDates,
  withoutIpvs,
} from '../src/core/cni/kube-router/real-tools.js'
import { contextFor, load } from '../src/core/cni/kube-router/testkit.js'

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src/core/cni/kube-router/testdata')
let counter = 0

function run(
  argv: readonly string[],
  stdin = '',
  allowFailure = false,
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { input: stdin, encoding: 'utf8' })
  if (r.error) throw r.error
  if (r.status !== 0 && !allowFailure)
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** Run `body` in a fresh namespace, deleted afterwards whatever happens. */
function inFreshNs<T>(
  body: (
    exec: (
      argv: readonly string[],
      stdin?: string,
      allowFailure?: boolean,
    ) => ReturnType<typeof run>,
  ) => T,
): T {
  const ns = `kpath-h15gen-${process.pid}-${++counter}`
  run(['ip', 'netns', 'add', ns])
  try {
    return body((argv, stdin, allowFailure) =>
      run(['ip', 'netns', 'exec', ns, ...argv], stdin, allowFailure),
    )
  } finally {
    run(['ip', 'netns', 'del', ns])
  }
}

const seed = readFileSync(join(OUT, 'seed-001.yaml'), 'utf8').replace(
  '- --run-router=true',
  '- --run-router=true\n        - --masquerade-all=true',
)
const { ctx } = contextFor(load(seed), { iface: 'enp1s0', prefixLen: 24 })
const restore = seedIpsetRestore(ctx)

inFreshNs((exec) => {
  exec(['ipset', 'restore', '-exist'], restore)
  writeFileSync(
    join(OUT, 'seed-001.node2.ipset-save.txt'),
    normaliseIpsetSave(exec(['ipset', 'save']).stdout),
  )
})

const payload = kubeRouterPlugin.node(ctx, ctx.underlay.get('node2')!).iptablesRestore?.ipv4 ?? ''
for (const backend of ['legacy', 'nft']) {
  inFreshNs((exec) => {
    exec(['ipset', 'restore', '-exist'], restore)
    const full = exec([`iptables-${backend}-restore`, '--noflush'], payload, true)
    if (full.code !== 0) exec([`iptables-${backend}-restore`, '--noflush'], withoutIpvs(payload))
    const saved = withoutDates(exec([`iptables-${backend}-save`]).stdout)
    writeFileSync(join(OUT, `seed-001.node2.iptables-${backend}-save.txt`), saved)
  })
}
console.log('wrote seed-001.node2.{ipset-save,iptables-legacy-save,iptables-nft-save}.txt')
