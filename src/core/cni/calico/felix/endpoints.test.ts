/**
 * Workload dispatch chains (felix's prefix tree), endpoint and profile chains, and how a table
 * is written as an iptables-restore payload.
 */
import { describe, expect, it } from 'vitest'
import { endpointChains, profileChains, workloadDispatchChains } from './endpoints.js'
import { filterForwardAppends, filterHooks, staticFilterChains } from './filter.js'
import { natChains } from './nat-mangle.js'
import { tablePayload } from './payload.js'
import { type FelixChain, ruleHashes } from './rule.js'
import type { FelixSettings } from './settings.js'

const S: FelixSettings = {
  ipipEnabled: true,
  vxlanEnabled: false,
  ipipTunnelAddress: '10.0.0.0',
  vxlanPort: 4789,
  endpointToHostAction: 'ACCEPT',
  chainInsertMode: 'insert',
  natOutgoing: true,
  masqFullyRandom: true,
}

const text = (c: FelixChain | undefined) =>
  c?.rules.map((r) =>
    [...(r.comments ?? []).map((x) => `"${x}"`), ...(r.match ?? []), r.action].join(' '),
  )

describe('workloadDispatchChains', () => {
  it('drops everything when the node has no pods', () => {
    const chains = workloadDispatchChains([])
    expect(chains.map((c) => c.name)).toEqual(['cali-from-wl-dispatch', 'cali-to-wl-dispatch'])
    expect(text(chains[0])).toEqual(['"Unknown interface" --jump DROP'])
  })

  it('builds a child chain for names sharing the next character, as felix does', () => {
    const eps = ['cali2cccccccccc', 'cali1bbbbbbbbbb', 'cali1aaaaaaaaaa'].map((iface) => ({
      iface,
      profiles: [],
    }))
    const chains = workloadDispatchChains(eps)
    expect(chains.map((c) => c.name)).toEqual([
      'cali-from-wl-dispatch-1',
      'cali-from-wl-dispatch',
      'cali-to-wl-dispatch-1',
      'cali-to-wl-dispatch',
    ])
    expect(text(chains[1])).toEqual([
      '--in-interface cali1+ --goto cali-from-wl-dispatch-1',
      '--in-interface cali2cccccccccc --goto cali-fw-cali2cccccccccc',
      '"Unknown interface" --jump DROP',
    ])
    expect(text(chains[2])).toEqual([
      '--out-interface cali1aaaaaaaaaa --goto cali-tw-cali1aaaaaaaaaa',
      '--out-interface cali1bbbbbbbbbb --goto cali-tw-cali1bbbbbbbbbb',
      '"Unknown interface" --jump DROP',
    ])
  })
})

describe('endpoint and profile chains', () => {
  it('drop encapsulated packets only from the workload, on the configured VXLAN port', () => {
    const [to, from] = endpointChains({ iface: 'cali0123456789a', profiles: ['kns.x'] }, 8472)
    expect(text(to)?.some((r) => r.includes('encapped'))).toBe(false)
    expect(text(from)).toContain(
      '"Drop VXLAN encapped packets originating in workloads" -p 17 -m multiport --destination-ports 8472 --jump DROP',
    )
  })

  it('allow both ways for a namespace profile and carry only a comment for a service account', () => {
    const [pri, pro] = profileChains('kns.test')
    expect(text(pri)).toEqual([
      '"Profile kns.test ingress" --jump MARK --set-mark 0x10000/0x10000',
      '-m mark --mark 0x10000/0x10000 --jump RETURN',
    ])
    expect(pro?.name).toBe('cali-pro-kns.test')
    expect(text(profileChains('ksa.test.default')[1])).toEqual([
      '"Profile ksa.test.default egress" ',
    ])
  })
})

describe('static chains', () => {
  it('guard IPIP in cali-INPUT and masquerade host sources leaving by tunl0', () => {
    const input = staticFilterChains(S).find((c) => c.name === 'cali-INPUT')
    expect(text(input)?.slice(0, 2)).toEqual([
      '"Allow IPIP packets from Calico hosts" -p 4 -m set --match-set cali40all-hosts-net src -m addrtype --dst-type LOCAL --jump ACCEPT',
      '"Drop IPIP packets from non-Calico hosts" -p 4 --jump DROP',
    ])
    const post = natChains(S).find((c) => c.name === 'cali-POSTROUTING')
    expect(text(post)?.[2]).toBe(
      '--out-interface tunl0 -m addrtype ! --src-type LOCAL --limit-iface-out -m addrtype --src-type LOCAL --jump MASQUERADE --random-fully',
    )
  })

  it('leave the IPIP rules out without IPIP, and cali-nat-outgoing empty without natOutgoing', () => {
    const off = { ...S, ipipEnabled: false, natOutgoing: false }
    expect(text(staticFilterChains(off).find((c) => c.name === 'cali-INPUT'))?.[0]).toBe(
      '--in-interface cali+ --goto cali-wl-to-host',
    )
    expect(natChains(off).find((c) => c.name === 'cali-nat-outgoing')?.rules).toEqual([])
    expect(natChains(off).find((c) => c.name === 'cali-POSTROUTING')?.rules).toHaveLength(2)
  })

  it.each([
    ['DROP', '--jump DROP'],
    ['RETURN', '--jump RETURN'],
  ] as const)('ends cali-wl-to-host with DefaultEndpointToHostAction %s', (a, want) => {
    const chain = staticFilterChains({ ...S, endpointToHostAction: a }).find(
      (c) => c.name === 'cali-wl-to-host',
    )
    expect(text(chain)?.[1]).toBe(`"Configured DefaultEndpointToHostAction" ${want}`)
  })
})

describe('tablePayload', () => {
  const table = {
    name: 'filter' as const,
    chains: [{ name: 'cali-x', rules: [{ action: '--jump RETURN' }] }],
    hooks: { FORWARD: [{ action: '--jump a' }, { action: '--jump b' }] },
    appends: { FORWARD: filterForwardAppends() },
  }

  it('inserts the jumps last to first so that they end up in order, and hashes appends apart', () => {
    const lines = tablePayload(table, 'insert').split('\n')
    const [ha, hb] = ruleHashes('FORWARD', table.hooks.FORWARD)
    const [h1] = ruleHashes('FORWARD*appends*', table.appends.FORWARD)
    expect(lines).toEqual([
      '*filter',
      ':cali-x - [0:0]',
      `-A cali-x -m comment --comment "cali:${ruleHashes('cali-x', table.chains[0]?.rules ?? [])[0]}" --jump RETURN`,
      `-I FORWARD -m comment --comment "cali:${hb}" --jump b`,
      `-I FORWARD -m comment --comment "cali:${ha}" --jump a`,
      `-A FORWARD -m comment --comment "cali:${h1}" -m comment --comment "Policy explicitly accepted packet." -m mark --mark 0x10000/0x10000 --jump ACCEPT`,
      expect.stringMatching(
        /^-A FORWARD -m comment --comment "cali:[\w-]{16}" --jump MARK --set-mark 0x10000\/0x10000$/,
      ),
      'COMMIT',
      '',
    ])
  })

  it('appends the jumps in append mode', () => {
    const lines = tablePayload({ ...table, hooks: filterHooks() }, 'append').split('\n')
    expect(
      lines.filter((l) => / (FORWARD|INPUT|OUTPUT) /.test(l)).map((l) => l.split(' ')[0]),
    ).toEqual(['-A', '-A', '-A', '-A', '-A'])
  })
})
