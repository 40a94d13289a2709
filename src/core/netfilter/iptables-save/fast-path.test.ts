/**
 * The fast path (fast-path.ts) must change nothing: every input is parsed with it and without
 * it (`fastPath: false`, the general reader only), and the two outcomes — the ruleset, or the
 * error with its code, message, location and hint — must be deep-equal. Inputs: the fixtures of
 * the real iptables (this folder's and the extra extensions'), each of their rules alone, the
 * kube-proxy conformance dumps, random rulesets, and seeded mutations of all of these aimed at
 * what the fast path decides (quotes, `!`, `=`, tabs, option and chain names).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../errors.js'
import type { Ruleset } from '../rule.js'
import type { ParseOptions } from './parser.js'
import { parseCounting, parseIptablesSave } from './parser.js'
import type { Pick } from './testing/random-rules.js'
import { randomPayload, seeded } from './testing/random-rules.js'

const TESTDATA = join(import.meta.dirname, 'testdata')
const EXTRA = join(import.meta.dirname, '../xt/modules/extra/testdata')
const CONFORMANCE = '/work/shared/conformance/kube-proxy'

type Outcome =
  | { readonly ok: true; readonly ruleset: Ruleset }
  | { readonly ok: false; readonly error: Readonly<Record<string, unknown>> }

function outcome(text: string, opts: ParseOptions): Outcome {
  try {
    return { ok: true, ruleset: parseIptablesSave(text, opts) }
  } catch (e) {
    if (!isKpathError(e)) throw e
    const { code, message, location, hint } = e
    return { ok: false, error: { code, message, location, hint } }
  }
}

/** Parse both ways, expect the same outcome, and say whether the input parsed. */
function same(text: string, opts: ParseOptions): boolean {
  const fast = outcome(text, { ...opts, fastPath: true })
  const general = outcome(text, { ...opts, fastPath: false })
  expect(fast, text).toStrictEqual(general)
  return fast.ok
}

interface Input {
  readonly name: string
  readonly text: string
  readonly family: 4 | 6
}

/** This folder's fixtures: the inputs and what iptables-legacy-save printed for them. */
function fixtureInputs(): Input[] {
  const manifest = JSON.parse(readFileSync(join(TESTDATA, 'cases.json'), 'utf8')) as {
    cases: { name: string; family: 4 | 6 }[]
  }
  const out: Input[] = []
  for (const c of manifest.cases) {
    for (const suffix of ['input', 'legacy.expected']) {
      const file = join(TESTDATA, `${c.name}.${suffix}`)
      if (existsSync(file))
        out.push({ name: file, text: readFileSync(file, 'utf8'), family: c.family })
    }
  }
  return out
}

interface ExtraCase {
  readonly name: string
  readonly family: 4 | 6
  readonly table: string
  readonly invalid: readonly { readonly rule: string }[]
}

function extraCases(): ExtraCase[] {
  const file = join(EXTRA, 'manifest.json')
  if (!existsSync(file)) return []
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: ExtraCase[] }).cases
}

/** The extra extensions' fixtures: the rules given and what both backends saved. */
function extraInputs(): Input[] {
  const out: Input[] = []
  for (const c of extraCases()) {
    for (const suffix of ['rules', 'legacy.expected', 'nft.expected']) {
      const file = join(EXTRA, `${c.name}.${suffix}`)
      if (existsSync(file))
        out.push({ name: file, text: readFileSync(file, 'utf8'), family: c.family })
    }
  }
  return out
}

/**
 * Every rule of the extra fixtures (valid or refused by iptables) alone in its table, after the
 * chain declarations of what iptables-legacy-save printed, so that one bad rule does not hide
 * the others.
 */
function singleRules(): Input[] {
  const out: Input[] = []
  for (const c of extraCases()) {
    const saved = join(EXTRA, `${c.name}.legacy.expected`)
    const rules = join(EXTRA, `${c.name}.rules`)
    if (!existsSync(saved) || !existsSync(rules)) continue
    const chains = readFileSync(saved, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(':'))
    const lines = readFileSync(rules, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('-'))
    for (const rule of [...lines, ...c.invalid.map((x) => x.rule)]) {
      const text = `*${c.table}\n${chains.join('\n')}\n${rule}\nCOMMIT\n`
      out.push({ name: `${c.name}: ${rule}`, text, family: c.family })
    }
  }
  return out
}

