/**
 * @module core/netfilter/xt/modules/extra/mangle-targets
 * Small mangle-table targets: `-j CLASSIFY` (libxt_CLASSIFY: `--set-class MAJOR:MINOR`, both
 * read as hex by `sscanf("%x:%x")` and printed as `%.4x:%.4x`), `-j CHECKSUM --checksum-fill`
 * and `-j AUDIT --type accept|drop|reject` (any letter case, printed in lower case).
 * CLASSIFY is only valid in OUTPUT, FORWARD and POSTROUTING; that hook check is not modelled.
 */
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { strtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { arg } from './lib/xtopt.js'

/** `sscanf(s, "%x", …)` at `pos`: optional sign and `0x`, then hex digits. */
function scanHex(s: string, pos: number): { value: bigint; end: number } | undefined {
  const r = strtoul(s, 16, pos)
  return r.end === pos ? undefined : { value: BigInt.asUintN(32, r.value), end: r.end }
}

function classId(o: RawOption, ctx: CanonContext): string {
  const s = arg(o)
  const major = scanHex(s, 0)
  const minor = major && s[major.end] === ':' ? scanHex(s, major.end + 1) : undefined
  if (!major || !minor)
    return ctx.fail(`bad class value "${s}"`, o, 'write MAJOR:MINOR in hex, e.g. 1:10')
  const four = (v: bigint) => (v & 0xffffn).toString(16).padStart(4, '0')
  return `${four(major.value)}:${four(minor.value)}`
}

export const classifyTarget = defineModule({
  name: 'CLASSIFY',
  kind: 'target',
  options: [{ names: ['--set-class'], mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const c = o.get('--set-class')
    return c ? [opt('--set-class', [classId(c, ctx)])] : []
  },
})

export const checksumTarget = defineModule({
  name: 'CHECKSUM',
  kind: 'target',
  options: [{ names: ['--checksum-fill'], arity: 0, mand: true }],
  canon: () => [opt('--checksum-fill')],
})

const AUDIT_TYPES = ['accept', 'drop', 'reject']

export const auditTarget = defineModule({
  name: 'AUDIT',
  kind: 'target',
  options: [{ names: ['--type'], mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const t = o.get('--type')
    if (!t) return []
    const type = arg(t).toLowerCase()
    if (!AUDIT_TYPES.includes(type))
      ctx.fail(`bad action type value "${arg(t)}"`, t, 'use accept, drop or reject')
    return [opt('--type', [type])]
  },
})
