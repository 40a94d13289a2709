/**
 * Felix's rule hashes against the `cali:` comments of real Calico nodes (testdata/felix-hashes.json:
 * the seeds and two public dumps) and the rendering felix feeds iptables-restore.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { endpointChains } from './endpoints.js'
import { action, match } from './fragments.js'
import { natOutgoingChain } from './nat-mangle.js'
import { type FelixRule, renderRule, ruleHashes } from './rule.js'
import type { FelixSettings } from './settings.js'

interface Facts {
  seeds: { chain: string; jump: string; hash: string }[]
  natOutgoing: { save: string }
  endpoints2022: { chains: Record<string, string[]> }
  olderRelease2020: { chain: string; rules: string[]; hashes: string[] }
}
const facts: Facts = JSON.parse(
  readFileSync(new URL('../testdata/felix-hashes.json', import.meta.url), 'utf8'),
)

const SETTINGS: FelixSettings = {
  ipipEnabled: false,
  vxlanEnabled: false,
  vxlanPort: 4789,
  endpointToHostAction: 'ACCEPT',
  chainInsertMode: 'insert',
  natOutgoing: true,
  masqFullyRandom: true,
}

describe('ruleHashes', () => {
  it.each(facts.seeds)(
    'hashes the $chain → $jump jump as the seeds show it',
    ({ chain, jump, hash }) => {
      expect(ruleHashes(chain, [{ action: action.jump(jump) }])).toEqual([hash])
    },
  )

  it("hashes seed 004's cali-nat-outgoing rule", () => {
    const chain = natOutgoingChain(SETTINGS)
    const [hash] = ruleHashes(chain.name, chain.rules)
    expect(facts.natOutgoing.save).toContain(`"cali:${hash}"`)
  })

  it('chains each hash into the next (a 2020 dump, rules as felix spelled them)', () => {
    const { chain, rules, hashes } = facts.olderRelease2020
    // The raw rule text is what felix hashed; an action-only rule reproduces it exactly.
    const asRules: FelixRule[] = rules.map((text) => ({ action: text }))
    expect(ruleHashes(chain, asRules)).toEqual(hashes)
  })

  it.each(Object.entries(facts.endpoints2022.chains))(
    'renders %s rule for rule as a real node has it',
    (name, hashes) => {
      const iface = name.replace(/^cali-(tw|fw)-/, '')
      const chain = endpointChains(
        { iface, profiles: ['kns.default', 'ksa.default.default'] },
        4789,
      ).find((c) => c.name === name)
      expect(chain && ruleHashes(chain.name, chain.rules)).toEqual(hashes)
    },
  )

  it('depends on the chain name and on every earlier rule', () => {
    const r: FelixRule = { action: action.accept }
    expect(ruleHashes('a', [r])).not.toEqual(ruleHashes('b', [r]))
    const [, second] = ruleHashes('a', [{ action: action.drop }, r])
    expect(second).not.toBe(ruleHashes('a', [r])[0])
  })
})

describe('renderRule', () => {
  it('puts the hash comment first, then comments, matches and the action, in felix spelling', () => {
    const rule: FelixRule = {
      comments: ['Allow IPIP packets from Calico hosts'],
      match: [
        match.protocolNum(4),
        match.sourceIpSet('cali40all-hosts-net'),
        match.destAddrTypeLocal(),
      ],
      action: action.accept,
    }
    expect(renderRule('-A cali-INPUT', rule, 'PajejrV4aFdkZojI')).toBe(
      '-A cali-INPUT -m comment --comment "cali:PajejrV4aFdkZojI" -m comment --comment "Allow IPIP packets from Calico hosts" -p 4 -m set --match-set cali40all-hosts-net src -m addrtype --dst-type LOCAL --jump ACCEPT',
    )
  })

  it("replaces characters that are not shell-safe in comments, as felix's escapeComment", () => {
    const text = renderRule('-A x', { comments: ['a "quoted" (thing)'] }, 'h')
    expect(text).toBe(
      '-A x -m comment --comment "cali:h" -m comment --comment "a _quoted_ _thing_"',
    )
  })
})
