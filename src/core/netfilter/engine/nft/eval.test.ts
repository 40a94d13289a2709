/**
 * Evaluation of nft statements: matches and their implicit dependencies, sets, maps and vmaps,
 * marks, ct, fib, numgen branches, verdicts and chain walking, dynamic sets with timeouts,
 * reject, log, notrack, and loud failure on what is not modelled.
 */
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../../errors.js'
import { tracePacket } from '../index.js'
import { numgenProbability } from './read.js'
import { chainAt, env, NODE, nftLines, nftRuntime, one, tcp, udp } from './testkit.js'

/** The verdict of a packet through one filter chain at forward (a routed packet). */
function verdictOf(rules: string, p = tcp('10.0.0.5', '8.8.8.8', 80)): string {
  const rt = nftRuntime(chainAt('forward', rules))
  const o = one(rt, p)
  return o.result.verdict
}

describe('payload, meta and ct matches', () => {
  it('matches addresses, prefixes, ranges and their negation', () => {
    expect(verdictOf('ip saddr 10.0.0.5 drop')).toBe('DROP')
    expect(verdictOf('ip saddr 10.0.0.0/8 drop')).toBe('DROP')
    expect(verdictOf('ip saddr != 10.0.0.0/8 drop')).toBe('ACCEPT')
    expect(verdictOf('ip daddr 8.8.8.0-8.8.8.9 drop')).toBe('DROP')
    expect(verdictOf('ip daddr 8.8.8.9-8.8.8.20 drop')).toBe('ACCEPT')
    expect(verdictOf('ip saddr { 1.1.1.1, 10.0.0.0/24 } drop')).toBe('DROP')
    expect(verdictOf('ip saddr != { 1.1.1.1, 10.0.0.0/24 } drop')).toBe('ACCEPT')
  })

  it('applies the implicit protocol dependency of tcp/udp/sctp fields', () => {
    expect(verdictOf('tcp dport 80 drop')).toBe('DROP')
    expect(verdictOf('udp dport 80 drop')).toBe('ACCEPT')
    // A header the packet does not have breaks the rule even for `!=`.
    expect(verdictOf('udp dport != 53 drop')).toBe('ACCEPT')
    expect(verdictOf('th dport 80 drop', udp('10.0.0.5', '8.8.8.8', 80))).toBe('DROP')
    expect(verdictOf('sctp dport 80 drop', { ...tcp('10.0.0.5', '8.8.8.8', 80), proto: 132 })).toBe(
      'DROP',
    )
    expect(verdictOf('meta l4proto udp drop', udp('10.0.0.5', '8.8.8.8', 53))).toBe('DROP')
    expect(verdictOf('ip protocol tcp drop')).toBe('DROP')
    expect(verdictOf('meta l4proto { tcp, udp } th dport 80 drop')).toBe('DROP')
    expect(verdictOf('tcp dport 1000-2000 drop', tcp('10.0.0.5', '8.8.8.8', 1500))).toBe('DROP')
    expect(verdictOf('tcp dport < 1024 drop')).toBe('DROP')
    expect(verdictOf('tcp dport >= 1024 drop')).toBe('ACCEPT')
  })

  it('keeps ip and ip6 matches to their family in an inet table', () => {
    const t = `table inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tip6 saddr ::/0 drop\n\t\tip saddr 0.0.0.0/0 reject\n\t}\n}\n`
    const rt = nftRuntime(t)
    expect(one(rt, tcp('10.0.0.5', '8.8.8.8', 80)).result.verdict).toBe('REJECT')
    expect(one(rt, tcp('fd00::5', '2001:4860::8888', 80)).result.verdict).toBe('DROP')
  })

  it('tests tcp flags with the nft 1.0.6 mask syntax', () => {
    expect(verdictOf('tcp flags syn / fin,syn,rst,ack drop')).toBe('DROP')
    expect(
      verdictOf(
        'tcp flags syn / fin,syn,rst,ack drop',
        tcp('10.0.0.5', '8.8.8.8', 80, { tcpFlags: ['SYN', 'ACK'] }),
      ),
    ).toBe('ACCEPT')
    expect(verdictOf('tcp flags syn,rst drop')).toBe('DROP')
    expect(
      verdictOf(
        'tcp flags == syn drop',
        tcp('10.0.0.5', '8.8.8.8', 80, { tcpFlags: ['SYN', 'ECE'] }),
      ),
    ).toBe('ACCEPT')
  })

  it('matches interfaces, with nft\'s "eth*" wildcard', () => {
    expect(verdictOf('iifname "cni*" drop')).toBe('DROP')
    expect(verdictOf('iifname "cni" drop')).toBe('ACCEPT')
    expect(verdictOf('oifname "eth0" drop')).toBe('DROP')
    expect(verdictOf('iifname { "lo", "cni0" } drop')).toBe('DROP')
  })

  it('masks, sets and matches marks', () => {
    const rules = [
      '\t\tmeta mark set meta mark | 0x00004000',
      '\t\tmeta mark & 0x00004000 == 0x00000000 drop',
      '\t\tmeta mark set meta mark ^ 0x00004000',
      '\t\tmeta mark 0x00000000 reject',
    ].join('\n')
    expect(verdictOf(rules)).toBe('REJECT')
    const map =
      '\t\tmeta mark set ip saddr map { 10.0.0.5 : 0x00000007 }\n\t\tmeta mark 0x00000007 drop'
    expect(verdictOf(map)).toBe('DROP')
    expect(verdictOf('\t\tmeta mark set 0x00000010\n\t\tmeta mark != 0x00000010 drop')).toBe(
      'ACCEPT',
    )
  })

  it('reads ct state: new, established, invalid before conntrack, untracked after notrack', () => {
    const rt = nftRuntime(
      chainAt(
        'forward',
        '\t\tct state established accept\n\t\tct state new counter packets 0 bytes 0',
      ),
    )
    const first = one(rt, tcp('10.0.0.5', '8.8.8.8', 80))
    expect(nftLines(first)).toEqual([
      'ip t c rule ct state new counter packets 0 bytes 0 (verdict continue)',
      'ip t c policy accept',
    ])
    const reply = one(
      first.runtime,
      tcp('8.8.8.8', '10.0.0.5', 40000, { sport: 80, tcpFlags: ['SYN', 'ACK'], inIface: 'eth0' }),
    )
    expect(nftLines(reply)[0]).toBe('ip t c rule ct state established accept (verdict accept)')
    const raw = nftRuntime(chainAt('prerouting', '\t\tct state invalid drop', 'raw'))
    expect(one(raw, tcp('10.0.0.5', '8.8.8.8', 80)).result.verdict).toBe('DROP')
    const nt = `table ip t {\n\tchain r {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tnotrack\n\t}\n\tchain f {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tct state untracked drop\n\t}\n}\n`
    const u = one(nftRuntime(nt), tcp('10.0.0.5', '8.8.8.8', 80))
    expect(u.result.verdict).toBe('DROP')
    expect(u.result.conntrack).toBeUndefined()
  })

  it('asks the node about fib address types', () => {
    const pre = nftRuntime(chainAt('prerouting', '\t\tfib daddr type local drop', 'dstnat - 10'))
    expect(one(pre, tcp('10.0.0.5', NODE, 80)).result.verdict).toBe('DROP')
    expect(one(pre, tcp('10.0.0.5', '8.8.8.8', 80)).result.verdict).toBe('ACCEPT')
    expect(verdictOf('fib saddr type != local drop')).toBe('DROP')
    const out = nftRuntime(chainAt('output', '\t\tfib saddr type local drop'))
    expect(
      one(out, tcp(NODE, '8.8.8.8', 80, { inIface: undefined }), 'output').result.verdict,
    ).toBe('DROP')
  })
})