function conformanceDumps(): Input[] {
  if (!existsSync(CONFORMANCE)) return []
  const files = readdirSync(join(CONFORMANCE, 'cases'))
    .map((d) => join(CONFORMANCE, 'cases', d, 'iptables-save.txt'))
    .filter((f) => existsSync(f))
  files.push(join(CONFORMANCE, 'overall/expected-iptables-save.txt'))
  files.push(join(CONFORMANCE, 'overall/expected-restore-payload.txt'))
  return files.map((f) => {
    const text = readFileSync(f, 'utf8')
    return { name: f, text, family: text.includes('ip6tables-') ? 6 : 4 }
  })
}

describe('the fast path reads what the general reader reads', () => {
  it('for the fixtures of the real iptables', () => {
    const inputs = [...fixtureInputs(), ...extraInputs()]
    expect(inputs.length).toBeGreaterThan(100)
    let parsed = 0
    for (const x of inputs) if (same(x.text, { family: x.family })) parsed++
    expect(parsed).toBeGreaterThan(80)
  })

  it('for every rule of the extra extensions alone, valid or not', () => {
    const inputs = singleRules()
    expect(inputs.length).toBeGreaterThan(500)
    let parsed = 0
    for (const x of inputs) if (same(x.text, { family: x.family })) parsed++
    // Both outcomes must be common for the comparison to mean much.
    expect(parsed).toBeGreaterThan(300)
    expect(inputs.length - parsed).toBeGreaterThan(100)
  })

  it.skipIf(!existsSync(CONFORMANCE))('for the kube-proxy conformance dumps', () => {
    const inputs = conformanceDumps()
    expect(inputs.length).toBe(45)
    for (const x of inputs) {
      expect(same(x.text, { family: x.family, file: x.name })).toBe(true)
      expect(same(x.text, { family: x.family, newTables: 'first' })).toBe(true)
    }
  })

  it.skipIf(!existsSync(CONFORMANCE))('applies a --noflush payload to a base ruleset alike', () => {
    const payload = readFileSync(join(CONFORMANCE, 'overall/expected-restore-payload.txt'), 'utf8')
    const base = parseIptablesSave(payload, { family: 4 })
    expect(same(payload, { family: 4, base, noflush: true })).toBe(true)
    expect(same(payload, { family: 4, base })).toBe(true)
  })

  it('for random rulesets', () => {
    const pick = (g: fc.GeneratorValue): Pick => ({
      int: (min, max) => g(fc.integer, { min, max }),
    })
    for (const family of [4, 6] as const) {
      fc.assert(
        fc.property(fc.gen(), fc.integer({ min: 1, max: 40 }), (g, n) => {
          same(randomPayload(pick(g), family, n), { family })
        }),
        { numRuns: 300 },
      )
    }
  })
})

/**
 * A kube-proxy-like dump of `n` services, built by concatenation (a rope in V8) and over 1 MiB
 * for n ≥ 2,000, so that the fast path reads it from a flat copy.
 */
function bigDump(n: number): string {
  const hex = (i: number) => i.toString(16).toUpperCase().padStart(16, '0')
  let chains = ''
  let rules = ''
  for (let i = 0; i < n; i++) {
    const svc = `KUBE-SVC-${hex(i)}`
    const sep = `KUBE-SEP-${hex(i)}`
    const ip = `10.244.${(i >> 8) & 255}.${i & 255}`
    chains += `:${sep} - [0:0]\n:${svc} - [0:0]\n`
    rules += `-A ${sep} -s ${ip}/32 -m comment --comment "ns/svc${i}:p" -j KUBE-MARK-MASQ\n`
    rules += `-A ${sep} -p tcp -m comment --comment "ns/svc${i}:p" -m tcp -j DNAT --to-destination ${ip}:80\n`
    rules += `-A ${svc} -m comment --comment "ns/svc${i}:p -> ${ip}:80" -m statistic --mode random --probability 0.50000000000 -j ${sep}\n`
    rules += `-A KUBE-SERVICES -d 10.96.${(i >> 8) & 255}.${i & 255}/32 -p tcp -m comment --comment "ns/svc${i}:p cluster IP" -m tcp --dport 80 -j ${svc}\n`
  }
  const head =
    ':PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:KUBE-MARK-MASQ - [0:0]\n:KUBE-SERVICES - [0:0]\n'
  const tail = '-A PREROUTING -j KUBE-SERVICES\n-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n'
  return `*nat\n${head}${chains}${rules}${tail}COMMIT\n`
}

