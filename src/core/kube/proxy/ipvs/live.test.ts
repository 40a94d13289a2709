/**
 * Ground truth from the REAL tools for IPVS mode (this kernel has no IPVS, so only the parts
 * that are not IPVS): every scenario of ../testkit.ts rendered in ipvs mode, then loaded into a
 * throw-away network namespace as kube-proxy loads it:
 *
 * - the ipsets with `ipset restore` (ipset 7.17): `ipset save` must equal our sets, apart from
 *   the random `initval` and the kernel's member order within hash sets;
 * - the jump rules, then the restore payload with `iptables-restore --noflush --counters`
 *   (nf_tables backend, both families): `iptables-save` must equal our node view byte for
 *   byte.
 *
 * Skips (with the reason) when not root or a tool is missing.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../../../adapters/node/execer.js'
import { ScratchNetns } from '../../../../adapters/node/scratch-netns.js'
import { printIpsetSave } from '../../../ipset/index.js'
import { printIptablesSave } from '../../../netfilter/iptables-save/index.js'
import type { Cluster } from '../../model.js'
import { proxyNodeContext } from '../context.js'
import { renderKubeProxy } from '../index.js'
import { scenarios } from '../testkit.js'
import { ipvsJumpRulesText } from './node-view.js'

const execer = new NodeExecer()

async function canRun(tools: readonly string[]): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const t of tools) if (!(await execer.lookPath(t))) return `${t} is not installed`
  return undefined
}

const asIpvs = (c: Cluster): Cluster => ({ ...c, kubeProxy: { ...c.kubeProxy, mode: 'ipvs' } })
const comparable = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#') && l !== '')
    .map((l) => l.replace(/ initval 0x[0-9a-f]+/, ''))
    .sort()

describe('IPVS-mode renders load into the real tools unchanged', async () => {
  const reason = await canRun(['ip', 'ipset', 'iptables-nft-restore', 'ip6tables-nft-restore'])
  const spaces: ScratchNetns[] = []
  afterAll(async () => {
    for (const ns of spaces) await ns.dispose()
  })

  for (const s of scenarios()) {
    it.skipIf(reason !== undefined)(
      `${s.name}: ipset and iptables-save ${reason ?? ''}`,
      async () => {
        const c = asIpvs(s.cluster)
        const out = renderKubeProxy(c, proxyNodeContext(c, s.node))
        const r = await ScratchNetns.create(execer, 'hs2')
        if (!('ns' in r)) throw new Error(r.reason)
        spaces.push(r.ns)
        const sets = printIpsetSave(out.ipvs?.node.ipsets ?? [])
        await r.ns.exec(['ipset', 'restore'], { stdin: sets })
        const saved = await r.ns.exec(['ipset', 'save'])
        expect(comparable(saved.stdout)).toEqual(comparable(sets))
        for (const [key, tool] of [
          ['ipv4', 'iptables'],
          ['ipv6', 'ip6tables'],
        ] as const) {
          const f = out.ipvs?.families[key]
          if (!f) throw new Error(`no ${key} render`)
          await r.ns.exec([`${tool}-nft-restore`, '--noflush'], { stdin: ipvsJumpRulesText() })
          await r.ns.exec([`${tool}-nft-restore`, '--noflush', '--counters'], { stdin: f.payload })
          const rules = await r.ns.exec([`${tool}-nft-save`])
          expect(comparable(rules.stdout).join('\n')).toBe(
            comparable(printIptablesSave(f.ruleset, { backend: 'nft' })).join('\n'),
          )
        }
      },
    )
  }
})