describe('sets, maps and verdict maps', () => {
  const table = (rules: string) => `table ip t {
\tset pairs {
\t\ttype ipv4_addr . inet_proto . inet_service
\t\tflags interval
\t\telements = { 10.0.0.0/24 . tcp . 80-90,
\t\t\t     1.1.1.1 . udp . 53 }
\t}

\tmap svc {
\t\ttype ipv4_addr . inet_proto . inet_service : verdict
\t\telements = { 8.8.8.8 . tcp . 80 : goto web,
\t\t\t     8.8.8.8 . udp . 53 : drop }
\t}

\tchain web {
\t\tip saddr 10.0.0.5 reject
\t}

\tchain c {
\t\ttype filter hook forward priority 0; policy accept;
${rules}
\t}
}
`
  it('looks up concatenations in interval sets', () => {
    const rt = nftRuntime(table('\t\tip saddr . meta l4proto . th dport @pairs drop'))
    expect(one(rt, tcp('10.0.0.5', '8.8.8.8', 85)).result.verdict).toBe('DROP')
    expect(one(rt, tcp('10.0.0.5', '8.8.8.8', 91)).result.verdict).toBe('ACCEPT')
    expect(one(rt, udp('1.1.1.1', '8.8.8.8', 53)).result.verdict).toBe('DROP')
  })

  it('follows verdict maps; a miss does not match the rule', () => {
    const rt = nftRuntime(
      table('\t\tip daddr . meta l4proto . th dport vmap @svc\n\t\tip daddr 8.8.8.8 drop'),
    )
    const o = one(rt, tcp('10.0.0.5', '8.8.8.8', 80))
    expect(nftLines(o)).toEqual([
      'ip t c rule ip daddr . meta l4proto . th dport vmap @svc (verdict goto web)',
      'ip t web rule ip saddr 10.0.0.5 reject (verdict drop)',
    ])
    expect(one(rt, udp('10.0.0.5', '8.8.8.8', 53)).result.verdict).toBe('DROP')
    expect(nftLines(one(rt, tcp('10.0.0.5', '8.8.8.8', 443)))).toEqual([
      'ip t c rule ip daddr 8.8.8.8 drop (verdict drop)',
    ])
  })
})

