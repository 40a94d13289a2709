/**
 * The pcapng writer: block framing read back field by field (draft-ietf-opsawg-pcapng), and
 * the header checksums verified the way a receiver verifies them (RFC 1071: the sum over the
 * header including its checksum is 0xffff, i.e. the checksum of it all is 0).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ethernet,
  internetChecksum,
  ipPacket,
  LINKTYPE,
  vxlanPayload,
  writePcapng,
} from './index.js'

function u32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset).getUint32(at, true)
}
function u16be(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset).getUint16(at, false)
}

/** Every block: [type, total length], checking the trailing length copy and 32-bit alignment. */
function blocks(file: Uint8Array): { type: number; body: Uint8Array }[] {
  const out: { type: number; body: Uint8Array }[] = []
  let at = 0
  while (at < file.length) {
    const type = u32(file, at)
    const len = u32(file, at + 4)
    expect(len % 4).toBe(0)
    expect(u32(file, at + len - 4)).toBe(len)
    out.push({ type, body: file.subarray(at + 8, at + len - 4) })
    at += len
  }
  expect(at).toBe(file.length)
  return out
}

const SYN = {
  src: '10.244.1.2',
  dst: '10.244.0.2',
  proto: 6,
  ttl: 63,
  length: 60,
  df: true,
  l4: {
    kind: 'tcp',
    sport: 40000,
    dport: 8080,
    seq: 1,
    ack: 0,
    flags: ['SYN'],
    window: 64240,
  },
} as const

describe('pcapng blocks', () => {
  it('writes an SHB, one IDB per interface and one EPB per packet with its comment', () => {
    const data = ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', ipPacket(SYN))
    const file = writePcapng({
      application: 'kpath test',
      interfaces: [
        { linkType: LINKTYPE.ethernet, name: 'node-a/eth0' },
        { linkType: LINKTYPE.raw, name: 'node-a/tunl0', description: 'ipip' },
      ],
      packets: [{ iface: 1, timestamp: 0x1_0000_0002n, data, comment: 'hop 1: DNAT' }],
    })
    const b = blocks(file)
    expect(b.map((x) => x.type)).toEqual([0x0a0d0d0a, 1, 1, 6])
    const shb = b[0]?.body ?? new Uint8Array()
    expect(u32(shb, 0)).toBe(0x1a2b3c4d)
    const idb = b[2]?.body ?? new Uint8Array()
    expect(idb[0]).toBe(101)
    expect(new TextDecoder().decode(idb.subarray(12, 12 + 12))).toBe('node-a/tunl0')
    const epb = b[3]?.body ?? new Uint8Array()
    expect([u32(epb, 0), u32(epb, 4), u32(epb, 8)]).toEqual([1, 1, 2])
    expect([u32(epb, 12), u32(epb, 16)]).toEqual([74, 74])
    expect(epb.subarray(20, 20 + 74)).toEqual(data)
    const opt = 20 + 76
    expect(u16be(epb.subarray(opt), 0)).toBe(0x0100) // code 1 little-endian: opt_comment
    expect(new TextDecoder().decode(epb.subarray(opt + 4, opt + 4 + 11))).toBe('hop 1: DNAT')
  })
})

describe('headers', () => {
  it('a SYN of 60 bytes: IPv4 header and TCP checksums verify, Linux SYN options', () => {
    const p = ipPacket(SYN)
    expect(p.length).toBe(60)
    expect(internetChecksum(p.subarray(0, 20))).toBe(0)
    expect(u16be(p, 6)).toBe(0x4000) // DF
    expect(p[8]).toBe(63)
    const pseudo = Uint8Array.of(...p.subarray(12, 20), 0, 6, 0, 40)
    expect(internetChecksum(pseudo, p.subarray(20))).toBe(0)
    expect(p[32]).toBe(0xa0) // data offset 10 words: 20 bytes of options
    expect([...p.subarray(40, 44)]).toEqual([2, 4, 0x05, 0xb4]) // MSS 1460
  })

  it('VXLAN: outer UDP with checksum 0, the I flag and the VNI, then the inner frame', () => {
    const inner = ethernet('0e:00:00:00:00:01', '2a:00:00:00:00:02', ipPacket(SYN))
    const outer = ipPacket({
      src: '10.39.0.12',
      dst: '10.39.0.11',
      proto: 17,
      ttl: 64,
      length: 110,
      l4: {
        kind: 'udp',
        sport: 35102,
        dport: 8472,
        checksum: false,
        payload: vxlanPayload(1, inner),
      },
    })
    expect(outer.length).toBe(110)
    expect(u16be(outer, 2)).toBe(110)
    expect(u16be(outer, 26)).toBe(0)
    expect([...outer.subarray(28, 36)]).toEqual([8, 0, 0, 0, 0, 0, 1, 0])
    expect(outer.subarray(36)).toEqual(inner)
  })

  it('any UDP datagram and ICMP message verifies (property)', () => {
    const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'))
    fc.assert(
      fc.property(
        ip,
        ip,
        fc.integer({ min: 1, max: 65535 }),
        fc.uint8Array({ maxLength: 64 }),
        (s, d, port, payload) => {
          const u = ipPacket({
            src: s,
            dst: d,
            proto: 17,
            ttl: 64,
            length: 28 + payload.length,
            l4: { kind: 'udp', sport: port, dport: 53, payload },
          })
          expect(internetChecksum(u.subarray(0, 20))).toBe(0)
          const len = u.length - 20
          const pseudo = Uint8Array.of(...u.subarray(12, 20), 0, 17, len >> 8, len & 0xff)
          expect(internetChecksum(pseudo, u.subarray(20))).toBe(0)
          const i = ipPacket({
            src: s,
            dst: d,
            proto: 1,
            ttl: 64,
            length: 28 + payload.length,
            l4: { kind: 'icmp', type: 8, code: 0, rest: port, payload },
          })
          expect(internetChecksum(i.subarray(20))).toBe(0)
        },
      ),
    )
  })

  it('refuses what it cannot write: IPv6 addresses, bad MACs', () => {
    expect(() => ipPacket({ ...SYN, src: 'fd00::1' })).toThrow(/only IPv4/)
    expect(() => ethernet('02:00:00:00:00', '02:00:00:00:00:02', new Uint8Array())).toThrow(
      /not a MAC/,
    )
  })
})
