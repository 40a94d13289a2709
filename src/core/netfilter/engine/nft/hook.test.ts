/**
 * nft base chains at the hooks: priority order among themselves and with the iptables tables
 * and conntrack, accept ending one base chain only, drop ending the hook, nat chains inside
 * conntrack's NAT hook (first packet only, first binding wins, null binding otherwise).
 */
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../../errors.js'
import { parseIptablesSave } from '../../iptables-save/index.js'
import { traceLine } from '../index.js'
import { NODE, nftLines, nftRuntime, one, tcp } from './testkit.js'

/** The rule and chain steps of a walk, iptables and nft alike, in order. */
function steps(o: ReturnType<typeof one>): string[] {
  return o.result.events
    .filter(
      (e) => e.kind === 'rule' || e.kind === 'nft' || e.kind === 'conntrack' || e.kind === 'nat',
    )
    .map((e) => (e.kind === 'nft' ? e.text.replace(/^trace id [0-9a-f]{8} /, '') : traceLine(e)))
}

const ipt = (text: string) => parseIptablesSave(text, { family: 4, file: 'test.rules' })

describe('nft chains among the iptables tables', () => {
  // KEEP-CT is never reached; loading its conntrack match is what makes conntrack run here.
  const mangle = ipt(`*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KEEP-CT - [0:0]
-A PREROUTING -j MARK --set-xmark 0x1/0xffffffff
-A KEEP-CT -m conntrack --ctstate INVALID -j DROP
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m mark --mark 0x2 -j DROP
COMMIT
`)
  const listing = `table ip t {
\tchain early {
\t\ttype filter hook prerouting priority -250; policy accept;
\t\tmeta mark 0x00000000 counter packets 0 bytes 0
\t}

\tchain late {
\t\ttype filter hook prerouting priority mangle + 1; policy accept;
\t\tmeta mark 0x00000001 meta mark set 0x00000002
\t}

\tchain fwd {
\t\ttype filter hook forward priority filter; policy accept;
\t\tmeta mark 0x00000002 accept
\t}
}
`
  it('runs each chain at its priority: before conntrack, after mangle, before filter at 0', () => {
    const o = one(nftRuntime(listing, mangle), tcp('10.0.0.5', '8.8.8.8', 80))
    expect(steps(o)).toEqual([
      'ip t early rule meta mark 0x00000000 counter packets 0 bytes 0 (verdict continue)',
      'ip t early policy accept',
      'conntrack(PREROUTING): NEW original 10.0.0.5:40000 > 8.8.8.8:80 SYN_SENT',
      'TRACE: mangle:PREROUTING:rule:1',
      'TRACE: mangle:PREROUTING:policy:2',
      'ip t late rule meta mark 0x00000001 meta mark set 0x00000002 (verdict continue)',
      'ip t late policy accept',
      'TRACE: mangle:FORWARD:policy:1',
      // At equal priority the nft chain (registered later) runs first; its accept ends only
      // itself, so the iptables filter table still sees the packet and drops it.
      'ip t fwd rule meta mark 0x00000002 accept (verdict accept)',
      'TRACE: filter:FORWARD:rule:1',
      // Dropped before __nf_conntrack_confirm: the new connection is never listed.
      'conntrack(FORWARD): new connection not confirmed (dropped)',
    ])
    expect(o.result.conntrack).toBeUndefined()
    expect(o.result.verdict).toBe('DROP')
    expect(o.result.droppedAt).toEqual({ hook: 'FORWARD', table: 'filter' })
  })

  it('stops the hook at a drop in an nft chain and names the chain', () => {
    const dropping = listing.replace('meta mark 0x00000002 accept', 'meta mark 0x00000002 drop')
    const o = one(nftRuntime(dropping, mangle), tcp('10.0.0.5', '8.8.8.8', 80))
    expect(steps(o).slice(-2)).toEqual([
      'ip t fwd rule meta mark 0x00000002 drop (verdict drop)',
      'conntrack(FORWARD): new connection not confirmed (dropped)',
    ])
    expect(o.result.droppedAt).toEqual({ hook: 'FORWARD', table: 'ip t fwd' })
    expect(o.result.events.at(-1)).toMatchObject({
      kind: 'verdict',
      text: 'DROP in ip t fwd FORWARD',
    })
  })

  it('orders nft chains of equal priority newest first, and ignores dormant tables', () => {
    const two = `table ip a {
\tchain first {
\t\ttype filter hook forward priority 0; policy accept;
\t\tcounter packets 0 bytes 0
\t}

\tchain second {
\t\ttype filter hook forward priority 0; policy accept;
\t\tcounter packets 0 bytes 0
\t}
}
table ip b {
\tflags dormant

\tchain third {
\t\ttype filter hook forward priority 0; policy drop;
\t}
}
`
    const o = one(nftRuntime(two), tcp('10.0.0.5', '8.8.8.8', 80))
    expect(nftLines(o).map((l) => l.split(' ')[2])).toEqual(['second', 'second', 'first', 'first'])
    expect(o.result.verdict).toBe('ACCEPT')
  })
})