describe('chains and verdicts', () => {
  const t = `table ip t {
\tchain a {
\t\ttcp dport 80 return
\t\tcounter
\t}

\tchain b {
\t\tip saddr 10.0.0.5 goto a
\t}

\tchain c {
\t\ttype filter hook forward priority 0; policy drop;
\t\tjump a
\t\tjump b
\t\tip daddr 8.8.8.8 continue
\t\ttcp dport 81 accept
\t}
}
`
  it('jumps, returns, goes to, continues and ends at the policy as nft monitor trace shows', () => {
    const rt = nftRuntime(t)
    const o = one(rt, tcp('10.0.0.5', '8.8.8.8', 80))
    expect(nftLines(o)).toEqual([
      'ip t c rule jump a (verdict jump a)',
      'ip t a rule tcp dport 80 return (verdict return)',
      'ip t c rule jump b (verdict jump b)',
      'ip t b rule ip saddr 10.0.0.5 goto a (verdict goto a)',
      'ip t a rule tcp dport 80 return (verdict return)',
      'ip t c rule ip daddr 8.8.8.8 continue (verdict continue)',
      'ip t c policy drop',
    ])
    expect(o.result.verdict).toBe('DROP')
    expect(o.result.droppedAt).toEqual({ hook: 'FORWARD', table: 'ip t c' })
    const p81 = one(rt, tcp('10.0.0.5', '8.8.8.8', 81))
    expect(nftLines(p81).at(-1)).toBe('ip t c rule tcp dport 81 accept (verdict accept)')
    expect(p81.runtime.counters.get('nft:ip t a:2')?.packets).toBe(2n)
  })

  it('prints trace ids and handles like nft monitor trace', () => {
    const listing = chainAt('forward', '\t\ttcp dport 80 accept comment "web" # handle 7')
    const o = one(nftRuntime(listing), tcp('10.0.0.5', '8.8.8.8', 80))
    const line = o.result.events.find((e) => e.kind === 'nft')
    expect(line?.kind === 'nft' && line.text).toMatch(
      /^trace id [0-9a-f]{8} ip t c rule tcp dport 80 accept comment "web" # handle 7 \(verdict accept\)$/,
    )
    expect(line).toMatchObject({
      kind: 'nft',
      hook: 'FORWARD',
      chain: 'ip t c',
      handle: 7,
      index: 1,
      verdict: 'accept',
    })
  })

  it('refuses chains nested deeper than the kernel allows', () => {
    const chains = Array.from(
      { length: 18 },
      (_, i) => `\tchain c${i} {\n\t\tjump c${i + 1}\n\t}\n`,
    ).join('\n')
    const listing = `table ip t {\n${chains}\n\tchain c18 {\n\t}\n\n\tchain base {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tjump c0\n\t}\n}\n`
    expect(() => one(nftRuntime(listing), tcp('10.0.0.5', '8.8.8.8', 80))).toThrowError(
      /deeper than 16/,
    )
  })

  it('refuses jumps to chains that do not exist when compiling', () => {
    expect(() => nftRuntime(chainAt('forward', '\t\tjump nowhere'))).toThrowError(
      /chain nowhere does not exist/,
    )
  })
})

