/**
 * @module core/netfilter/xt/modules/extra/hmark
 * `-j HMARK` (libxt_HMARK): set the mark from a hash of chosen packet fields. `--hmark-tuple`
 * is shorthand for full masks (`src` is `--hmark-src-prefix 32`/`128`, `sport` is
 * `--hmark-sport-mask 0xffff`, `proto` is `--hmark-proto-mask 0xffff`, `spi` is
 * `--hmark-spi-mask 0xffffffff`), so iptables-save prints the masks instead, then
 * `--hmark-tuple ct` last when conntrack was asked for. Masks and values print in fixed-width
 * hex, the modulus and offset in decimal.
 *
 * Ports and the SPI share storage (a union), as in the kernel's `struct xt_hmark_info`: an SPI
 * value overwrites both port values and the other way round, in command-line order.
 */
import type { Family } from '../../../../net/ip.js'
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { hex } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import { ALL_ONES, maskToCidr, plen, plenToMask } from './lib/inet.js'
import type { Opts } from './lib/options.js'
import { arg, uint } from './lib/xtopt.js'

/** Flag bits, in save order. */
const F = {
  sportMask: 0,
  dportMask: 1,
  spiMask: 2,
  sport: 3,
  dport: 4,
  spi: 5,
  protoMask: 6,
  rnd: 7,
  mod: 8,
  offset: 9,
  ct: 10,
  src: 11,
  dst: 12,
} as const
type Flag = keyof typeof F

interface Info {
  flags: Set<Flag>
  src: bigint
  dst: bigint
  /** port_mask and port_set: 32 bits, source port in the high half, as the union stores them. */
  portMask: bigint
  portSet: bigint
  protoMask: bigint
  rnd: bigint
  mod: bigint
  offset: bigint
}

const TUPLE: readonly (readonly [string, Flag])[] = [
  ['ct', 'ct'],
  ['src', 'src'],
  ['dst', 'dst'],
  ['sport', 'sportMask'],
  ['dport', 'dportMask'],
  ['proto', 'protoMask'],
  ['spi', 'spiMask'],
]

const hi16 = (v: bigint, x: bigint) => (v & 0xffffn) | (x << 16n)
const lo16 = (v: bigint, x: bigint) => (v & 0xffff0000n) | x

/** One `--hmark-tuple` item: a case-insensitive prefix of a field name sets its full mask. */
function tupleItem(
  info: Info,
  item: string,
  family: Family,
  o: RawOption,
  ctx: CanonContext,
): Flag {
  const hit = TUPLE.find(
    ([n]) =>
      item !== '' &&
      n.slice(0, item.length).toLowerCase() === item.toLowerCase() &&
      item.length <= n.length,
  )
  if (!hit)
    return ctx.fail(
      `bad type "${item}"`,
      o,
      'use ct, src, dst, sport, dport, proto and spi, separated by commas',
    )
  const f = hit[1]
  if (f === 'src') info.src = ALL_ONES[family]
  if (f === 'dst') info.dst = ALL_ONES[family]
  if (f === 'sportMask') info.portMask = hi16(info.portMask, 0xffffn)
  if (f === 'dportMask') info.portMask = lo16(info.portMask, 0xffffn)
  if (f === 'protoMask') info.protoMask = 0xffffn
  if (f === 'spiMask') info.portMask = 0xffffffffn
  info.flags.add(f)
  return f
}

function tuple(info: Info, o: RawOption, ctx: CanonContext, seen: Set<Flag>): void {
  const text = arg(o)
  const items = text.split(',')
  if (items[items.length - 1] === '') {
    ctx.fail(
      '"--hmark-tuple" requires a list of types with no spaces, e.g. src,dst,sport,dport,proto',
      o,
    )
  }
  for (const item of items) seen.add(tupleItem(info, item, ctx.family, o, ctx))
}

/** The flag an explicit option sets, and how it stores its value. */
function option(info: Info, o: RawOption, ctx: CanonContext): Flag {
  const u = (bits: 16 | 32, min = 0n) => uint('HMARK', o, ctx, bits, min)
  switch (o.canonical) {
    case '--hmark-src-prefix':
      info.src = plenToMask(plen('HMARK', o, arg(o), ctx.family, ctx), ctx.family)
      return 'src'
    case '--hmark-dst-prefix':
      info.dst = plenToMask(plen('HMARK', o, arg(o), ctx.family, ctx), ctx.family)
      return 'dst'
    case '--hmark-sport-mask':
      info.portMask = hi16(info.portMask, u(16))
      return 'sportMask'
    case '--hmark-dport-mask':
      info.portMask = lo16(info.portMask, u(16))
      return 'dportMask'
    case '--hmark-spi-mask':
      info.portMask = u(32)
      return 'spiMask'
    case '--hmark-sport':
      info.portSet = hi16(info.portSet, u(16))
      return 'sport'
    case '--hmark-dport':
      info.portSet = lo16(info.portSet, u(16))
      return 'dport'
    case '--hmark-spi':
      info.portSet = u(32)
      return 'spi'
    case '--hmark-proto-mask':
      info.protoMask = u(16)
      return 'protoMask'
    case '--hmark-rnd':
      info.rnd = u(32)
      return 'rnd'
    case '--hmark-mod':
      info.mod = u(32, 1n)
      return 'mod'
    default:
      info.offset = u(32)
      return 'offset'
  }
}