describe('the fast path takes what it is for', () => {
  it('a large dump built by concatenation, read from a flat copy', () => {
    const text = bigDump(3000)
    expect(text.length).toBeGreaterThan(1 << 20)
    expect(same(text, { family: 4 })).toBe(true)
    const r = parseCounting(text, { family: 4 })
    expect(r).toMatchObject({ taken: 12_002, declined: 0 })
    // The rules keep the text of their line, which is the input's line.
    const first = r.ruleset.tables[0]?.chains.find((c) => c.name.startsWith('KUBE-SEP-'))
    expect(first?.rules[0]?.location?.text).toBe(
      text.split('\n').find((l) => l.startsWith('-A KUBE-SEP-')),
    )
  })

  it.skipIf(!existsSync(CONFORMANCE))('every rule of an iptables-save dump', () => {
    for (const x of conformanceDumps()) {
      if (x.name.endsWith('restore-payload.txt')) continue
      const r = parseCounting(x.text, { family: x.family })
      expect(r.declined, x.name).toBe(0)
      expect(r.taken, x.name).toBeGreaterThan(0)
    }
  })

  it('and leaves other lines to the general reader', () => {
    const text = [
      '*filter',
      ':X - [0:0]',
      '-A INPUT -p tcp --dport 22 -j ACCEPT', // implicit -m tcp
      '-I INPUT 1 -j X', // not -A
      '-A INPUT -m tcp -p tcp --dport=80', // inline value
      '-A INPUT -s 10.0.0.1,10.0.0.2 -j DROP', // two addresses
      '-A X -m comment --comment "a \\"b\\"" -j RETURN', // escaped quote
      '-A X -j ACCEPT',
      'COMMIT',
      '',
    ].join('\n')
    expect(parseCounting(text, { family: 4 })).toMatchObject({ taken: 1, declined: 5 })
    expect(same(text, { family: 4 })).toBe(true)
  })

  it('and is switched off by fastPath: false', () => {
    const text = '*filter\n-A INPUT -j ACCEPT\nCOMMIT\n'
    expect(parseCounting(text, { family: 4, fastPath: false })).toMatchObject({ taken: 0 })
  })
})

