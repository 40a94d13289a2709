/**
 * @module core/kube/proxy/hash
 * How kube-proxy names its per-service chains (kube-proxy-spec.md §1).
 *
 * iptables (pkg/proxy/iptables/proxier.go `portProtoHash`, `servicePortEndpointChainName`): the
 * first 16 characters of the standard, padded base32 of SHA-256 over a plain concatenation, so
 * that `KUBE-SVC-` + hash fits iptables' 28-character chain-name limit.
 *
 * nftables (pkg/proxy/nftables/proxier.go `hashAndTruncate`): the first 8 base32 characters,
 * a `-` and the readable name, cut to 240 characters (nft allows 256) with a `...` marker.
 */
import { sha256Words } from './sha256.js'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 with `=` padding (Go's `base32.StdEncoding`). */
export function base32(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff
    bits += 8
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31]
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=')
}

/** The character codes of the prefix being built; reused, as each name is hashed once per sync. */
const CODES: number[] = []

/**
 * The first `length` (≤ 51) characters of `base32(sha256(text))`, read straight from the hash
 * words: no digest bytes, no full encoding, no padding (which only starts at character 52),
 * and one string made from the character codes rather than one per appended character.
 */
function hashPrefix(text: string, length: number): string {
  const words = sha256Words(text)
  CODES.length = length
  for (let k = 0; k < length; k++) {
    const bit = k * 5
    const i = bit >> 5
    const shift = 27 - (bit & 31)
    const w = words[i]!
    // A 5-bit group inside one word, or straddling into the next one.
    const v = shift >= 0 ? w >>> shift : (w << -shift) | (words[i + 1]! >>> (32 + shift))
    CODES[k] = BASE32.charCodeAt(v & 31)
  }
  return String.fromCharCode(...CODES)
}

/** The 16-character hash shared by a service port's KUBE-SVC/SVL/EXT/FW chains. */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hashPrefix(servicePortName + protocol, 16)
}

/** `KUBE-SEP-` + the hash of service port name, protocol and `ip:port`. */
export function endpointChainName(
  servicePortName: string,
  protocol: string,
  endpoint: string,
): string {
  return `KUBE-SEP-${hashPrefix(servicePortName + protocol + endpoint, 16)}`
}

/** nft names may be 256 long; kube-proxy keeps 16 spare for its `service-`-style prefixes. */
const NFT_NAME_MAX = 256 - 16

/**
 * kube-proxy's nftables `hashAndTruncate`: `HASH8-name`, cut to 240 characters.
 *
 * @example
 * hashAndTruncate('ns1/svc1/tcp/p80') // 'ULMVA6XW-ns1/svc1/tcp/p80'
 */
export function hashAndTruncate(name: string): string {
  const full = `${hashPrefix(name, 8)}-${name}`
  return full.length > NFT_NAME_MAX ? `${full.slice(0, NFT_NAME_MAX - 3)}...` : full
}
