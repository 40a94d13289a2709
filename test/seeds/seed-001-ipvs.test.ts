/**
 * Seed 001 (/work/shared/seeds/001_ca657a21c593e076.txt) with kube-router's own IPVS service
 * proxy, as the seed ran it, on examples/seeds/001-kube-router-ipvs.yaml (issue 6 acceptance):
 * `ip addr show kube-dummy-if` and `ipvsadm -Ln` on node2 in the seed's form; pod → ClusterIP
 * and outside → NodePort through IPVS, with the seed's `-m ipvs --vdir ORIGINAL --vmethod MASQ`
 * SNAT rule.
 *
 * kube-dummy-if has no `qlen` in `ip addr`, as in the seed: kube-router creates the dummy with
 * vishvananda/netlink's zero-valued LinkAttrs, which sends IFLA_TXQLEN 0, and iproute2 prints
 * qlen only when it is not 0 (the model's Link.txqlen). IPv6 link-local addresses are not
 * modelled.
 */
import { describe, expect, it } from 'vitest'
import { traceBetween } from '../../src/core/app/cluster-trace.js'
import { show } from '../../src/core/app/show.js'
import { formatRuleSpec } from '../../src/core/netfilter/iptables-save/index.js'
import type { ClusterBranch, Hop } from '../../src/core/walk/index.js'
import { assembleExample, events, exampleText, expectRoundTrip, ns, snatsTo } from './seed-kit.js'

const FILE = '001-kube-router-ipvs.yaml'
const inputs = [{ file: FILE, text: exampleText(FILE) }]
const state = assembleExample(FILE)
const NODE2 = 'node-node2' // 192.168.50.51, busybox1 10.233.66.10
const DEMO = 'pod-default-demo-6b8d4b6b4c-x2x7q' // 10.233.68.8 on node3

/** The seed's second `ip addr` listing of kube-dummy-if, after `kubectl expose deployment demo`. */
const SEED_DUMMY = `7: kube-dummy-if: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN group default 
    link/ether 2e:db:66:f1:bb:ab brd ff:ff:ff:ff:ff:ff
    inet 10.233.0.1/32 scope link kube-dummy-if
       valid_lft forever preferred_lft forever
    inet 10.233.0.3/32 scope link kube-dummy-if
       valid_lft forever preferred_lft forever
    inet 10.233.5.92/32 scope link kube-dummy-if
       valid_lft forever preferred_lft forever
    inet6 fe80::2cdb:66ff:fef1:bbab/64 scope link 
       valid_lft forever preferred_lft forever`

/** The form of a listing: link index, MACs and (see the header) inet6 left out. */
function form(block: string): string[] {
  const lines = block.split('\n')
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? ''
    if (l.startsWith('    inet6 ')) {
      i++
      continue
    }
    out.push(l.replace(/^\d+:/, 'N:').replace(/([0-9a-f]{2}:){5}[0-9a-f]{2} brd/, 'MAC brd'))
  }
  return out
}

/** The block of one link in `ip addr` output. */
function linkBlock(text: string, name: string): string {
  const blocks = text.split(/\n(?=\d+: )/)
  const b = blocks.find((x) => x.includes(`: ${name}: `))
  if (b === undefined) throw new Error(`no ${name} in ip addr`)
  return b
}

function trace(from: string, to: string, port?: number): ClusterBranch {
  const r = traceBetween({ inputs, from, to, ...(port === undefined ? {} : { port }) })
  expect(r.trace.branches).toHaveLength(1)
  return r.trace.branches[0] as ClusterBranch
}

/** The nat rule a `TRACE: nat:CHAIN:rule:N` line of a hop points at, as iptables-save prints it. */
function natRules(h: Hop | undefined): string[] {
  const nat = ns(state, h?.netns ?? '').iptables.ipv4?.tables.find((t) => t.name === 'nat')
  return (h?.netfilter ?? []).flatMap((l) => {
    const m = /^TRACE: nat:(\S+):rule:(\d+)$/.exec(l)
    const chain = nat?.chains.find((c) => c.name === m?.[1])
    const rule = chain?.rules[Number(m?.[2]) - 1]
    return rule === undefined || m === null ? [] : [`-A ${m[1]}${formatRuleSpec(rule)}`]
  })
}

