import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base32, endpointChainName, hashAndTruncate, portProtoHash } from './hash.js'
import { sha256 } from './sha256.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const nodeSha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')

/** Any UTF-16 code unit, so lone and paired surrogates both occur. */
const codeUnits = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    maxLength,
  })

describe('sha256', () => {
  // FIPS 180-2 appendix B and the NIST example values (SHA256.pdf), written out here.
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
    ['a'.repeat(1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ])('known vector %#', (text, want) => {
    expect(hex(sha256(text))).toBe(want)
  })

  it('matches node:crypto on arbitrary strings (including multi-block and non-ASCII)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'grapheme' }), (s) => {
        expect(hex(sha256(s))).toBe(nodeSha256(s))
      }),
      { numRuns: 300 },
    )
  })

  it('encodes lone surrogates as U+FFFD, as node:crypto and TextEncoder do', () => {
    for (const s of ['\ud800', 'a\udc00b', '\udbff\udbff\udfff', '\ud83d\ude00\ud83d'])
      expect(hex(sha256(s))).toBe(
        hex(new Uint8Array(createHash('sha256').update(new TextEncoder().encode(s)).digest())),
      )
    fc.assert(
      fc.property(codeUnits(80), (s) => {
        expect(hex(sha256(s))).toBe(nodeSha256(s))
      }),
      { numRuns: 500 },
    )
  })

  it('reuses its buffers without leaking state from one input into the next', () => {
    // Long inputs (over 1,341 units) take a buffer of their own; short ones the shared one.
    fc.assert(
      fc.property(fc.array(codeUnits(2000), { minLength: 2, maxLength: 6 }), (inputs) => {
        const got = inputs.map((s) => hex(sha256(s)))
        expect(got).toEqual(inputs.map(nodeSha256))
      }),
      { numRuns: 60 },
    )
  })

  it('pads correctly at the 55/56/64-byte block boundaries', () => {
    for (const n of [0, 55, 56, 63, 64, 65, 119, 120, 1341, 1342]) {
      const s = 'a'.repeat(n)
      expect(hex(sha256(s))).toBe(nodeSha256(s))
      // Dirty the shared buffer with a longer message first: padding must zero what it needs.
      sha256('\uffff'.repeat(200))
      expect(hex(sha256(s))).toBe(nodeSha256(s))
    }
  })
})

describe('chain-name hashes read straight from the digest words', () => {
  it('equal the base32 prefix of the full digest', () => {
    fc.assert(
      fc.property(codeUnits(120), fc.constantFrom('tcp', 'udp', 'sctp'), (spn, proto) => {
        expect(portProtoHash(spn, proto)).toBe(base32(sha256(spn + proto)).slice(0, 16))
        expect(hashAndTruncate(spn).slice(0, 9)).toBe(`${base32(sha256(spn)).slice(0, 8)}-`)
      }),
      { numRuns: 300 },
    )
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
