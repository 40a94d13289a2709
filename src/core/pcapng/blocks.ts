/**
 * @module core/pcapng/blocks
 * pcapng blocks (draft-ietf-opsawg-pcapng): a Section Header Block, one Interface Description
 * Block per capture interface, one Enhanced Packet Block per packet. Written little-endian
 * (the byte-order magic says so to readers); options are TLVs padded to 32 bits and ended by
 * opt_endofopt.
 */
import { ByteWriter } from './bytes.js'

/** Link-layer header types (tcpdump.org/linktypes.html). */
export const LINKTYPE = { ethernet: 1, raw: 101 } as const
export type LinkType = (typeof LINKTYPE)[keyof typeof LINKTYPE]

const BLOCK = { shb: 0x0a0d0d0a, idb: 0x00000001, epb: 0x00000006 } as const
const OPT = { endofopt: 0, comment: 1, name: 2, description: 3, userappl: 4 } as const

const utf8 = new TextEncoder()

type Option = readonly [code: number, value: Uint8Array]

function text(code: number, s: string | undefined): Option[] {
  return s === undefined || s === '' ? [] : [[code, utf8.encode(s)]]
}

function writeOptions(w: ByteWriter, options: readonly Option[]): void {
  if (options.length === 0) return
  for (const [code, value] of options) {
    // An option value is at most 65535 bytes; longer comments are cut (on a UTF-8 boundary).
    const v = value.length > 0xffff ? cut(value) : value
    w.u16(code).u16(v.length).bytes(v).pad4()
  }
  w.u16(OPT.endofopt).u16(0)
}

function cut(v: Uint8Array): Uint8Array {
  let n = 0xffff
  while (n > 0 && ((v[n] ?? 0) & 0xc0) === 0x80) n--
  return v.slice(0, n)
}

/** Type, total length, body, total length again (the length known once the body is written). */
function block(type: number, body: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter()
  w.u32(type).u32(0)
  body(w)
  w.pad4()
  const total = w.length + 4
  w.u32(total)
  w.setU32(4, total)
  return w.done()
}

export function sectionHeader(userAppl?: string): Uint8Array {
  return block(BLOCK.shb, (w) => {
    w.u32(0x1a2b3c4d).u16(1).u16(0)
    // Section length -1: not specified.
    w.u32(0xffffffff).u32(0xffffffff)
    writeOptions(w, text(OPT.userappl, userAppl))
  })
}

export interface InterfaceInfo {
  readonly linkType: LinkType
  readonly name: string
  readonly description?: string
}

/** if_tsresol is left at its default, microseconds. */
export function interfaceDescription(i: InterfaceInfo): Uint8Array {
  return block(BLOCK.idb, (w) => {
    w.u16(i.linkType).u16(0).u32(262144)
    writeOptions(w, [...text(OPT.name, i.name), ...text(OPT.description, i.description)])
  })
}

export interface EnhancedPacket {
  readonly iface: number
  /** Microseconds since the Unix epoch. */
  readonly timestamp: bigint
  readonly data: Uint8Array
  readonly comment?: string
}

export function enhancedPacket(p: EnhancedPacket): Uint8Array {
  return block(BLOCK.epb, (w) => {
    w.u32(p.iface)
      .u32(Number(p.timestamp >> 32n))
      .u32(Number(p.timestamp & 0xffffffffn))
      .u32(p.data.length)
      .u32(p.data.length)
      .bytes(p.data)
      .pad4()
    writeOptions(w, text(OPT.comment, p.comment))
  })
}