/** Edge cases of the decisions the fast path makes, each compared with the general reader. */
const EDGES: readonly (readonly [string, 4 | 6, string])[] = [
  [
    'a chain named like a target wins',
    4,
    '*mangle\n:MARK - [0:0]\n-A PREROUTING -j MARK\nCOMMIT\n',
  ],
  [
    'goto a chain named like a verdict',
    4,
    '*filter\n:ACCEPT - [0:0]\n-A INPUT -g ACCEPT\nCOMMIT\n',
  ],
  ['jump to a verdict-named chain', 4, '*filter\n:DROP - [0:0]\n-A INPUT -j DROP\nCOMMIT\n'],
  [
    'quoted words',
    4,
    '*filter\n:"X Y" - [0:0]\n-A "INPUT" -j "ACCEPT"\n-A INPUT -m "comment" --comment ""\nCOMMIT\n',
  ],
  ['quote inside a word', 4, '*filter\n-A INPUT -m comment --comment a"b c"\nCOMMIT\n'],
  ['a quote ends a word', 4, '*filter\n-A INPUT -m comment --comment "a"-j ACCEPT\nCOMMIT\n'],
  [
    'tabs and runs of spaces',
    4,
    '*filter\n-A\tINPUT  -p\ttcp -m tcp\t--dport 22\t-j ACCEPT\nCOMMIT\n',
  ],
  [
    '! before options',
    4,
    '*filter\n-A INPUT ! -s 10.0.0.0/8 ! -i eth0 ! -p tcp ! -f -m mark ! --mark 1\nCOMMIT\n',
  ],
  ['! on a non-negatable option', 4, '*filter\n-A INPUT -m comment ! --comment x\nCOMMIT\n'],
  ['! ! and a dangling !', 4, '*filter\n-A INPUT ! ! -s 1.2.3.4\n-A INPUT -j ACCEPT !\nCOMMIT\n'],
  ['-f in IPv6', 6, '*filter\n-A INPUT -f\nCOMMIT\n'],
  [
    '-p after the match that needs it',
    4,
    '*filter\n-A INPUT -m tcp --dport 80 -p tcp -j ACCEPT\nCOMMIT\n',
  ],
  [
    'the same match twice',
    4,
    '*filter\n-A INPUT -p tcp -m tcp --dport 1 -m tcp --sport 2\nCOMMIT\n',
  ],
  [
    'an option of an earlier match',
    4,
    '*filter\n-A INPUT -p tcp -m tcp -m comment --comment x --dport 1\nCOMMIT\n',
  ],
  [
    'optional arity',
    4,
    '*filter\n-A INPUT -m recent --name R --rcheck --seconds 60 --reap -m recent --set\nCOMMIT\n',
  ],
  [
    'two-value option',
    4,
    '*filter\n-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK ACK -j ACCEPT\n-A INPUT -p tcp -m tcp --tcp-flags SYN -j ACCEPT\nCOMMIT\n',
  ],
  [
    'a value that looks like an option',
    4,
    '*filter\n-A INPUT -m comment --comment -j ACCEPT\nCOMMIT\n',
  ],
  [
    'a long comment cut at 255 bytes',
    4,
    `*filter\n-A INPUT -m comment --comment "${'é'.repeat(200)}"\nCOMMIT\n`,
  ],
  [
    'a word of 1024 characters',
    4,
    `*filter\n-A INPUT -m comment --comment ${'x'.repeat(1024)}\nCOMMIT\n`,
  ],
  [
    'counters',
    4,
    '*filter\n[5:600] -A INPUT -j ACCEPT\n-A INPUT -c 1 2 -j ACCEPT\n[1:2] -A INPUT -c 3 4\nCOMMIT\n',
  ],
  ['directions', 4, '*filter\n-A INPUT -o eth0\n-A OUTPUT -i eth0\nCOMMIT\n'],
  [
    'interfaces',
    4,
    '*filter\n-A INPUT -i + -j ACCEPT\n-A INPUT -i eth+ -j ACCEPT\n-A INPUT -i 0123456789abcdef\nCOMMIT\n',
  ],
  [
    'addresses',
    4,
    '*filter\n-A INPUT -s 0.0.0.0/0 -d 010.1.1.1 -j ACCEPT\n-A INPUT ! -s 0.0.0.0/0\n-A INPUT -s host.example\nCOMMIT\n',
  ],
  [
    'IPv6 addresses',
    6,
    '*filter\n-A INPUT -s ::/0 -d fd00::1/64 -j ACCEPT\n-A INPUT ! -d ::/0\nCOMMIT\n',
  ],
  ['DROP in nat', 4, '*nat\n-A PREROUTING -j DROP\nCOMMIT\n'],
  [
    'nat targets',
    4,
    '*nat\n:X - [0:0]\n-A X -p tcp -j DNAT --to-destination 10.0.0.1:80\n-A X -j DNAT --to-destination 10.0.0.1:80\n-A X -p udp -j DNAT --to-destination 010.0.0.1:080\n-A X -p tcp -j DNAT --to-destination 10.0.0.1:65536\n-A X -j DNAT --to-destination 10.0.0.1\n-A X -p tcp -j DNAT --to-destination 10.0.0.1:80 --random\n-A PREROUTING -j X\n-A POSTROUTING -j X\nCOMMIT\n',
  ],
  ['IPv6 DNAT', 6, '*nat\n-A PREROUTING -p tcp -j DNAT --to-destination [fd00::1]:80\nCOMMIT\n'],
  [
    'targets from the wrong table or hook',
    4,
    '*filter\n-A INPUT -j DNAT --to-destination 1.2.3.4\nCOMMIT\n*nat\n-A PREROUTING -j MASQUERADE\nCOMMIT\n',
  ],
  [
    'jumps to built-in, missing and QUEUE',
    4,
    '*filter\n-A INPUT -j OUTPUT\n-A INPUT -j NOPE\n-A INPUT -j QUEUE\n-A INPUT -g NOPE\nCOMMIT\n',
  ],
  ['a loop', 4, '*filter\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -j B\n-A B -j A\nCOMMIT\n'],
  [
    'chains that come and go',
    4,
    '*filter\n:A - [0:0]\n:B - [0:0]\n-A A -j ACCEPT\n-F A\n-X A\n-N A\n-A A -j B\n-E B C\n-A A -j C\n-A INPUT -j A\nCOMMIT\n',
  ],
  [
    'a table twice',
    4,
    '*filter\n:A - [0:0]\n-A A -j ACCEPT\nCOMMIT\n*filter\n:A - [0:0]\n-A A -j DROP\n-A INPUT -j A\nCOMMIT\n',
  ],
  [
    'unknown extensions and options',
    4,
    '*filter\n-A INPUT -m nosuch\n-A INPUT -m tcp --nosuch 1\n-A INPUT -j NOSUCH --x\nCOMMIT\n',
  ],
  [
    'long names',
    4,
    `*filter\n:${'C'.repeat(29)} - [0:0]\n-A ${'C'.repeat(29)} -j ACCEPT\n-A INPUT -j ${'C'.repeat(29)}\nCOMMIT\n`,
  ],
  ['white space in a target name', 4, '*filter\n:A\vB - [0:0]\n-A INPUT -j A\vB\nCOMMIT\n'],
  ['a carriage return', 4, '*filter\n-A INPUT -j ACCEPT\r\nCOMMIT\n'],
]

