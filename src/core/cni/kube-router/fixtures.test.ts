/**
 * kpath's kube-router state for seed 001 against what the real ipset and iptables printed for
 * it (testdata/README.md says how the fixtures were made). Runs without root.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { afterRestore } from '../../app/iptables-restore.js'
import { parseIptablesSave, printIptablesSave } from '../../netfilter/iptables-save/index.js'
import { kubeRouterPlugin } from './index.js'
import { expectedIpsetSave, normaliseIpsetSave, withoutIpvs } from './real-tools.js'
import { contextFor, load } from './testkit.js'

const fixture = (name: string) =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')
const seed = fixture('seed-001.yaml').replace(
  '- --run-router=true',
  '- --run-router=true\n        - --masquerade-all=true',
)
const { ctx } = contextFor(load(seed), { iface: 'enp1s0', prefixLen: 24 })

describe('seed 001, node2, against the real tools', () => {
  it('ipset save', () => {
    expect(normaliseIpsetSave(expectedIpsetSave(ctx, 'node2'))).toBe(
      fixture('seed-001.node2.ipset-save.txt'),
    )
  })

  for (const backend of ['legacy', 'nft'] as const)
    it(`iptables-${backend}-save`, () => {
      const payload =
        kubeRouterPlugin.node(ctx, ctx.underlay.get('node2')!).iptablesRestore?.ipv4 ?? ''
      const rs = afterRestore(parseIptablesSave(withoutIpvs(payload)), backend)
      expect(printIptablesSave(rs, { backend })).toBe(
        fixture(`seed-001.node2.iptables-${backend}-save.txt`),
      )
    })
})
