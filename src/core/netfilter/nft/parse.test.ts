/**
 * What the parser makes of nft's listing (structure, checked on the fixtures the real nft
 * printed), and how it fails: every error is a KpathError with a location, the quoted line and
 * a hint.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { formatError, isKpathError, type KpathError } from '../../errors.js'
import { findNftChain, findNftSet, findNftTable, type NftRuleset } from './model.js'
import { parseNftRuleset } from './parse.js'
import { printExpr, printStmt } from './print-expr.js'
import { formatPriority } from './priority.js'
import { durationSeconds, formatDuration } from './time.js'

const DATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata')
const fixture = (name: string): NftRuleset =>
  parseNftRuleset(readFileSync(join(DATA, name), 'utf8'), { file: name })

function error(text: string): KpathError {
  try {
    parseNftRuleset(text, { file: 'in.nft' })
  } catch (e) {
    if (isKpathError(e)) return e
    throw e
  }
  throw new Error('expected a KpathError')
}

describe('parseNftRuleset: structure', () => {
  const kp = fixture('kube-proxy/overall.list.txt')
  const t = findNftTable(kp, 'ip', 'kube-proxy')

  it('reads the kube-proxy table, its sets, maps and base chains', () => {
    expect(t?.comment).toBe('rules for kube-proxy')
    expect(t?.sets.map((s) => `${s.kind} ${s.name}`)).toEqual([
      'set cluster-ips',
      'set nodeport-ips',
      'map firewall-ips',
      'map no-endpoint-nodeports',
      'map no-endpoint-services',
      'map service-ips',
      'map service-nodeports',
      'set affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80',
    ])
    const bases = t?.chains
      .filter((c) => c.base)
      .map((c) => [c.name, c.base?.type, c.base?.hook, c.base?.priority])
    expect(bases).toEqual([
      ['filter-prerouting-pre-dnat', 'filter', 'prerouting', -110],
      ['filter-output-pre-dnat', 'filter', 'output', -110],
      ['filter-forward', 'filter', 'forward', 0],
      ['filter-input', 'filter', 'input', 0],
      ['filter-output', 'filter', 'output', 0],
      ['nat-output', 'nat', 'output', -100],
      ['nat-postrouting', 'nat', 'postrouting', 100],
      ['nat-prerouting', 'nat', 'prerouting', -100],
    ])
  })

  it('reads set declarations and element options', () => {
    const aff = t && findNftSet(t, 'affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80')
    expect(aff).toMatchObject({ size: 65535, flags: ['dynamic', 'timeout'], timeout: '3h' })
    const ne = t && findNftSet(t, 'no-endpoint-services')
    expect(ne?.key).toEqual({ kind: 'type', types: ['ipv4_addr', 'inet_proto', 'inet_service'] })
    expect(ne?.data).toEqual({ kind: 'type', types: ['verdict'] })
    expect(ne?.elements?.[2]).toEqual({
      key: {
        kind: 'concat',
        items: [
          { kind: 'value', text: '172.30.0.46' },
          { kind: 'value', text: 'tcp' },
          { kind: 'value', text: '80' },
        ],
      },
      comment: 'ns6/svc6:p80',
      data: { kind: 'verdict', verdict: 'goto', chain: 'reject-chain' },
    })
  })

  it('reads rules statement by statement', () => {
    const masq = t && findNftChain(t, 'masquerading')
    expect(masq?.rules.map((r) => r.stmts.map((s) => s.kind))).toEqual([
      ['match', 'verdict'],
      ['assign'],
      ['nat'],
    ])
    expect(masq?.rules[0]?.stmts[0]).toEqual({
      kind: 'match',
      left: {
        kind: 'binop',
        op: '&',
        left: { kind: 'meta', key: 'mark', qualified: true },
        right: { kind: 'value', text: '0x00004000' },
      },
      op: '==',
      right: { kind: 'value', text: '0x00000000' },
    })
    expect(masq?.rules[2]?.stmts[0]).toEqual({
      kind: 'nat',
      type: 'masquerade',
      flags: ['fully-random'],
    })
    const ext = t && findNftChain(t, 'external-42NFTM6N-ns2/svc2/tcp/p80')
    expect(ext?.rules[0]?.comment).toBe('short-circuit pod traffic')
    expect(ext?.rules[1]?.stmts[0]).toEqual({
      kind: 'match',
      left: { kind: 'fib', flags: ['saddr'], result: 'type' },
      op: 'implicit',
      right: { kind: 'value', text: 'local' },
    })
    expect(ext?.rules[1]?.location).toEqual({
      file: 'kube-proxy/overall.list.txt',
      line: 163,
      column: 3,
      text: '\t\tfib saddr type local jump mark-for-masquerade comment "masquerade local traffic"',
    })
  })

  it('reads numgen vmaps and dynamic set updates', () => {
    const svc = t && findNftChain(t, 'service-HVFWP5L3-ns5/svc5/tcp/p80')
    const ng = svc?.rules[2]?.stmts[0]
    expect(ng?.kind).toBe('vmap')
    if (ng?.kind === 'vmap') {
      expect(ng.key).toEqual({ kind: 'numgen', mode: 'random', mod: 1 })
      expect(printExpr(ng.map)).toBe(
        '{ 0 : goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 }',
      )
    }
    const ep = t && findNftChain(t, 'endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80')
    expect(ep?.rules[1]?.stmts[0]).toEqual({
      kind: 'dynset',
      op: 'update',
      set: 'affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80',
      element: { key: { kind: 'payload', proto: 'ip', field: 'saddr' } },
    })
  })

  it('reads handles, table flags, devices and every family', () => {
    const tables = fixture('tables.handles.txt')
    expect(tables.tables.map((x) => `${x.family} ${x.name}`)).toEqual([
      'ip dormant',
      'ip onlycomment',
      'ip onlyflags',
      'ip empty',
      'ip6 emptychain',
      'arp a',
      'bridge b',
      'netdev n',
      'inet i',
    ])
    expect(tables.tables[0]).toMatchObject({ flags: ['dormant'], comment: 'a dormant table' })
    expect(tables.tables.every((x) => typeof x.handle === 'number')).toBe(true)
    const ingress = tables.tables[7]?.chains[0]?.base
    expect(ingress).toEqual({
      type: 'filter',
      hook: 'ingress',
      device: 'lo',
      priority: 0,
      policy: 'accept',
    })
    expect(tables.tables[6]?.chains.map((c) => c.base?.priority)).toEqual([-300, -200, 100, 295, 0])
  })

  it('reads NAT, reject and log statements', () => {
    const nat = fixture('nat.list.txt').tables[0]
    const stmts = nat?.chains.flatMap((c) => c.rules.map((r) => r.stmts.at(-1)))
    expect(stmts?.[4]).toEqual({
      kind: 'nat',
      type: 'dnat',
      to: { kind: 'value', text: '10.0.0.4-10.0.0.8:8000-8010' },
      flags: ['random'],
    })
    expect(stmts?.[6]).toEqual({
      kind: 'nat',
      type: 'dnat',
      family: 'ip',
      to: {
        kind: 'map',
        key: { kind: 'payload', proto: 'ip', field: 'daddr' },
        map: { kind: 'ref', name: 'dnatport' },
      },
    })
    const misc = fixture('meta-ct-fib.list.txt').tables[0]?.chains[0]?.rules
    const log = misc?.find(
      (r) => r.stmts[0]?.kind === 'log' && r.stmts[0].options[0]?.name === 'group',
    )
    expect(log?.stmts[0]).toEqual({
      kind: 'log',
      options: [
        { name: 'group', value: '2' },
        { name: 'snaplen', value: '100' },
        { name: 'queue-threshold', value: '5' },
      ],
    })
    const mixed = fixture('inet-ip6.list.txt').tables[0]?.chains[0]?.rules.map((r) =>
      printStmt(r.stmts.at(-1) ?? { kind: 'notrack' }),
    )
    expect(mixed?.slice(5)).toEqual([
      'reject with icmpx admin-prohibited',
      'reject',
      'reject with icmp port-unreachable',
      'reject with icmpv6 port-unreachable',
      'reject with tcp reset',
    ])
  })
})

describe('parseNftRuleset: errors', () => {
  it('locates a missing closing brace', () => {
    const e = error('table ip t {\n\tchain c {\n\t\taccept\n')
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.location).toMatchObject({ file: 'in.nft', line: 3, column: 9, text: '\t\taccept' })
    expect(e.message).toBe('chain c is not closed')
  })

  it('quotes the line and points at the token', () => {
    const e = error('table ip t {\n\tchain c {\n\t\tip saddr 10.0.0.1 acept\n\t}\n}\n')
    expect(e.location).toEqual({
      file: 'in.nft',
      line: 3,
      column: 21,
      text: '\t\tip saddr 10.0.0.1 acept',
    })
    expect(e.message).toBe('unknown statement "acept"')
    expect(e.hint).toMatch(/nft list ruleset/)
    expect(formatError(e)).toContain('in.nft:3:21: error: unknown statement "acept" [KPATH_PARSE]')
  })

  it('rejects unknown families, hooks, priorities and meta keys with hints', () => {
    expect(error('table ipx t {\n}\n').hint).toContain('inet')
    const hook = error(
      'table ip t {\n\tchain c {\n\t\ttype filter hook inbound priority filter; policy accept;\n\t}\n}\n',
    )
    expect(hook.message).toBe('unknown hook "inbound"')
    expect(hook.location?.column).toBe(20)
    const prio = error(
      'table ip t {\n\tchain c {\n\t\ttype filter hook input priority out; policy accept;\n\t}\n}\n',
    )
    expect(prio.message).toBe('unknown priority "out" for family ip')
    const meta = error('table ip t {\n\tchain c {\n\t\tmeta marks 0x1 accept\n\t}\n}\n')
    expect(meta.message).toBe('unknown meta key "marks"')
  })

  it('rejects maps without data and sets with data', () => {
    const e = error(
      'table ip t {\n\tmap m {\n\t\ttype ipv4_addr : verdict\n\t\telements = { 1.1.1.1 }\n\t}\n}\n',
    )
    expect(e.message).toBe('a map element needs ": data"')
    expect(error('table ip t {\n\tset s {\n\t\tflags interval\n\t}\n}\n').message).toBe(
      'set s has no type',
    )
  })

  it('refuses named objects it does not model as KPATH_UNSUPPORTED', () => {
    const e = error('table ip t {\n\tcounter c {\n\t\tpackets 0 bytes 0\n\t}\n}\n')
    expect(e.code).toBe('KPATH_UNSUPPORTED')
    expect(e.location).toMatchObject({ line: 2, column: 2 })
  })

  it('reports an unterminated string', () => {
    const e = error('table ip t {\n\tcomment "oops\n}\n')
    expect(e.message).toBe('unterminated string')
    expect(e.location).toMatchObject({ line: 2, column: 10 })
  })

  it('refuses text that is not a listing', () => {
    expect(error('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n').message).toBe(
      'expected "table", found "*filter"',
    )
  })
})

describe('priorities and durations', () => {
  it('names priorities the way nft 1.0.6 does', () => {
    expect(formatPriority('ip', 'prerouting', -110)).toBe('dstnat - 10')
    expect(formatPriority('ip', 'output', -110)).toBe('-110')
    expect(formatPriority('ip', 'output', -100)).toBe('-100')
    expect(formatPriority('ip', 'postrouting', 100)).toBe('srcnat')
    expect(formatPriority('ip', 'input', 100)).toBe('100')
    expect(formatPriority('inet', 'forward', -289)).toBe('-289')
    expect(formatPriority('bridge', 'output', 110)).toBe('out + 10')
    expect(formatPriority('netdev', 'ingress', -300)).toBe('-300')
  })

  it('reads and writes nft durations', () => {
    expect(durationSeconds('3h')).toBe(10800)
    expect(durationSeconds('59m59s988ms')).toBeCloseTo(3599.988, 6)
    expect(durationSeconds('1d2h')).toBe(93600)
    expect(durationSeconds('5ms')).toBe(0.005)
    expect(durationSeconds('3x')).toBeUndefined()
    expect(formatDuration(10800)).toBe('3h')
    expect(formatDuration(90)).toBe('1m30s')
    expect(formatDuration(3599.988)).toBe('59m59s988ms')
  })
})
