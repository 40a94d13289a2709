/**
 * @module core/netfilter/xt/modules/extra/cluster
 * `-m cluster` (libxt_cluster): the node mask of a hash-based cluster. `--cluster-local-node N`
 * is stored as the mask bit `1 << (N-1)`, so iptables-save prints every form as
 * `[!] --cluster-local-nodemask 0x%08x --cluster-total-nodes N --cluster-hash-seed 0x%08x`.
 */
import { type CanonContext, opt } from '../../types.js'
import { hex } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { uint } from './lib/xtopt.js'

const MAX_NODES = 32n

export const clusterMatch = defineModule({
  name: 'cluster',
  kind: 'match',
  options: [
    { names: ['--cluster-total-nodes'], mand: true },
    { names: ['--cluster-local-node'], invert: true, excl: ['--cluster-local-nodemask'] },
    { names: ['--cluster-local-nodemask'], invert: true, excl: ['--cluster-local-node'] },
    { names: ['--cluster-hash-seed'], mand: true },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const total = o.get('--cluster-total-nodes')
    const seed = o.get('--cluster-hash-seed')
    const node = o.get('--cluster-local-node')
    const nodemask = o.get('--cluster-local-nodemask')
    if (!total || !seed) return []
    const n = uint('cluster', total, ctx, 32, 1n, MAX_NODES)
    const hash = uint('cluster', seed, ctx, 32)
    const x = node ?? nodemask
    if (!x) {
      return ctx.fail(
        "cluster match: `--cluster-local-node' or `--cluster-local-nodemask' is missing",
        undefined,
        'add --cluster-local-node N',
      )
    }
    const v = uint('cluster', x, ctx, 32, 1n, MAX_NODES)
    const mask = node ? 1n << (v - 1n) : v
    if (mask >= 1n << n) {
      const what = node
        ? "`--cluster-local-node' must be <= `--cluster-total-nodes'"
        : "`--cluster-local-nodemask' too big for `--cluster-total-nodes'"
      return ctx.fail(`cluster match: ${what}`, x, `stay within ${n} nodes`)
    }
    return [
      opt('--cluster-local-nodemask', [hex(mask, 8)], x.negated),
      opt('--cluster-total-nodes', [String(n)]),
      opt('--cluster-hash-seed', [hex(hash, 8)]),
    ]
  },
})
