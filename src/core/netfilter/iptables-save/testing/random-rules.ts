/**
 * @module core/netfilter/iptables-save/testing/random-rules
 * Random iptables-restore payloads from the syntax kpath supports, for the property test (driven
 * by fast-check) and the live differential test (driven by a seeded PRNG). Choices are made
 * through {@link Pick} so both drivers share one grammar. Every payload is valid for
 * iptables-legacy-restore 1.8.9 on the reference kernel: targets only where the kernel allows
 * them, jumps only forward (no loops), ports only with a port protocol.
 */

/** The source of choices. */
export interface Pick {
  /** An integer in [min, max]. */
  int(min: number, max: number): number
}

const one = <T>(p: Pick, xs: readonly T[]): T => xs[p.int(0, xs.length - 1)] as T
const maybe = (p: Pick, percent: number): boolean => p.int(1, 100) <= percent

/** A seeded PRNG (mulberry32) as a {@link Pick}. */
export function seeded(seed: number): Pick {
  let s = seed >>> 0
  return {
    int(min, max) {
      s = (s + 0x6d2b79f5) >>> 0
      let t = s
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296
      return min + Math.floor(r * (max - min + 1))
    },
  }
}

function ipv4(p: Pick): string {
  return [p.int(0, 255), p.int(0, 255), p.int(0, 255), p.int(0, 255)].join('.')
}

function prefix4(p: Pick): string {
  return one(p, [
    ipv4(p),
    `${ipv4(p)}/${p.int(0, 32)}`,
    `${ipv4(p)}/255.255.${one(p, [0, 255, 240])}.0`,
  ])
}

function prefix6(p: Pick): string {
  const g = () => p.int(0, 0xffff).toString(16)
  const addr = one(p, [
    `2001:db8::${g()}`,
    `fd00:${g()}::${g()}:${g()}`,
    '::1',
    `::ffff:${ipv4(p)}`,
  ])
  return one(p, [addr, `${addr}/${p.int(0, 128)}`])
}

const COMMENT_CHARS = 'abcXYZ019_- /:."\'\\'

