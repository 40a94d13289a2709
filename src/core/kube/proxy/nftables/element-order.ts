/**
 * @module core/kube/proxy/nftables/element-order
 * The order in which `nft list` prints a named set's elements. nft sorts them before printing
 * (`list_expr_sort` after `netlink_list_setelems`): plain keys by value, so addresses come out
 * in numeric order; concatenated keys by their raw register bytes read as one little-endian
 * number, i.e. comparing from the LAST byte of the padded key backwards. For kube-proxy's
 * `addr . proto . port` keys that means: port low byte, port high byte, protocol, then the
 * address's last byte first (verified with nft 1.0.6: 1.2.3.4 sorts before 172.30.0.41 and
 * port 256 before port 80).
 */
import { parseIPSloppy } from '../ip-text.js'
import type { KeyType, NftElement } from './model.js'

const PROTOCOLS: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132 }

/** One key component as nftables register bytes (network order, padded to 4-byte words). */
function componentBytes(type: KeyType, text: string): number[] {
  switch (type) {
    case 'ipv4_addr':
    case 'ipv6_addr': {
      const a = parseIPSloppy(text)
      const len = type === 'ipv4_addr' ? 4 : 16
      const v = a === undefined ? 0n : BigInt(a.value)
      return Array.from({ length: len }, (_, i) => Number((v >> BigInt(8 * (len - 1 - i))) & 0xffn))
    }
    case 'inet_proto':
      return [PROTOCOLS[text] ?? Number(text), 0, 0, 0]
    case 'inet_service': {
      const port = Number(text)
      return [(port >> 8) & 0xff, port & 0xff, 0, 0]
    }
  }
}

function keyBytes(types: readonly KeyType[], key: readonly string[]): number[] {
  return types.flatMap((t, i) => componentBytes(t, key[i] ?? ''))
}

/** The bytes in comparison order: concatenations from the last byte backwards. */
function sortBytes(types: readonly KeyType[], key: readonly string[]): number[] {
  const bytes = keyBytes(types, key)
  return types.length > 1 ? bytes.reverse() : bytes
}

function compareBytes(x: readonly number[], y: readonly number[]): number {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0)
  return 0
}

/** Compare two elements of a set keyed by `types` the way nft orders them for printing. */
export function compareElements(types: readonly KeyType[], a: NftElement, b: NftElement): number {
  return compareBytes(sortBytes(types, a.key), sortBytes(types, b.key))
}

/** The elements in nft's printing order (sort keys computed once). */
export function sortElements(
  types: readonly KeyType[],
  elements: readonly NftElement[],
): NftElement[] {
  return elements
    .map((e) => ({ e, bytes: sortBytes(types, e.key) }))
    .sort((a, b) => compareBytes(a.bytes, b.bytes))
    .map((x) => x.e)
}
