/**
 * @module bench/kube/hash
 * kube-proxy's iptables chain names. kube-proxy (pkg/proxy/iptables) names a service port's
 * chains after the SHA-256 of `<namespace>/<name>[:<portName>]<protocol>`, encoded in RFC 4648
 * base32 and cut to 16 characters; an endpoint chain hashes the same string followed by the
 * endpoint's `ip:port`. 16 characters keep `KUBE-SVC-…` at 25 bytes, under iptables' 28-byte
 * chain-name limit. See /work/shared/notes/kube-proxy-spec.md §1.2.
 */
import { createHash } from 'node:crypto'

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 without padding: 5 bits per character, most significant bits first. */
export function base32(bytes: Uint8Array): string {
  let out = ''
  let acc = 0
  let bits = 0
  for (const byte of bytes) {
    acc = ((acc << 8) | byte) & 0xfff // 12 bits are enough: at most 4 + 8 are pending
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += BASE32_ALPHABET[(acc >>> bits) & 31]
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(acc << (5 - bits)) & 31]
  return out
}

/** The 16-character hash kube-proxy puts after `KUBE-SVC-`, `KUBE-SEP-`, `KUBE-EXT-` … */
export function chainHash(s: string): string {
  const digest = createHash('sha256').update(s, 'utf8').digest()
  // 32 bytes give 52 characters; only the first 16 are used, so padding never matters.
  return base32(digest).slice(0, 16)
}

/** `ns/name:port` for a named port, `ns/name` for an unnamed one (ServicePortName.String()). */
export function servicePortName(namespace: string, name: string, portName: string): string {
  return portName === '' ? `${namespace}/${name}` : `${namespace}/${name}:${portName}`
}

/** `KUBE-SVC-<hash>` of a service port; the protocol is lower case (`tcp`, `udp`, `sctp`). */
export function svcChain(spn: string, protocol: string): string {
  return `KUBE-SVC-${chainHash(spn + protocol)}`
}

/** `KUBE-SEP-<hash>` of one endpoint of a service port; `endpoint` is `ip:port`. */
export function sepChain(spn: string, protocol: string, endpoint: string): string {
  return `KUBE-SEP-${chainHash(spn + protocol + endpoint)}`
}