describe('the fast path on edge cases', () => {
  for (const [what, family, text] of EDGES) {
    it(what, () => {
      same(text, { family })
      same(text, { family, file: 'rules.txt' })
    })
  }
})

/** Words the mutations put in: what the fast path looks at. */
const PIECES = [
  '!',
  '"',
  '""',
  '\\',
  '=',
  '\t',
  '-m',
  '-j',
  '-g',
  '-p',
  '-s',
  '-f',
  '-c',
  '--',
  '--dport',
  '--comment',
  '--to-destination',
  'tcp',
  'comment',
  'DNAT',
  'ACCEPT',
  'DROP',
  'KUBE-SERVICES',
  'KUBE-MARK-MASQ',
  '0/0',
  '1.2.3.4:80',
  '[1:2]',
  '-A',
  '-I',
]

function mutate(p: Pick, text: string): string {
  const lines = text.split('\n')
  const at = p.int(0, Math.max(0, lines.length - 1))
  const words = (lines[at] ?? '').split(' ')
  const w = p.int(0, Math.max(0, words.length - 1))
  const piece = PIECES[p.int(0, PIECES.length - 1)] ?? ''
  switch (p.int(0, 8)) {
    case 7:
      // Often still valid: a quoted word, or tabs between the words.
      words[w] = `"${words[w] ?? ''}"`
      break
    case 8:
      lines[at] = words.join(p.int(0, 1) === 0 ? '\t' : '  ')
      return lines.join('\n')
    case 0:
      words.splice(w, 0, piece)
      break
    case 1:
      words[w] = piece
      break
    case 2:
      words[w] = `${words[w] ?? ''}${piece}`
      break
    case 3:
      words.splice(w, 1)
      break
    case 4:
      words.splice(w, 0, words[p.int(0, words.length - 1)] ?? '')
      break
    case 5: {
      const other = lines[p.int(0, lines.length - 1)] ?? ''
      lines.splice(at, 0, other)
      return lines.join('\n')
    }
    default: {
      const i = p.int(0, Math.max(0, text.length - 1))
      return text.slice(0, i) + String.fromCharCode(p.int(9, 126)) + text.slice(i + 1)
    }
  }
  lines[at] = words.join(' ')
  return lines.join('\n')
}

describe('the fast path on mutated inputs', () => {
  it('agrees with the general reader on 4,000 mutations', () => {
    // Inputs that parse, so that a mutation is what makes one fail.
    const corpus = [...fixtureInputs(), ...extraInputs(), ...conformanceDumps()].filter(
      (x) => outcome(x.text, { family: x.family }).ok,
    )
    const p = seeded(20261121)
    let parsed = 0
    for (let i = 0; i < 4000; i++) {
      const base = corpus[p.int(0, corpus.length - 1)] as Input
      let text = base.text
      for (let k = p.int(1, 2); k > 0; k--) text = mutate(p, text)
      if (same(text, { family: base.family })) parsed++
    }
    // Both outcomes must be common for the comparison to mean much.
    expect(parsed).toBeGreaterThan(600)
    expect(4000 - parsed).toBeGreaterThan(600)
  })
})
