/**
 * @module core/netfilter/iptables-save/format
 * The text of one rule as iptables-save 1.8.9 prints it (`print_rule4` and `save_rule_details`
 * in iptables/, plus each extension's save function): `-s`, `-d`, `-i`, `-o`, `-p`, `-f`, then
 * the matches in order, then the target. Values are quoted the way `xtables_save_string` does.
 */
import { formatIPv4 } from '../../net/ip.js'
import type { AddrMatch, Rule, XtOption } from '../rule.js'
import { formatInet6 } from '../xt/modules/core/xt-addr.js'

const SAFE = /^[A-Za-z0-9_-]+$/

/** Double quotes around the value, escaping `"` and `\\` only (string, u32, bpf, connlabel, LED). */
export function alwaysQuote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`
}

/**
 * `xtables_save_string`: bare when made only of `[A-Za-z0-9_-]` (and not empty), otherwise in
 * double quotes with `"`, `\` and `'` escaped by a backslash.
 */
export function saveString(value: string): string {
  if (SAFE.test(value)) return value
  return `"${value.replace(/["\\']/g, (ch) => `\\${ch}`)}"`
}

/** `a.b.c.d/len` (or `/m.m.m.m`), IPv6 `addr/len` (or `/mask`), as save_ipv4/6_addr print. */
export function formatAddr(a: AddrMatch): string {
  const c = a.cidr
  if (c.family === 4)
    return `${formatIPv4(c.addr)}/${c.len === undefined ? formatIPv4(c.mask) : c.len}`
  return `${formatInet6(c.addr)}/${c.len === undefined ? formatInet6(c.mask) : c.len}`
}

/**
 * Options whose save function prints the name with a trailing space and then calls
 * `xtables_save_string`, which prints its own leading space: libxt_nfacct's `nfacct_save`
 * prints `--nfacct-name  NAME` with two spaces. iptables-save, iptables -S and both backends
 * of 1.8.9 print it so (testdata/recent-nfacct-misc.*: a bare and a quoted name); the trace
 * and explain views quote rules through formatRuleSpec and so show it the same way.
 */
const DOUBLE_SPACE = new Set(['nfacct --nfacct-name'])

function formatOptions(module: string, options: readonly XtOption[]): string {
  let s = ''
  for (const o of options) {
    s += o.negated ? ` ! ${o.name}` : ` ${o.name}`
    if (DOUBLE_SPACE.has(`${module} ${o.name}`)) s += ' '
    for (const v of o.values)
      s += ` ${o.quoteStyle === 'always' ? alwaysQuote(v) : o.quote ? saveString(v) : v}`
  }
  return s
}

/** Everything after `-A CHAIN`, starting with a space (empty for a bare rule). */
export function formatRuleSpec(r: Rule): string {
  let s = ''
  if (r.src) s += `${r.src.negated ? ' !' : ''} -s ${formatAddr(r.src)}`
  if (r.dst) s += `${r.dst.negated ? ' !' : ''} -d ${formatAddr(r.dst)}`
  if (r.inIface) s += `${r.inIface.negated ? ' !' : ''} -i ${r.inIface.name}`
  if (r.outIface) s += `${r.outIface.negated ? ' !' : ''} -o ${r.outIface.name}`
  if (r.proto) s += `${r.proto.negated ? ' !' : ''} -p ${r.proto.name}`
  if (r.fragment) s += `${r.fragment.negated ? ' !' : ''} -f`
  for (const m of r.matches) s += ` -m ${m.module}${formatOptions(m.module, m.options)}`
  const t = r.target
  if (t) s += ` ${t.goto ? '-g' : '-j'} ${t.name}${formatOptions(t.name, t.options)}`
  return s
}

/** A whole `-A` line, with `[packets:bytes] ` in front when counters are wanted. */
export function formatRule(chain: string, r: Rule, counters: boolean): string {
  const c = r.counters
  const prefix = counters ? `[${c?.packets ?? 0n}:${c?.bytes ?? 0n}] ` : ''
  return `${prefix}-A ${chain}${formatRuleSpec(r)}`
}
