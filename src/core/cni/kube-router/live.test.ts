/**
 * Ground truth from the REAL tools and kernel, in throw-away namespaces `kpath-h15-<pid>-<n>`:
 *
 * - kube-router's ipset restore text for seed 001, fed to `ipset restore -exist`: `ipset save`
 *   equals kpath's sets (initval dropped, hash members sorted);
 * - the node's iptables payload restored with iptables-legacy and iptables-nft into a namespace
 *   holding those sets: `iptables-save` prints the rules exactly as kpath's printer does. The
 *   IPVS SNAT rule needs xt_ipvs; where the kernel lacks it the rule is left out, and said so;
 * - the kernel gives a bridge the lowest MAC of its ports, as kpath's kube-bridge has.
 *
 * Skips (with the reason) when not root or a tool is missing.
 */
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../../adapters/node/execer.js'
import { ScratchNetns } from '../../../adapters/node/scratch-netns.js'
import { afterRestore } from '../../app/iptables-restore.js'
import { parseIptablesSave, printIptablesSave } from '../../netfilter/iptables-save/index.js'
import { kubeRouterPlugin } from './index.js'
import {
  expectedIpsetSave,
  normaliseIpsetSave,
  seedIpsetRestore,
  withoutDates,
  withoutIpvs,
} from './real-tools.js'
import { contextFor, load, nodeState } from './testkit.js'

const execer = new NodeExecer()
const SEED = readFileSync(new URL('./testdata/seed-001.yaml', import.meta.url), 'utf8')
const { ctx } = contextFor(
  load(SEED.replace('- --run-router=true', '- --run-router=true\n        - --masquerade-all=true')),
  {
    iface: 'enp1s0',
    prefixLen: 24,
  },
)

async function whyNot(tools: readonly string[]): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const t of tools) if (!(await execer.lookPath(t))) return `${t} is not installed`
  return undefined
}

describe('kube-router state against the real tools', async () => {
  const reason = await whyNot(['ip', 'ipset', 'iptables-legacy-restore', 'iptables-nft-restore'])
  const spaces: ScratchNetns[] = []
  afterAll(async () => {
    for (const ns of spaces) await ns.dispose()
  })

  async function scratch(): Promise<ScratchNetns> {
    const r = await ScratchNetns.create(execer, 'h15')
    if (!('ns' in r)) throw new Error(r.reason)
    spaces.push(r.ns)
    return r.ns
  }

  it.skipIf(reason !== undefined)(
    `ipset save after kube-router's restore equals kpath's sets ${reason ?? ''}`,
    async () => {
      const ns = await scratch()
      await ns.exec(['ipset', 'restore', '-exist'], { stdin: seedIpsetRestore(ctx) })
      const saved = await ns.exec(['ipset', 'save'])
      expect(normaliseIpsetSave(saved.stdout)).toBe(
        normaliseIpsetSave(expectedIpsetSave(ctx, 'node2')),
      )
    },
  )

  for (const backend of ['legacy', 'nft'] as const) {
    it.skipIf(reason !== undefined)(
      `iptables-${backend}-save prints kube-router's rules as kpath does ${reason ?? ''}`,
      async () => {
        const ns = await scratch()
        await ns.exec(['ipset', 'restore', '-exist'], { stdin: seedIpsetRestore(ctx) })
        const payload =
          kubeRouterPlugin.node(ctx, ctx.underlay.get('node2')!).iptablesRestore?.ipv4 ?? ''
        const full = await ns.exec([`iptables-${backend}-restore`, '--noflush'], {
          stdin: payload,
          allowFailure: true,
        })
        // Without xt_ipvs (no IP_VS in this kernel) the whole restore fails; load the rest.
        const loaded = full.code === 0 ? payload : withoutIpvs(payload)
        if (full.code !== 0) {
          expect(full.stderr).toMatch(/ipvs/)
          await ns.exec([`iptables-${backend}-restore`, '--noflush'], { stdin: loaded })
        }
        const saved = await ns.exec([`iptables-${backend}-save`])
        const ours = printIptablesSave(afterRestore(parseIptablesSave(loaded), backend), {
          backend,
        })
        expect(withoutDates(saved.stdout)).toBe(ours)
      },
    )
  }

  it.skipIf(reason !== undefined)(
    `the kernel gives kube-bridge the lowest MAC of its ports ${reason ?? ''}`,
    async () => {
      const ns = await scratch()
      const node = nodeState(ctx, kubeRouterPlugin, 'node3')
      const bridge = node.links.find((l) => l.name === 'kube-bridge')
      const ports = node.links.filter((l) => l.master === 'kube-bridge')
      await ns.exec(['ip', 'link', 'add', 'kube-bridge', 'type', 'bridge'])
      for (const [i, p] of ports.entries()) {
        await ns.exec([
          'ip',
          'link',
          'add',
          p.name,
          'address',
          p.mac ?? '',
          'type',
          'veth',
          'peer',
          'name',
          `peer${i}`,
        ])
        await ns.exec(['ip', 'link', 'set', p.name, 'master', 'kube-bridge'])
      }
      const shown = JSON.parse(
        (await ns.exec(['ip', '-j', 'link', 'show', 'kube-bridge'])).stdout,
      ) as { address: string }[]
      expect(shown[0]?.address).toBe(bridge?.mac)
    },
  )
})