describe('numgen', () => {
  it('branches `numgen random mod N vmap` N ways with the kernel probabilities', () => {
    const t = `table ip t {
\tchain a {
\t\tmeta mark set 0x00000001
\t}

\tchain b {
\t\tmeta mark set 0x00000002
\t}

\tchain d {
\t\tmeta mark set 0x00000003
\t}

\tchain c {
\t\ttype filter hook forward priority 0; policy accept;
\t\tnumgen random mod 3 vmap { 0 : goto a, 1 : goto b, 2 : goto d }
\t}
}
`
    const out = tracePacket(nftRuntime(t), env, tcp('10.0.0.5', '8.8.8.8', 80), 'prerouting')
    expect(out.map((o) => o.result.packetOut.mark).sort()).toEqual([1, 2, 3])
    expect(out.reduce((a, o) => a + o.probability, 0)).toBeCloseTo(1, 12)
    for (const o of out) expect(o.probability).toBeCloseTo(1 / 3, 9)
    // reciprocal_scale gives value 0 one more of the 2^32 random numbers than value 1.
    expect(numgenProbability(3, 0) - numgenProbability(3, 1)).toBeCloseTo(2 ** -32, 15)
    expect(out[0]?.decisions[0]?.label).toBe('ip t c rule 1 numgen random mod 3 = 0')
  })

  it('counts `numgen inc` per rule, packet after packet', () => {
    const rt = nftRuntime(chainAt('forward', '\t\tmeta mark set numgen inc mod 3 offset 5'))
    let state = rt
    const marks: number[] = []
    for (let i = 0; i < 4; i++) {
      const o = one(state, tcp('10.0.0.5', '8.8.8.8', 80 + i))
      marks.push(o.result.packetOut.mark)
      state = o.runtime
    }
    expect(marks).toEqual([5, 6, 7, 5])
  })
})

