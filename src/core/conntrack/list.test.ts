import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isKpathError, type KpathError } from '../errors.js'
import { parseIPv6 } from '../net/ip.js'
import { listAddr, ntop6 } from './list-format.js'
import { parseConntrackList } from './list-parse.js'
import { printConntrackEntry, printConntrackList, printConntrackSummary } from './list-print.js'
import type { ConntrackEntry } from './model.js'

function fixture(name: string): string {
  return readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')
}

function labListings(): { name: string; text: string }[] {
  const dir = new URL('./testdata/lab/', import.meta.url)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const data = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as {
        steps: { note: string; listing?: string }[]
      }
      return data.steps
        .filter((s) => s.listing)
        .map((s) => ({ name: `${f}: ${s.note}`, text: s.listing ?? '' }))
    })
}

function parseFailure(text: string): KpathError {
  try {
    parseConntrackList(text, { file: 'ct.txt' })
  } catch (e) {
    if (isKpathError(e)) return e
    throw e
  }
  throw new Error(`parsed: ${text}`)
}

describe('round trip on listings from conntrack 1.4.7', () => {
  it.each([
    ['catalogue.txt', false],
    ['catalogue-extended.txt', true],
    ['catalogue-id.txt', true],
    ['catalogue-acct.txt', false],
    ['catalogue-ktimestamp.txt', false],
    ['catalogue-sctp.txt', false],
    ['catalogue-sctp-extended.txt', true],
  ])('%s prints back byte for byte', (name, extended) => {
    const text = fixture(name)
    const entries = parseConntrackList(text)
    expect(entries.length).toBeGreaterThan(5)
    expect(printConntrackList(entries, { extended })).toBe(text)
  })

  it('prints back every listing captured during the lab traffic', () => {
    const listings = labListings()
    expect(listings.length).toBeGreaterThan(40)
    for (const { name, text } of listings)
      expect(printConntrackList(parseConntrackList(text)), name).toBe(text)
  })

  it('knows the same entries with or without -o extended', () => {
    const plain = parseConntrackList(fixture('catalogue.txt'))
    expect(parseConntrackList(fixture('catalogue-extended.txt'))).toEqual(plain)
    expect(printConntrackList(plain, { extended: true })).toBe(fixture('catalogue-extended.txt'))
  })

  it('prints the summary line the tool writes to stderr', () => {
    const n = parseConntrackList(fixture('catalogue.txt')).length
    expect(printConntrackSummary(n)).toBe(fixture('catalogue.stderr.txt'))
  })

  it('accepts a capture with the summary line (2>&1) and checks its count', () => {
    const text = fixture('catalogue.txt') + fixture('catalogue.stderr.txt')
    expect(parseConntrackList(text)).toHaveLength(29)
    const e = parseFailure(
      fixture('catalogue.txt').split('\n').slice(1).join('\n') + fixture('catalogue.stderr.txt'),
    )
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.message).toContain('29')
    expect(e.location?.line).toBe(29)
  })
})

