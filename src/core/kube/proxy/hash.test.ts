import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base32, endpointChainName, hashAndTruncate, portProtoHash } from './hash.js'
import { sha256 } from './sha256.js'

describe('sha256', () => {
  it('matches node:crypto on arbitrary strings (including multi-block and non-ASCII)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'grapheme' }), (s) => {
        const want = createHash('sha256').update(s, 'utf8').digest('hex')
        expect(Buffer.from(sha256(s)).toString('hex')).toBe(want)
      }),
      { numRuns: 300 },
    )
  })

  it('pads correctly at the 55/56/64-byte block boundaries', () => {
    for (const n of [0, 55, 56, 63, 64, 65, 119, 120]) {
      const s = 'a'.repeat(n)
      expect(Buffer.from(sha256(s)).toString('hex')).toBe(
        createHash('sha256').update(s).digest('hex'),
      )
    }
  })
})

describe('base32', () => {
  it('follows RFC 4648 test vectors (padded, upper case)', () => {
    const enc = (s: string) => base32(new TextEncoder().encode(s))
    expect(enc('')).toBe('')
    expect(enc('f')).toBe('MY======')
    expect(enc('fo')).toBe('MZXQ====')
    expect(enc('foo')).toBe('MZXW6===')
    expect(enc('foob')).toBe('MZXW6YQ=')
    expect(enc('fooba')).toBe('MZXW6YTB')
    expect(enc('foobar')).toBe('MZXW6YTBOI======')
  })
})

describe('iptables chain hashes (kube-proxy-spec.md §1.2 worked examples)', () => {
  it.each([
    ['ns1/svc1:p80', 'tcp', 'XPGD46QRK7WJZT7O'],
    ['default/kubernetes:https', 'tcp', 'NPX46M4PTMTKRN6Y'],
    ['ns2/svc2:p8080', 'tcp', '2VJB64SDSIJUP5T6'],
    ['ns1/svc1', 'tcp', 'AQI2S6QIMU7PVVRP'],
  ])('%s %s → KUBE-SVC-%s', (spn, proto, hash) => {
    expect(portProtoHash(spn, proto)).toBe(hash)
  })

  it.each([
    ['ns1/svc1:p80', 'tcp', '10.180.0.1:80', 'KUBE-SEP-SXIVWICOYRO3J4NJ'],
    ['ns4/svc4:p8082', 'tcp', '10.4.0.1:8082', 'KUBE-SEP-SU5STNODRYEWJAUF'],
  ])('%s %s %s → %s', (spn, proto, ep, chain) => {
    expect(endpointChainName(spn, proto, ep)).toBe(chain)
  })
})

describe('nftables hashAndTruncate (kube-proxy-spec.md §1.3)', () => {
  it.each([
    ['ns1/svc1/tcp/p80', 'ULMVA6XW-ns1/svc1/tcp/p80'],
    ['ns1/svc1/tcp/p80__10.180.0.1/80', '5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80'],
    ['ns5/svc5/tcp/p80__10.180.0.3/80', 'GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80'],
  ])('%s → %s', (name, want) => {
    expect(hashAndTruncate(name)).toBe(want)
  })

  it('hashes the IPv6 example of the unit tests', () => {
    const name = 'testing/service/tcp/http__fd80.abcd.12..a1b2.c3d4.e5f6.9999/80'
    expect(hashAndTruncate(name)).toBe(`U7E2ET36-${name}`)
  })

  it('cuts names longer than 240 characters to 237 plus "..."', () => {
    const name = `ns/${'x'.repeat(300)}`
    const out = hashAndTruncate(name)
    expect(out).toHaveLength(240)
    expect(out.endsWith('...')).toBe(true)
    expect(out.slice(0, 9)).toBe(`${base32(sha256(name)).slice(0, 8)}-`)
    expect(hashAndTruncate('y'.repeat(231))).toHaveLength(240)
    expect(hashAndTruncate('y'.repeat(231)).endsWith('y')).toBe(true)
  })
})
