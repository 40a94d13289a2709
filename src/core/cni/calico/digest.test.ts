/**
 * The digests against node:crypto (test-only: the model itself must not import node:).
 */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base64Url, hex, sha1, sha224 } from './digest.js'

const nodeHash = (alg: string, data: Uint8Array) => createHash(alg).update(data).digest()

describe('digests', () => {
  it('match the FIPS 180-4 test vectors', () => {
    expect(hex(sha1('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d')
    expect(hex(sha224('abc'))).toBe('23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7')
    expect(hex(sha224(''))).toBe('d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f')
  })

  it('agree with node:crypto on any input, across block boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(hex(sha1(bytes))).toBe(nodeHash('sha1', bytes).toString('hex'))
        expect(hex(sha224(bytes))).toBe(nodeHash('sha224', bytes).toString('hex'))
      }),
    )
  })

  it('hash strings as UTF-8', () => {
    const s = 'default.pod-ü'
    expect(hex(sha1(s))).toBe(createHash('sha1').update(s, 'utf8').digest('hex'))
  })

  it("encode unpadded URL-safe base64 as Go's RawURLEncoding does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(base64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'))
      }),
    )
  })
})