describe('dynamic sets (kube-proxy session affinity)', () => {
  const t = `table ip t {
\tset aff {
\t\ttype ipv4_addr
\t\tsize 65535
\t\tflags dynamic,timeout
\t\ttimeout 3h
\t}

\tchain c {
\t\ttype filter hook forward priority 0; policy accept;
\t\tip saddr @aff meta mark set 0x00000001 accept
\t\tupdate @aff { ip saddr }
\t}
}
`
  it('adds the source, finds it until the timeout, and forgets it after', () => {
    const rt = nftRuntime(t)
    const first = one(rt, tcp('10.0.0.5', '8.8.8.8', 80))
    expect(first.result.packetOut.mark).toBe(0)
    const later = first.runtime
    later.now = 3 * 3600 - 1
    expect(one(later, tcp('10.0.0.5', '8.8.8.8', 81)).result.packetOut.mark).toBe(1)
    expect(one(later, tcp('10.0.0.6', '8.8.8.8', 81)).result.packetOut.mark).toBe(0)
    later.now = 3 * 3600
    expect(one(later, tcp('10.0.0.5', '8.8.8.8', 82)).result.packetOut.mark).toBe(0)
  })

  it('honours listed elements and their expiry; add does not refresh, update does', () => {
    const listed = t.replace(
      '\t\ttimeout 3h\n',
      '\t\ttimeout 3h\n\t\telements = { 10.0.0.5 timeout 3h expires 10s }\n',
    )
    const rt = nftRuntime(listed.replace('update @aff', 'add @aff'), undefined, 100)
    rt.now = 105
    const o = one(rt, tcp('10.0.0.5', '8.8.8.8', 80))
    expect(o.result.packetOut.mark).toBe(1)
    o.runtime.now = 110
    expect(one(o.runtime, tcp('10.0.0.5', '8.8.8.8', 80)).result.packetOut.mark).toBe(0)
  })
})

describe('NAT statements', () => {
  const nat = (pre: string, post = '') => `table ip n {
\tmap ports {
\t\ttype ipv4_addr : ipv4_addr . inet_service
\t\telements = { 8.8.4.4 : 10.0.0.8 . 8443 }
\t}

\tchain pre {
\t\ttype nat hook prerouting priority dstnat; policy accept;
${pre}
\t}

\tchain post {
\t\ttype nat hook postrouting priority srcnat; policy accept;
${post}
\t}

\tchain fwd {
\t\ttype filter hook forward priority filter; policy accept;
\t\tct status dnat meta mark set 0x00000001
\t}
}
`
  it('dnats to an address, an address and port, or what a map gives', () => {
    const rt = nftRuntime(
      nat(
        '\t\tip daddr 8.8.8.8 dnat to ip daddr map { 8.8.8.8 : 10.0.0.9 }\n\t\tmeta l4proto tcp dnat ip to ip daddr map @ports',
      ),
    )
    const a = one(rt, tcp('10.244.1.5', '8.8.8.8', 80))
    expect(a.result.dnat).toBe('10.0.0.9:80')
    // ct status sees the DNAT bound by the nat chain earlier at the hook.
    expect(a.result.packetOut.mark).toBe(1)
    const b = one(rt, tcp('10.244.1.5', '8.8.4.4', 443))
    expect(b.result.dnat).toBe('10.0.0.8:8443')
    // A map without the key does not match: the packet keeps a null binding.
    const c = one(rt, tcp('10.244.1.5', '1.1.1.1', 443))
    expect(c.result.dnat).toBeUndefined()
    expect(c.result.packetOut.mark).toBe(0)
  })

  it('redirects to the incoming interface and snats to a port range', () => {
    const rt = nftRuntime(
      nat(
        '\t\ttcp dport 8080 redirect to :3128',
        '\t\tmeta l4proto tcp snat to 192.168.0.2:1000-2000',
      ),
    )
    expect(one(rt, tcp('10.244.1.5', '8.8.8.8', 8080)).result).toMatchObject({
      dnat: '10.244.1.1:3128',
      disposition: 'local',
    })
    const s = one(rt, tcp('10.244.1.5', '8.8.8.8', 80))
    expect(s.result.snat).toMatch(/^192\.168\.0\.2:(1\d\d\d|2000)$/)
    expect(s.result.masquerade).toBe(false)
  })
})

