/**
 * @module core/netfilter/xt/modules/extra/lib/quote
 * Options that iptables-save always prints in double quotes. `XtOption.quote` means "quote like
 * `xtables_save_string`", i.e. only when a value holds characters outside `[A-Za-z0-9_-]`; but
 * `string`, `u32`, `bpf`, `connlabel` and `LED` print their own quotes around every value
 * (`--string "test"`, `--label "1"`), escaping `"` and `\` only.
 *
 * Such options carry `quoteStyle: 'always'` (XtOption in rule.ts) next to `quote: true`; the
 * iptables-save printer honours it.
 */
import type { XtOption } from '../../../../rule.js'

export interface AlwaysQuotedOption extends XtOption {
  readonly quote: true
  readonly quoteStyle: 'always'
}

export function alwaysQuoted(name: string, value: string, negated = false): AlwaysQuotedOption {
  return { name, negated, values: [value], quote: true, quoteStyle: 'always' }
}

export function isAlwaysQuoted(o: XtOption): o is AlwaysQuotedOption {
  return (o as Partial<AlwaysQuotedOption>).quoteStyle === 'always'
}
