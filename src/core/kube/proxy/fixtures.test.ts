/**
 * The renderers against what the real tools printed for the same input (testdata/, made by
 * scripts/gen-kube-proxy-fixtures.ts): no root needed. live.test.ts repeats the check against
 * the tools themselves when it can.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { printIptablesSave } from '../../netfilter/iptables-save/index.js'
import { proxyNodeContext } from './context.js'
import { renderKubeProxy } from './index.js'
import { anonSetListed } from './nftables/anon-set.js'
import { ANON_SET_CASES, asNftables, scenarios } from './testkit.js'

const DATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata')
const read = (name: string) => readFileSync(join(DATA, name), 'utf8')

describe('renders equal what iptables-save / nft list printed (testdata/)', () => {
  for (const s of scenarios()) {
    it(`${s.name}: iptables view, both families`, () => {
      const out = renderKubeProxy(s.cluster, proxyNodeContext(s.cluster, s.node))
      for (const key of ['ipv4', 'ipv6'] as const) {
        const rs = out.iptables?.[key]?.ruleset
        expect(rs && printIptablesSave(rs, { backend: 'nft' })).toBe(
          read(`${s.name}.iptables-save.${key}.txt`),
        )
      }
    })

    it(`${s.name}: nft listing, both families`, () => {
      const c = asNftables(s.cluster)
      const out = renderKubeProxy(c, proxyNodeContext(c, s.node))
      expect(out.nftables?.ipv4).toBe(read(`${s.name}.nft.ip.txt`))
      expect(out.nftables?.ipv6).toBe(read(`${s.name}.nft.ip6.txt`))
    })
  }

  it('anonymous address sets are listed as nft lists them (merging, single elements)', () => {
    const recorded = JSON.parse(read('anon-sets.json')) as {
      family: 'IPv4' | 'IPv6'
      items: string[]
      listed: string
    }[]
    expect(recorded.map((r) => r.items)).toEqual(ANON_SET_CASES.map((c) => c.items))
    for (const r of recorded)
      expect(anonSetListed(r.items, r.family), r.items.join(' ')).toBe(r.listed)
  })
})
