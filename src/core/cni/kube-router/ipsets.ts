/**
 * @module core/cni/kube-router/ipsets
 * The two ipsets kube-router's routing controller keeps on every node (`syncNodeIPSets`):
 *
 * - `kube-router-pod-subnets` (hash:net): every node's IPv4 pod CIDRs;
 * - `kube-router-node-ips` (hash:ip): every node's IPv4 InternalIPs and ExternalIPs.
 *
 * Both are created `timeout 0` with members `timeout 0` (utils.RefreshSet), nodes without a
 * pod CIDR are skipped entirely (addresses too), and they are loaded with one `ipset restore
 * -exist` of kube-router's own shape (utils.BuildIPSetRestore): per set, in name order, a
 * temporary set is filled, swapped with the real one and flushed, and the temporaries are
 * destroyed at the end. kpath renders that text and reads it with its ipset restore model, so
 * the sets come out exactly as `ipset save` (7.17) prints them after the real restore (see the
 * live test). The temporary names are stand-ins: kube-router hashes with SHA-1, kpath with
 * SHA-256 (they are destroyed, so nothing depends on them).
 */
import { parseIpsetSave } from '../../ipset/index.js'
import type { IpSet } from '../../ipset/model.js'
import { sha256 } from '../../kube/proxy/sha256.js'
import { NODE_IPS_SET, POD_SUBNETS_SET } from './names.js'
import type { NodeView } from './node-view.js'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 (what Go's base32.StdEncoding gives for 10 bytes: 16 characters). */
function base32(bytes: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return bits > 0 ? out + BASE32[(value << (5 - bits)) & 31] : out
}

interface SetSpec {
  readonly name: string
  readonly options: string
  readonly entries: readonly string[]
}

function setSpecs(nodes: readonly NodeView[]): SetSpec[] {
  const withCidrs = nodes.filter((n) => n.podCIDRs4.length > 0)
  return [
    { name: NODE_IPS_SET, options: 'hash:ip timeout 0', entries: withCidrs.flatMap((n) => n.ipv4) },
    {
      name: POD_SUBNETS_SET,
      options: 'hash:net timeout 0',
      entries: withCidrs.flatMap((n) => n.podCIDRs4),
    },
  ]
}

/**
 * The `ipset restore -exist` input kube-router feeds on its first sync.
 *
 * @example
 * ```ts
 * kubeRouterIpsetRestore(nodes)
 * // create TMP-… hash:ip timeout 0\nflush TMP-…\nadd TMP-… 192.168.50.50 timeout 0\n…
 * ```
 */
export function kubeRouterIpsetRestore(nodes: readonly NodeView[]): string {
  const lines: string[] = []
  const tmps = new Map<string, string>()
  for (const s of setSpecs(nodes)) {
    let tmp = tmps.get(s.options)
    if (tmp === undefined) {
      tmp = `TMP-${base32(sha256(`tmp:${s.options}`).slice(0, 10))}`
      tmps.set(s.options, tmp)
      lines.push(`create ${tmp} ${s.options}`, `flush ${tmp}`)
    }
    for (const e of s.entries) lines.push(`add ${tmp} ${e} timeout 0`)
    lines.push(`create ${s.name} ${s.options}`, `swap ${tmp} ${s.name}`, `flush ${tmp}`)
  }
  for (const tmp of [...tmps.values()].sort()) lines.push(`destroy ${tmp}`)
  return lines.map((l) => `${l}\n`).join('')
}

/** The two sets as `ipset save` shows them after that restore. */
export function kubeRouterIpsets(nodes: readonly NodeView[]): IpSet[] {
  return parseIpsetSave(kubeRouterIpsetRestore(nodes), { exist: true })
}