describe('what a listing says', () => {
  const entries = parseConntrackList(fixture('catalogue.txt'))
  const find = (pred: (e: ConntrackEntry) => boolean) => {
    const e = entries.find(pred)
    if (!e) throw new Error('missing entry')
    return e
  }

  it('reads a DNAT+SNAT connection and derives the NAT bits from its tuples', () => {
    const e = find((x) => x.orig.src === '10.244.1.5')
    expect(e).toMatchObject({
      l3: 'ipv4',
      proto: 6,
      tcpState: 'ESTABLISHED',
      orig: { src: '10.244.1.5', dst: '10.96.0.10', sport: 40000, dport: 53 },
      reply: { src: '10.244.2.7', dst: '192.168.49.2', sport: 5353, dport: 61000 },
      status: { seenReply: true, assured: true, confirmed: true, srcNat: true, dstNat: true },
      mark: 16384,
      use: 1,
    })
    const plain = find((x) => x.orig.sport === 1234)
    expect(plain.status).toMatchObject({
      srcNat: false,
      dstNat: false,
      seenReply: true,
      assured: true,
    })
  })

  it('reads unreplied, zones, marks, ICMP, GRE keys, generic protocols and IPv6', () => {
    expect(find((x) => x.orig.sport === 5000 && x.proto === 17).status.seenReply).toBe(false)
    expect(find((x) => x.orig.sport === 5001).mark).toBe(4294967295)
    expect(find((x) => x.orig.sport === 5002).origZone).toBe(3)
    expect(find((x) => x.orig.sport === 5003).replyZone).toBe(4)
    expect(find((x) => x.orig.sport === 5004).zone).toBe(7)
    expect(find((x) => x.orig.icmpId === 77).reply).toEqual({
      src: '10.0.0.2',
      dst: '10.0.0.1',
      icmpType: 0,
      icmpCode: 0,
      icmpId: 77,
    })
    expect(find((x) => x.proto === 47 && x.orig.srcKey === 5).reply).toMatchObject({
      srcKey: 0x1234,
      dstKey: 5,
    })
    expect(find((x) => x.proto === 50).orig).toEqual({ src: '10.0.0.1', dst: '10.0.0.3' })
    expect(find((x) => x.proto === 132 && x.orig.sport === 3).sctpState).toBe('COOKIE_WAIT')
    const v6 = find((x) => x.proto === 58)
    expect(v6.l3).toBe('ipv6')
    expect(v6.reply.icmpType).toBe(129)
    // Addresses are kept in kpath's canonical form and printed back the way glibc does.
    const mapped = find((x) => x.orig.sport === 7 && x.proto === 6)
    expect(mapped.orig.dst).toBe('::1.2.3.4')
    expect(printConntrackEntry(mapped)).toContain('dst=::1.2.3.4 ')
  })

  it('reads accounting and verbatim items into their slots', () => {
    const acct = parseConntrackList(fixture('catalogue-ktimestamp.txt'))[0]
    expect(acct?.counters).toEqual({
      orig: { packets: 0n, bytes: 0n },
      reply: { packets: 0n, bytes: 0n },
    })
    expect(acct?.extra?.[0]).toBe('delta-time=0')
    expect(acct?.extra?.[1]).toMatch(/^\[start=\w{3} \w{3} [ 0-9]\d \d\d:\d\d:\d\d \d{4}\]$/)
    const id = parseConntrackList(fixture('catalogue-id.txt'))[0]
    expect(id?.extra?.[0]).toMatch(/^id=\d+$/)
  })

  it('prints offload flags in place of [ASSURED], hardware first', () => {
    const base = find((x) => x.orig.sport === 1234)
    const off = { ...base, status: { ...base.status, offload: true } }
    expect(printConntrackEntry(off)).toContain(' [OFFLOAD] mark=5 ')
    expect(printConntrackEntry({ ...off, status: { ...off.status, hwOffload: true } })).toContain(
      ' [HW_OFFLOAD] mark=5',
    )
    const back = parseConntrackList(`${printConntrackEntry(off)}\n`)[0]
    expect(back?.status).toMatchObject({ offload: true, assured: true })
  })

  it('refuses to print an extra item conntrack never prints', () => {
    const base = find((x) => x.orig.sport === 1234)
    expect(() => printConntrackEntry({ ...base, extra: ['bogus=1'] })).toThrow(/never prints/)
  })
})

describe('parse errors carry line, column, the line and a code', () => {
  const good =
    'tcp      6 99 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [ASSURED] mark=0 use=1'
  const cases: [string, string, number, RegExp][] = [
    ['an unknown state', good.replace('ESTABLISHED', 'OPEN'), 15, /unexpected "OPEN"/],
    ['a bad address', good.replace('src=10.0.0.1', 'src=10.0.0.300'), 27, /not an IP address/],
    ['a port out of range', good.replace('sport=1 ', 'sport=70000 '), 53, /sport/],
    ['a name that does not match the number', good.replace('tcp  ', 'udp  '), 1, /listed as "tcp"/],
    ['fields out of order', good.replace('mark=0 use=1', 'use=1 mark=0'), 121, /expected mark=/],
    ['an unknown trailing item', `${good} foo=bar`, 134, /unexpected "foo=bar"/],
    ['a truncated line', good.slice(0, 60), 61, /expected dport=, found the end/],
    [
      'mixed address families',
      good.replace('dst=10.0.0.2 ', 'dst=::1 '),
      40,
      /IPv6 address in an IPv4 entry/,
    ],
    ['a state on UDP', good.replace('tcp      6 99', 'udp      17 99'), 16, /for protocol udp/],
    ['an event prefix from conntrack -E', `    [NEW] ${good}`, 5, /conntrack -E/],
  ]
  it.each(cases)('%s', (_, line, column, message) => {
    const e = parseFailure(`${good}\n${line}\n`)
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.message).toMatch(message)
    expect(e.location).toEqual({ file: 'ct.txt', line: 2, column, text: line })
  })

  it('requires counters for both directions or neither', () => {
    const line = good.replace('dport=2 src', 'dport=2 packets=1 bytes=2 src')
    expect(parseFailure(line).message).toMatch(/both directions/)
  })
})

describe('ntop6', () => {
  it('writes IPv6 addresses exactly as glibc inet_ntop does', () => {
    const rows = fixture('ntop6.txt').split('\n').filter(Boolean)
    expect(rows.length).toBeGreaterThan(20)
    for (const row of rows) {
      const [hex, text] = row.split(' ')
      expect(ntop6(BigInt(`0x${hex}`)), hex).toBe(text)
      expect(listAddr(text ?? ''), text).toBe(text)
      expect(parseIPv6(text ?? '')).toBe(BigInt(`0x${hex}`))
    }
  })
})