describe('ct state related and nftrace', () => {
  it('sees an ICMP error about a tracked connection as related', () => {
    const rt = nftRuntime(
      chainAt(
        'forward',
        '\t\tmeta nftrace set 1\n\t\tct state related accept\n\t\tct state new accept\n\t\tdrop',
      ),
    )
    const syn = tcp('10.0.0.5', '8.8.8.8', 80)
    const first = one(rt, syn)
    expect(nftLines(first)[1]).toBe('ip t c rule ct state new accept (verdict accept)')
    const err = {
      family: 4 as const,
      src: '9.9.9.9',
      dst: '10.0.0.5',
      proto: 1,
      icmpType: 3,
      icmpCode: 1,
      inner: syn,
      ttl: 64,
      length: 88,
      mark: 0,
      inIface: 'eth0',
    }
    const rel = one(first.runtime, err)
    expect(nftLines(rel)[1]).toBe('ip t c rule ct state related accept (verdict accept)')
  })
})

describe('reject, log and what is not modelled', () => {
  it('answers reject with the family default, icmpx, or a TCP reset', () => {
    const icmp = one(nftRuntime(chainAt('forward', '\t\treject')), tcp('10.0.0.5', '8.8.8.8', 80))
    expect(icmp.result).toMatchObject({ verdict: 'REJECT', rejectWith: 'icmp port-unreachable' })
    expect(icmp.result.response).toMatchObject({
      proto: 1,
      icmpType: 3,
      icmpCode: 3,
      dst: '10.0.0.5',
    })
    const admin = one(
      nftRuntime(chainAt('forward', '\t\treject with icmp admin-prohibited')),
      tcp('10.0.0.5', '8.8.8.8', 80),
    )
    expect(admin.result.response).toMatchObject({ icmpType: 3, icmpCode: 13 })
    const rst = one(
      nftRuntime(chainAt('forward', '\t\treject with tcp reset')),
      tcp('10.0.0.5', '8.8.8.8', 80),
    )
    expect(rst.result.response).toMatchObject({
      proto: 6,
      tcpFlags: ['RST', 'ACK'],
      src: '8.8.8.8',
      sport: 80,
    })
    // tcp reset has an implicit `meta l4proto tcp`: a UDP packet passes.
    expect(
      one(
        nftRuntime(chainAt('forward', '\t\treject with tcp reset')),
        udp('10.0.0.5', '8.8.8.8', 53),
      ).result.verdict,
    ).toBe('ACCEPT')
  })

  it('logs with the prefix, like the LOG target', () => {
    const o = one(
      nftRuntime(chainAt('forward', '\t\tlog prefix "nft: "')),
      tcp('10.0.0.5', '8.8.8.8', 80),
    )
    const log = o.result.events.find((e) => e.kind === 'log')
    expect(log?.kind === 'log' && log.text).toMatch(
      /^LOG: nft: IN=cni0 OUT=eth0 SRC=10\.0\.0\.5 DST=8\.8\.8\.8 /,
    )
  })

  it('fails loudly, naming the rule, when a packet reaches an unmodelled statement', () => {
    const rt = nftRuntime(chainAt('forward', '\t\ttcp dport 22 limit rate 10/second accept'))
    expect(one(rt, tcp('10.0.0.5', '8.8.8.8', 80)).result.verdict).toBe('ACCEPT')
    try {
      one(rt, tcp('10.0.0.5', '8.8.8.8', 22))
      expect.unreachable()
    } catch (e) {
      expect(isKpathError(e) && e.code).toBe('KPATH_UNSUPPORTED')
      expect((e as Error).message).toBe(
        'the statement "limit rate 10/second accept" in rule 1 of chain ip t c ("tcp dport 22 limit rate 10/second accept") is not modelled',
      )
      expect(isKpathError(e) && e.location).toMatchObject({ file: 'test.nft', line: 4, column: 3 })
    }
  })

  it('fails loudly on selectors it cannot read', () => {
    const rt = nftRuntime(chainAt('forward', '\t\tmeta pkttype host drop'))
    expect(() => one(rt, tcp('10.0.0.5', '8.8.8.8', 80))).toThrowError(
      /"meta pkttype".*is not modelled/,
    )
  })
})
