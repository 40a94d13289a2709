/**
 * @module core/netfilter/engine/needs-conntrack
 * Does a namespace run conntrack at all? Since Linux 4.10 the conntrack hooks of a network
 * namespace are registered on demand: every rule or object that needs a connection takes a
 * reference with `nf_ct_netns_get` when it is loaded (its xtables `checkentry`, its nft
 * expression's `init`), and the hooks go away with the last reference (`nf_ct_netns_put`).
 * With no such rule there are no conntrack entries, and the nat table, whose hooks are
 * registered but find no connection on the packet (`nf_nat_inet_fn`: no ct, NF_ACCEPT), is
 * never walked. An empty nat table takes no reference (checked on Linux 6.18, both iptables
 * backends: test/diff/fidelity.test.ts).
 *
 * Every rule counts, in any table and any chain, reachable or not: `checkentry` runs when the
 * ruleset is loaded, not when a packet reaches the rule.
 */
import type { IpvsState } from '../../ipvs/model.js'
import type { NftExpr, NftRuleset, NftStmt } from '../nft/model.js'
import type { Ruleset, XtTarget } from '../rule.js'

/**
 * Matches whose `checkentry` takes a conntrack reference: conntrack_mt_check, state_mt_check,
 * connmark_mt_check, connbytes_mt_check, connlabel_mt_check, connlimit (nf_conncount_init),
 * helper_mt_check, xt_cluster_mt_checkentry.
 */
const CT_MATCHES: ReadonlySet<string> = new Set([
  'conntrack',
  'state',
  'connmark',
  'connbytes',
  'connlabel',
  'connlimit',
  'helper',
  'cluster',
])

/**
 * Targets whose `checkentry` takes one: xt_nat_checkentry (SNAT, DNAT), masquerade_tg_check,
 * redirect_tg4_check, netmap_tg_check, connmark_tg_check, connsecmark_tg_check,
 * synproxy_tg4_check, clusterip_tg_check, and xt_ct_tg_check unless `--notrack` (NOTRACK is
 * CT --notrack).
 */
const CT_TARGETS: ReadonlySet<string> = new Set([
  'SNAT',
  'DNAT',
  'MASQUERADE',
  'REDIRECT',
  'NETMAP',
  'CONNMARK',
  'CONNSECMARK',
  'SYNPROXY',
  'CLUSTERIP',
])

function targetNeedsConntrack(t: XtTarget | undefined): boolean {
  if (!t) return false
  if (t.name === 'CT') return !t.options.some((o) => o.name === '--notrack')
  return CT_TARGETS.has(t.name)
}

/** Does any rule of an iptables ruleset take a conntrack reference? */
export function rulesetNeedsConntrack(rs: Ruleset): boolean {
  for (const t of rs.tables)
    for (const c of t.chains)
      for (const r of c.rules) {
        if (targetNeedsConntrack(r.target)) return true
        if (r.matches.some((m) => CT_MATCHES.has(m.module))) return true
      }
  return false
}

function exprUsesCt(e: NftExpr | undefined): boolean {
  if (!e) return false
  switch (e.kind) {
    case 'ct':
      return true
    case 'binop':
      return exprUsesCt(e.left) || exprUsesCt(e.right)
    case 'concat':
      return e.items.some(exprUsesCt)
    case 'flagmask':
      return exprUsesCt(e.value) || exprUsesCt(e.mask)
    case 'map':
      return exprUsesCt(e.key) || exprUsesCt(e.map)
    case 'set':
      return e.elements.some((x) => exprUsesCt(x.key) || exprUsesCt(x.data))
    default:
      return false
  }
}

/**
 * Statements whose expressions take a reference: nft_ct_get_init / nft_ct_set_init (any `ct`
 * expression, read or assigned), nft_nat_init, nft_masq_init, nft_redir_init. Statements kpath
 * keeps as text are read by their keyword: `ct …` objects (helper, timeout, expectation,
 * `ct count`: nft_connlimit), `flow add` (nft_flow_offload_init), `synproxy`.
 */
function stmtNeedsConntrack(s: NftStmt): boolean {
  switch (s.kind) {
    case 'nat':
      return true
    case 'match':
      return exprUsesCt(s.left) || exprUsesCt(s.right)
    case 'assign':
      return exprUsesCt(s.target) || exprUsesCt(s.value)
    case 'vmap':
      return exprUsesCt(s.key) || exprUsesCt(s.map)
    case 'dynset':
      return exprUsesCt(s.element.key) || exprUsesCt(s.element.data)
    case 'raw':
      return /(^|\s)(ct\s|flow\s+(add|offload)\s|synproxy(\s|$))/.test(s.text)
    default:
      return false
  }
}

/**
 * Does an nft ruleset take a conntrack reference for `family`? A table of family `ip` (or
 * `ip6`) registers that family's hooks, `inet` both (nf_ct_netns_inet_get); `bridge` registers
 * the bridge family's own conntrack hooks only, which do not track routed IPv4 packets.
 */
export function nftNeedsConntrack(rs: NftRuleset, family: 4 | 6): boolean {
  const own = family === 4 ? 'ip' : 'ip6'
  for (const t of rs.tables) {
    if (t.family !== own && t.family !== 'inet') continue
    for (const c of t.chains)
      for (const r of c.rules) if (r.stmts.some(stmtNeedsConntrack)) return true
  }
  return false
}

/**
 * IPVS takes a reference for a service only when FTP-NAT needs connection mangling
 * (`__ip_vs_update_dest`: a masquerading real server of a port-21 service,
 * ip_vs_register_conntrack).
 */
export function ipvsNeedsConntrack(ipvs: IpvsState, family: 4 | 6): boolean {
  return ipvs.services.some(
    (s) =>
      s.key.family === family &&
      s.key.kind === 'addr' &&
      s.key.port === 21 &&
      s.destinations.some((d) => d.forward === 'masq'),
  )
}