describe('nat chains in the NAT hook', () => {
  const listing = `table ip nat {
\tchain pre {
\t\ttype nat hook prerouting priority dstnat; policy accept;
\t\ttcp dport 80 dnat to 10.0.0.9:8080
\t}

\tchain post {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\toifname "eth0" masquerade
\t}
}
`
  it('binds DNAT and masquerade for the first packet, and rewrites later ones from conntrack', () => {
    const rt = nftRuntime(listing)
    const first = one(rt, tcp('10.244.1.5', '8.8.8.8', 80))
    expect(first.result).toMatchObject({
      dnat: '10.0.0.9:8080',
      snat: `${NODE}:40000`,
      masquerade: true,
    })
    // A retransmitted SYN is the same (still unreplied) connection: no nat chain runs again.
    const second = one(first.runtime, tcp('10.244.1.5', '8.8.8.8', 80))
    expect(nftLines(second)).toEqual([])
    expect(second.result.packetOut).toMatchObject({ dst: '10.0.0.9', dport: 8080, src: NODE })
  })

  it('leaves a null binding when no nat rule matches', () => {
    const o = one(nftRuntime(listing), tcp('10.244.1.5', '8.8.8.8', 443))
    expect(o.result.dnat).toBeUndefined()
    expect(o.result.conntrack?.status).toMatchObject({ dstNat: false })
    expect(nftLines(o)[0]).toBe('ip nat pre policy accept')
  })

  it('skips the iptables nat table once an nft chain bound the NAT, and runs it otherwise', () => {
    const nat = ipt(`*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.7
COMMIT
`)
    const rt = nftRuntime(listing, nat)
    const bound = one(rt, tcp('10.244.1.5', '8.8.8.8', 80))
    expect(bound.result.dnat).toBe('10.0.0.9:8080')
    expect(steps(bound).some((s) => s.startsWith('TRACE: nat:PREROUTING'))).toBe(false)
    const other = one(rt, tcp('10.244.1.5', '8.8.8.8', 443))
    expect(other.result.dnat).toBe('10.0.0.7:443')
    expect(steps(other)).toContain('TRACE: nat:PREROUTING:rule:1')
  })

  it('runs nat chains by priority inside the NAT hook, not at their own priority', () => {
    const early = `table ip t {
\tchain f {
\t\ttype filter hook prerouting priority -105; policy accept;
\t\tip daddr 8.8.8.8 counter packets 0 bytes 0
\t}

\tchain n {
\t\ttype nat hook prerouting priority -120; policy accept;
\t\tdnat to 10.0.0.9
\t}
}
`
    const o = one(nftRuntime(early), tcp('10.244.1.5', '8.8.8.8', 80))
    // The nat chain (-120) runs in conntrack's NAT hook at -100, after the filter chain (-105).
    expect(nftLines(o).map((l) => l.split(' ')[2])).toEqual(['f', 'f', 'n'])
  })

  it('refuses NAT outside a nat chain', () => {
    const bad = `table ip t {\n\tchain f {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tsnat to 1.2.3.4\n\t}\n}\n`
    try {
      one(nftRuntime(bad), tcp('10.244.1.5', '8.8.8.8', 80))
      expect.unreachable()
    } catch (e) {
      expect(isKpathError(e) && e.code).toBe('KPATH_UNSUPPORTED')
      expect((e as Error).message).toMatch(/^snat outside a nat chain/)
    }
  })
})

describe('hooks kpath does not run', () => {
  it('refuses a packet that would pass an ingress chain with rules', () => {
    const ingress = `table netdev n {\n\tchain i {\n\t\ttype filter hook ingress device "cni0" priority filter; policy accept;\n\t\tcounter packets 0 bytes 0\n\t}\n}\n`
    expect(() => one(nftRuntime(ingress), tcp('10.244.1.5', '8.8.8.8', 80))).toThrowError(
      /netdev n i \(netdev ingress\) is not modelled/,
    )
    // Another device's ingress chain is never passed.
    expect(
      one(nftRuntime(ingress.replace('cni0', 'eth9')), tcp('10.244.1.5', '8.8.8.8', 80)).result
        .verdict,
    ).toBe('ACCEPT')
  })
})