function comment(p: Pick, min = 0): string {
  let s = ''
  const n = p.int(min, 12)
  for (let i = 0; i < n; i++) s += COMMENT_CHARS[p.int(0, COMMENT_CHARS.length - 1)]
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`
}

function ports(p: Pick): string {
  const a = p.int(0, 65535)
  return one(p, [String(a), `${a}:${Math.min(65535, a + p.int(0, 1000))}`, `:${a}`, `${a}:`])
}

function not(p: Pick): string {
  return maybe(p, 25) ? '! ' : ''
}

/** Matches valid for any rule (no protocol needed). */
function genericMatch(p: Pick, family: 4 | 6): string {
  switch (p.int(0, 8)) {
    case 0:
      return `-m comment --comment ${comment(p)}`
    case 1:
      return `-m mark ${not(p)}--mark 0x${p.int(0, 0xffff).toString(16)}${maybe(p, 50) ? `/0x${p.int(1, 0xffff).toString(16)}` : ''}`
    case 2:
      return `-m conntrack ${not(p)}--ctstate ${one(p, ['NEW', 'ESTABLISHED,RELATED', 'INVALID', 'RELATED,ESTABLISHED,DNAT', 'snat'])}`
    case 3:
      return `-m conntrack --ctstatus ${one(p, ['ASSURED', 'SEEN_REPLY,CONFIRMED', 'NONE'])} ${not(p)}--ctexpire ${p.int(0, 100)}:${p.int(100, 9000)}`
    case 4:
      return `-m addrtype ${not(p)}--dst-type ${one(p, ['LOCAL', 'UNICAST,LOCAL', family === 4 ? 'BROADCAST' : 'ANYCAST', 'MULTICAST'])}`
    case 5:
      return `-m statistic --mode random ${not(p)}--probability 0.${p.int(0, 9999999999).toString().padStart(10, '0')}`
    case 6: {
      const every = p.int(1, 10)
      return `-m statistic --mode nth --every ${every} --packet ${p.int(0, every - 1)}`
    }
    case 7:
      return `-m recent --name R${p.int(0, 99)} ${one(p, ['--set', '--rcheck --seconds 60 --reap', '--update --hitcount 3', '--remove'])}${maybe(p, 30) ? ' --rdest' : ''}`
    default:
      return family === 4
        ? `-m iprange ${not(p)}--src-range ${ipv4(p)}-${ipv4(p)}`
        : `-m comment --comment v6`
  }
}

function protoPart(p: Pick, family: 4 | 6): { proto: string; matches: string[] } {
  const proto = one(p, [
    'tcp',
    'udp',
    'sctp',
    family === 4 ? 'icmp' : 'ipv6-icmp',
    '',
    '',
    'gre',
    '47',
  ])
  if (proto === '' || proto === 'gre' || proto === '47') return { proto, matches: [] }
  if (proto === 'icmp')
    return {
      proto,
      matches: maybe(p, 70)
        ? [
            `${not(p)}--icmp-type ${one(p, ['echo-request', '8/0', '3', 'any', 'port-unreachable'])}`,
          ]
        : [],
    }
  if (proto === 'ipv6-icmp')
    return {
      proto,
      matches: maybe(p, 70)
        ? [`${not(p)}--icmpv6-type ${one(p, ['echo-request', '1/4', '135'])}`]
        : [],
    }
  const out: string[] = []
  if (maybe(p, 60)) out.push(`${not(p)}--dport ${ports(p)}`)
  if (maybe(p, 30)) out.push(`${not(p)}--sport ${ports(p)}`)
  if (proto === 'tcp' && maybe(p, 20))
    out.push(`${not(p)}${one(p, ['--syn', '--tcp-flags SYN,ACK ACK', '--tcp-option 2'])}`)
  if (maybe(p, 15))
    out.push(
      `-m multiport ${not(p)}--dports ${p.int(1, 100)},${p.int(200, 300)}:${p.int(301, 400)}`,
    )
  return { proto, matches: out }
}

interface ChainCtx {
  readonly table: string
  readonly chain: string
  readonly builtin: boolean
  /** User chains this rule may jump to (declared after it: no loops). */
  readonly later: readonly string[]
  readonly family: 4 | 6
}

function target(p: Pick, c: ChainCtx, proto: string): string {
  const portProto = ['tcp', 'udp', 'sctp'].includes(proto)
  const opts: string[] = [
    '-j ACCEPT',
    '-j DROP',
    '-j RETURN',
    '',
    '-j MARK --or-mark 0x4000',
    '-j CONNMARK --save-mark',
  ]
  if (c.later.length > 0) opts.push(`-j ${one(p, c.later)}`, `-g ${one(p, c.later)}`)
  if (c.table === 'filter' && c.builtin)
    opts.push('-j REJECT', `-j LOG --log-prefix ${comment(p, 1)}`)
  if (c.table === 'nat') {
    opts.splice(1, 1) // no DROP in nat
    if (c.chain === 'PREROUTING' || c.chain === 'OUTPUT') {
      const addr = c.family === 4 ? ipv4(p) : `[fd00::${p.int(1, 0xfff).toString(16)}]`
      opts.push(
        portProto
          ? `-j DNAT --to-destination ${addr}:${p.int(1, 65535)}`
          : `-j DNAT --to-destination ${c.family === 4 ? addr : addr.slice(1, -1)}`,
      )
      if (portProto) opts.push(`-j REDIRECT --to-ports ${p.int(1, 65535)}`)
    }
    if (c.chain === 'POSTROUTING') opts.push('-j MASQUERADE', '-j MASQUERADE --random-fully')
  }
  if (c.table === 'raw') opts.push('-j NOTRACK', '-j CT --notrack', '-j TRACE')
  return one(p, opts)
}

function address(p: Pick, flag: string, family: 4 | 6): string {
  return `${not(p)}${flag} ${family === 4 ? prefix4(p) : prefix6(p)}`
}

/** One rule line for a chain. */
function rule(p: Pick, c: ChainCtx): string {
  const parts = [`-A ${c.chain}`]
  if (maybe(p, 40)) parts.push(address(p, '-s', c.family))
  if (maybe(p, 40)) parts.push(address(p, '-d', c.family))
  const inOk = !['OUTPUT', 'POSTROUTING'].includes(c.chain)
  const outOk = !['INPUT', 'PREROUTING'].includes(c.chain)
  if (inOk && maybe(p, 20)) parts.push(`${not(p)}-i ${one(p, ['eth0', 'veth+', 'cni0'])}`)
  if (outOk && maybe(p, 20))
    parts.push(`${not(p)}-o ${one(p, ['eth1', 'flannel.1', 'kube-bridge'])}`)
  const pp = protoPart(p, c.family)
  const negated = pp.matches.length === 0 && maybe(p, 10)
  if (pp.proto !== '') parts.push(`${negated ? '! ' : ''}-p ${pp.proto}`)
  const matches = [...pp.matches]
  for (let i = p.int(0, 2); i > 0; i--)
    matches.splice(p.int(0, matches.length), 0, genericMatch(p, c.family))
  parts.push(...matches)
  const t = target(p, c, negated ? '' : pp.proto)
  if (t !== '') parts.push(t)
  return parts.join(' ')
}

const BUILTINS: Readonly<Record<string, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
}

/**
 * A random iptables-restore payload with `tables` tables of about `rules` rules in all.
 * User chains are only jumped to from built-in chains and earlier user chains.
 */
export function randomPayload(p: Pick, family: 4 | 6, rules: number): string {
  const tables = ['filter', 'nat', 'mangle', 'raw'].filter(() => maybe(p, 60))
  if (tables.length === 0) tables.push('filter')
  const out: string[] = []
  for (const table of tables) {
    const users = Array.from(
      { length: p.int(0, 4) },
      (_, i) => `U${i}-${one(p, ['X', 'KUBE-SVC', 'kpath_c'])}`,
    )
    out.push(`*${table}`)
    for (const b of BUILTINS[table] ?? [])
      if (maybe(p, 30))
        out.push(`:${b} ${table === 'nat' ? 'ACCEPT' : one(p, ['ACCEPT', 'DROP'])} [0:0]`)
    for (const u of users) out.push(`:${u} - [0:0]`)
    const chains = [...(BUILTINS[table] ?? []), ...users]
    const n = Math.max(1, Math.round(rules / tables.length))
    for (let i = 0; i < n; i++) {
      const chain = one(p, chains)
      const ui = users.indexOf(chain)
      // Hook-restricted targets are kept to built-in chains, so user chains only get the others.
      const ctx = {
        table,
        chain,
        builtin: ui < 0,
        later: ui < 0 ? users : users.slice(ui + 1),
        family,
      }
      out.push(rule(p, ctx))
    }
    out.push('COMMIT')
  }
  return `${out.join('\n')}\n`
}