const SNAT_RULE =
  '-A POSTROUTING ! -s 10.233.66.0/24 ! -d 10.233.66.0/24 -m ipvs --vdir ORIGINAL --vmethod MASQ -m comment --comment "" -j SNAT --to-source 192.168.50.51 --random-fully'

describe('seed 001 with kube-router IPVS: what a node shows', () => {
  it('`ip addr show kube-dummy-if` has the seed listing’s form', () => {
    const text = show({ inputs, view: 'addr', node: 'node2' }).text
    expect(form(linkBlock(text, 'kube-dummy-if'))).toEqual(form(SEED_DUMMY))
  })

  it('`ipvsadm -Ln`: the seed’s `demo` entry, numeric (rr, one Masq real server of weight 1)', () => {
    const lines = show({ inputs, view: 'ipvs', node: 'node2' }).text.split('\n')
    expect(lines.slice(0, 3)).toEqual([
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
    ])
    const at = lines.indexOf('TCP  10.233.5.92:80 rr')
    expect(at).toBeGreaterThan(0)
    const server = lines[at + 1] ?? ''
    // The seed: `  -> 10.233.68.8:http             Masq    1      0          0` (names, not -n).
    const seed = '  -> 10.233.68.8:http             Masq    1      0          0'
    expect(server.trimEnd().split(/\s+/)).toEqual(
      seed.replace(':http', ':80').trimEnd().split(/\s+/),
    )
    expect(server.indexOf('Masq')).toBe(seed.indexOf('Masq'))
  })

  it("node2's nat POSTROUTING holds the seed’s SNAT rule for IPVS traffic", () => {
    const nat = ns(state, NODE2).iptables.ipv4?.tables.find((t) => t.name === 'nat')
    const rules = nat?.chains.find((c) => c.name === 'POSTROUTING')?.rules ?? []
    expect(rules.map((r) => `-A POSTROUTING${formatRuleSpec(r)}`)).toContain(SNAT_RULE)
  })
})

describe('seed 001 with kube-router IPVS: traces', () => {
  it('busybox1 → demo 10.233.5.92:80: IPVS on node2 (LOCAL_IN), not SNATed (the node pod CIDR), routed to node3', () => {
    const b = trace('pod/busybox1', 'svc/default/demo')
    const n2 = b.hops.find((h) => h.netns === NODE2)
    expect(events(n2)).toEqual(
      expect.arrayContaining([
        'route: 10.233.5.92 is local: deliver via INPUT',
        'IPVS: TCP 10.233.5.92:80 rr → 10.233.68.8:80 (masq), new connection',
        'nat(INPUT): IPVS DNAT 10.233.5.92:80 -> 10.233.68.8:80',
      ]),
    )
    expect(natRules(n2)).not.toContain(SNAT_RULE)
    expect(b.outcome).toMatchObject({
      kind: 'delivered',
      netns: DEMO,
      port: 80,
      ttlAtArrival: 62,
      serverSaw: { src: '10.233.66.10' },
    })
    // node2's IPVS gives the reply its virtual address back (FORWARD hook).
    const back = b.reply?.hops.find((h) => h.netns === NODE2)
    expect(events(back)).toContain('nat(FORWARD): IPVS un-DNAT 10.233.68.8:80 -> 10.233.5.92:80')
    expect(b.reply?.outcome).toMatchObject({
      kind: 'delivered',
      serverSaw: { src: '10.233.5.92', sport: 80 },
    })
  })

  it('outside → NodePort 192.168.50.51:30080: IPVS, then the seed’s SNAT rule to 192.168.50.51', () => {
    const b = trace('external/web', 'node/node2', 30080)
    const n2 = b.hops.find((h) => h.netns === NODE2)
    expect(events(n2)).toContain('nat(INPUT): IPVS DNAT 192.168.50.51:30080 -> 10.233.68.8:80')
    expect(natRules(n2)).toContain(SNAT_RULE)
    expect(snatsTo(n2, '203.0.113.10', '192.168.50.51')).toBe(true)
    expectRoundTrip(
      b,
      { netns: DEMO, serverSaw: { src: '192.168.50.51' } },
      { netns: 'ext-web', serverSaw: { src: '192.168.50.51', sport: 30080 } },
    )
  })
})