function read(o: Opts, ctx: CanonContext): Info {
  const info: Info = {
    flags: new Set(),
    src: 0n,
    dst: 0n,
    portMask: 0n,
    portSet: 0n,
    protoMask: 0n,
    rnd: 0n,
    mod: 0n,
    offset: 0n,
  }
  // libxt_HMARK marks tuple fields as given, so an explicit option after them is a second use.
  const seen = new Set<Flag>()
  for (const x of o.list) {
    if (x.canonical === '--hmark-tuple') {
      tuple(info, x, ctx, seen)
      continue
    }
    const f = option(info, x, ctx)
    if (seen.has(f))
      ctx.fail(
        `HMARK: option "${x.canonical}" can only be used once`,
        x,
        'drop it or the --hmark-tuple item that sets it',
      )
    seen.add(f)
    info.flags.add(f)
  }
  return info
}

function check(info: Info, o: Opts, ctx: CanonContext): void {
  if (!info.flags.has('mod')) ctx.fail('--hmark-mod is mandatory', undefined, 'add --hmark-mod N')
  if (!info.flags.has('rnd')) ctx.fail('--hmark-rnd is mandatory', undefined, 'add --hmark-rnd N')
  if (info.flags.has('spiMask') && (info.flags.has('sportMask') || info.flags.has('dportMask'))) {
    ctx.fail(
      'you cannot use --hmark-spi-mask and --hmark-?port-mask at the same time',
      o.get('--hmark-spi-mask'),
    )
  }
  // hmark_tg_check refuses an SPI value together with port values (they share storage).
  if (info.flags.has('spi') && (info.flags.has('sport') || info.flags.has('dport'))) {
    ctx.fail(
      'HMARK: the kernel refuses --hmark-spi together with --hmark-sport or --hmark-dport',
      o.get('--hmark-spi'),
    )
  }
  const hashed = [
    'src',
    'dst',
    'sportMask',
    'dportMask',
    'spiMask',
    'protoMask',
    'sport',
    'dport',
    'spi',
    'ct',
  ] as const
  if (!hashed.some((f) => info.flags.has(f)))
    ctx.fail('you have to specify --hmark-tuple at least', undefined, 'add --hmark-tuple src,dst')
}

function save(info: Info, family: Family): XtOption[] {
  const out: XtOption[] = []
  const has = (f: Flag) => info.flags.has(f)
  if (has('src')) out.push(opt('--hmark-src-prefix', [String(maskToCidr(info.src, family))]))
  if (has('dst')) out.push(opt('--hmark-dst-prefix', [String(maskToCidr(info.dst, family))]))
  if (has('sportMask')) out.push(opt('--hmark-sport-mask', [hex(info.portMask >> 16n, 4)]))
  if (has('dportMask')) out.push(opt('--hmark-dport-mask', [hex(info.portMask & 0xffffn, 4)]))
  if (has('spiMask')) out.push(opt('--hmark-spi-mask', [hex(info.portMask, 8)]))
  if (has('sport')) out.push(opt('--hmark-sport', [hex(info.portSet >> 16n, 4)]))
  if (has('dport')) out.push(opt('--hmark-dport', [hex(info.portSet & 0xffffn, 4)]))
  if (has('spi')) out.push(opt('--hmark-spi', [hex(info.portSet, 8)]))
  if (has('protoMask')) out.push(opt('--hmark-proto-mask', [hex(info.protoMask, 2)]))
  if (has('rnd')) out.push(opt('--hmark-rnd', [hex(info.rnd, 8)]))
  if (has('mod')) out.push(opt('--hmark-mod', [String(info.mod)]))
  if (has('offset')) out.push(opt('--hmark-offset', [String(info.offset)]))
  if (has('ct')) out.push(opt('--hmark-tuple', ['ct']))
  return out
}

export const hmarkTarget = defineModule({
  name: 'HMARK',
  kind: 'target',
  options: [
    { names: ['--hmark-tuple'] },
    { names: ['--hmark-src-prefix'] },
    { names: ['--hmark-dst-prefix'] },
    { names: ['--hmark-sport-mask'] },
    { names: ['--hmark-dport-mask'] },
    { names: ['--hmark-spi-mask'] },
    { names: ['--hmark-sport'] },
    { names: ['--hmark-dport'] },
    { names: ['--hmark-spi'] },
    { names: ['--hmark-proto-mask'] },
    { names: ['--hmark-rnd'] },
    { names: ['--hmark-mod'], mand: true },
    { names: ['--hmark-offset'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const info = read(o, ctx)
    check(info, o, ctx)
    return save(info, ctx.family)
  },
})
