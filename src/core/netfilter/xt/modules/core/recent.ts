/**
 * @module core/netfilter/xt/modules/core/recent
 * `-m recent` (libxt_recent.c, revision 1). iptables-save prints the command first, then
 * `--seconds`, `--reap`, `--hitcount`, `--rttl`, and always `--name` (default `DEFAULT`),
 * `--mask` (default all ones) and `--rsource`/`--rdest`, so kube-proxy's
 * `--name N --set` comes back as `--set --name N --mask 255.255.255.255 --rsource`.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, exclusive, type Got, needs, needUint, spec, value } from './common.js'
import { formatInet, inet4, inet6 } from './xt-addr.js'

const COMMANDS = ['--set', '--rcheck', '--update', '--remove'] as const

/** XT_RECENT_NAME_LEN (200) minus the NUL. */
const MAX_NAME = 199

function flag(name: string, negated = false): XtOption {
  return { name, negated, values: [] }
}

/** `%d` of a u32 field, as recent_save prints it (values above 2^31-1 print negative). */
function int32(n: number): string {
  return String(n | 0)
}

function mask(o: RawOption | undefined, ctx: CanonContext): string {
  if (!o) return ctx.family === 4 ? '255.255.255.255' : 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'
  const v = ctx.family === 4 ? inet4(value(o)) : inet6(value(o))
  if (v === undefined)
    ctx.fail(
      `recent: bad --mask "${value(o)}"`,
      o,
      'give the mask as an address, e.g. 255.255.255.0',
    )
  return formatInet(ctx.family, v)
}

function commandOption(got: Got, ctx: CanonContext): XtOption {
  const cmd = COMMANDS.map((c) => got.get(c)).find((o) => o !== undefined)
  if (!cmd) ctx.fail("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'")
  return flag(cmd.canonical, cmd.negated)
}

export const recentMatch: XtModule = {
  name: 'recent',
  kind: 'match',
  options: [
    ...COMMANDS.map((c) => spec(c, 0, true)),
    spec('--seconds'),
    spec('--reap', 0),
    spec('--hitcount'),
    spec('--rttl', 0),
    spec('--name'),
    spec('--rsource', 0),
    spec('--rdest', 0),
    spec('--mask'),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('recent', raw, ctx)
    exclusive('recent', got, COMMANDS, ctx)
    exclusive('recent', got, ['--rttl', '--set'], ctx)
    exclusive('recent', got, ['--rttl', '--remove'], ctx)
    needs('recent', got, '--reap', '--seconds', ctx)
    const out = [commandOption(got, ctx)]
    const seconds = got.get('--seconds')
    if (seconds) {
      const n = needUint('recent', seconds, value(seconds), 1, 0xffffffff, ctx)
      out.push({ name: '--seconds', negated: false, values: [int32(n)] })
    }
    if (got.has('--reap')) out.push(flag('--reap'))
    const hit = got.get('--hitcount')
    const hits = hit ? needUint('recent', hit, value(hit), 0, 0xffffffff, ctx) : 0
    if (hits !== 0) out.push({ name: '--hitcount', negated: false, values: [int32(hits)] })
    if (got.has('--rttl')) out.push(flag('--rttl'))
    const name = got.get('--name')
    out.push({
      name: '--name',
      negated: false,
      values: [name ? value(name).slice(0, MAX_NAME) : 'DEFAULT'],
    })
    out.push({ name: '--mask', negated: false, values: [mask(got.get('--mask'), ctx)] })
    // --rsource and --rdest may both be given; the last one wins (recent_parse sets `side`).
    const side = [...raw]
      .reverse()
      .find((o) => o.canonical === '--rsource' || o.canonical === '--rdest')
    out.push(flag(side?.canonical ?? '--rsource'))
    return out
  },
}
