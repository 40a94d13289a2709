/**
 * Regenerate src/core/kube/proxy/testdata/ from the REAL tools (iptables 1.8.9 nf_tables
 * backend, nft 1.0.6). Root only; every namespace it makes is called kpath-h8gen-<pid>-<n> and
 * is deleted right after use. Nothing touches the root network namespace.
 *
 *   npx tsx scripts/gen-kube-proxy-fixtures.ts
 *
 * Writes, for every scenario of src/core/kube/proxy/testkit.ts:
 * - <scenario>.iptables-save.ipv4.txt / .ipv6.txt: kube-proxy's jump rules and canary chains,
 *   then our restore payload, loaded with `iptables-nft-restore --noflush --counters` and
 *   printed by `iptables-nft-save` (date lines removed);
 * - <scenario>.nft.ip.txt / .ip6.txt: our `nft -f` script loaded into an empty namespace and
 *   printed by `nft list table <family> kube-proxy`;
 * and anon-sets.json: how nft lists `ip saddr != { … } drop` for each ANON_SET_CASES entry.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { proxyNodeContext } from '../src/core/kube/proxy/context.js'
import { renderKubeProxy } from '../src/core/kube/proxy/index.js'
import { jumpRulesText } from '../src/core/kube/proxy/iptables/node-view.js'
import { anonSetTx } from '../src/core/kube/proxy/nftables/anon-set.js'
import { ANON_SET_CASES, asNftables, scenarios } from '../src/core/kube/proxy/testkit.js'

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src/core/kube/proxy/testdata')
let counter = 0

function run(argv: readonly string[], stdin = ''): string {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), {
    input: stdin,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  })
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r.stdout
}

/** Run `body` in a fresh namespace, deleted afterwards whatever happens. */
function inFreshNs<T>(body: (exec: (argv: readonly string[], stdin?: string) => string) => T): T {
  const ns = `kpath-h8gen-${process.pid}-${++counter}`
  run(['ip', 'netns', 'add', ns])
  try {
    return body((argv, stdin) => run(['ip', 'netns', 'exec', ns, ...argv], stdin))
  } finally {
    run(['ip', 'netns', 'del', ns])
  }
}

const withoutDates = (text: string) =>
  `${text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')}`

function write(name: string, text: string): void {
  writeFileSync(join(OUT, name), text)
  console.log(`wrote ${name}`)
}

function genScenario(s: ReturnType<typeof scenarios>[number]): void {
  const ipt = renderKubeProxy(s.cluster, proxyNodeContext(s.cluster, s.node))
  for (const [key, tool] of [
    ['ipv4', 'iptables'],
    ['ipv6', 'ip6tables'],
  ] as const) {
    const r = ipt.iptables?.[key]
    if (!r) throw new Error(`${s.name}: no ${key} render`)
    const saved = inFreshNs((exec) => {
      exec([`${tool}-nft-restore`, '--noflush'], jumpRulesText(true))
      exec([`${tool}-nft-restore`, '--noflush', '--counters'], r.emitted)
      return exec([`${tool}-nft-save`])
    })
    write(`${s.name}.iptables-save.${key}.txt`, withoutDates(saved))
  }
  const c = asNftables(s.cluster)
  const nft = renderKubeProxy(c, proxyNodeContext(c, s.node))
  for (const [key, family] of [
    ['ipv4', 'ip'],
    ['ipv6', 'ip6'],
  ] as const) {
    const r = nft.nftablesDetail?.[key]
    if (!r) throw new Error(`${s.name}: no ${key} nft render`)
    const listed = inFreshNs((exec) => {
      exec(['nft', '-f', '-'], r.transaction)
      return exec(['nft', 'list', 'table', family, 'kube-proxy'])
    })
    write(`${s.name}.nft.${family}.txt`, listed)
  }
}

function genAnonSets(): void {
  const out = inFreshNs((exec) =>
    ANON_SET_CASES.map((c) => {
      const family = c.family === 'IPv4' ? 'ip' : 'ip6'
      exec(
        ['nft', '-f', '-'],
        `add table ${family} t\nflush table ${family} t\nadd chain ${family} t c\n` +
          `add rule ${family} t c ${family} saddr != ${anonSetTx(c.items)} drop\n`,
      )
      const text = exec(['nft', 'list', 'chain', family, 't', 'c'])
      const rule =
        text
          .split('\n')
          .map((l) => l.trim())
          .find((l) => l.endsWith(' drop')) ?? ''
      return {
        ...c,
        listed: rule.replace(new RegExp(`^${family} saddr != `), '').replace(/ drop$/, ''),
      }
    }),
  )
  write('anon-sets.json', `${JSON.stringify(out, null, 2)}\n`)
}

mkdirSync(OUT, { recursive: true })
for (const s of scenarios()) genScenario(s)
genAnonSets()
