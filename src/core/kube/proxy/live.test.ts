/**
 * Ground truth from the REAL tools: every scenario of testkit.ts is rendered, then loaded into
 * a throw-away network namespace the way kube-proxy loads it, and read back:
 *
 * - iptables mode: kube-proxy's jump rules and canary chains, then the restore payload with
 *   `iptables-restore --noflush --counters` (nf_tables backend, both families); the output of
 *   `iptables-save` must equal our node view printed by printIptablesSave.
 * - nftables mode: our `nft -f` script; `nft list table <family> kube-proxy` must equal our
 *   listing byte for byte.
 *
 * Skips (with the reason) when not root or a tool is missing.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../../adapters/node/execer.js'
import { ScratchNetns } from '../../../adapters/node/scratch-netns.js'
import { printIptablesSave } from '../../netfilter/iptables-save/index.js'
import { proxyNodeContext } from './context.js'
import { renderKubeProxy } from './index.js'
import { jumpRulesText } from './iptables/node-view.js'
import { asNftables, scenarios } from './testkit.js'

const execer = new NodeExecer()

async function canRun(tools: readonly string[]): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const t of tools) if (!(await execer.lookPath(t))) return `${t} is not installed`
  return undefined
}

const withoutDates = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')

describe('kube-proxy renders load into the real tools unchanged', async () => {
  const reason = await canRun(['ip', 'iptables-nft-restore', 'ip6tables-nft-restore', 'nft'])
  const spaces: ScratchNetns[] = []
  afterAll(async () => {
    for (const ns of spaces) await ns.dispose()
  })

  async function scratch(): Promise<ScratchNetns> {
    const r = await ScratchNetns.create(execer, 'h8')
    if (!('ns' in r)) throw new Error(r.reason)
    spaces.push(r.ns)
    return r.ns
  }

  for (const s of scenarios()) {
    it.skipIf(reason !== undefined)(
      `${s.name}: iptables-save shows our node view ${reason ?? ''}`,
      async () => {
        const out = renderKubeProxy(s.cluster, proxyNodeContext(s.cluster, s.node))
        const ns = await scratch()
        for (const [key, tool] of [
          ['ipv4', 'iptables'],
          ['ipv6', 'ip6tables'],
        ] as const) {
          const r = out.iptables?.[key]
          if (!r) throw new Error(`no ${key} render`)
          await ns.exec([`${tool}-nft-restore`, '--noflush'], { stdin: jumpRulesText(true) })
          await ns.exec([`${tool}-nft-restore`, '--noflush', '--counters'], { stdin: r.emitted })
          const saved = await ns.exec([`${tool}-nft-save`])
          expect(withoutDates(saved.stdout)).toBe(printIptablesSave(r.ruleset, { backend: 'nft' }))
        }
      },
    )

    it.skipIf(reason !== undefined)(
      `${s.name}: nft lists our table unchanged ${reason ?? ''}`,
      async () => {
        const c = asNftables(s.cluster)
        const out = renderKubeProxy(c, proxyNodeContext(c, s.node))
        const ns = await scratch()
        for (const [key, family] of [
          ['ipv4', 'ip'],
          ['ipv6', 'ip6'],
        ] as const) {
          const r = out.nftablesDetail?.[key]
          if (!r) throw new Error(`no ${key} render`)
          await ns.exec(['nft', '-f', '-'], { stdin: r.transaction })
          const listed = await ns.exec(['nft', 'list', 'table', family, 'kube-proxy'])
          expect(listed.stdout).toBe(r.listing)
        }
      },
    )
  }
})
