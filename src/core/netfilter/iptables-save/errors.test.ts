import { describe, expect, it } from 'vitest'
import type { ErrorCode } from '../../errors.js'
import { formatError, KpathError } from '../../errors.js'
import { iptablesExtensionNames, lookupModule } from './extensions.js'
import { parseIptablesSave } from './parser.js'

function error(text: string, family: 4 | 6 = 4, file?: string): KpathError {
  try {
    parseIptablesSave(text, file === undefined ? { family } : { family, file })
  } catch (e) {
    if (e instanceof KpathError) return e
    throw e
  }
  throw new Error('parse did not fail')
}

const t = (...lines: string[]) => `*filter\n${lines.join('\n')}\nCOMMIT\n`

/** [what, input, code, line, column, message pattern] */
const CASES: [string, string, ErrorCode, number, number, RegExp][] = [
  [
    'unknown option',
    t('-A INPUT -p tcp --dprot 80'),
    'KPATH_PARSE',
    2,
    17,
    /unknown option "--dprot"/,
  ],
  [
    'unknown match',
    t('-A INPUT -m nosuchmatch --x'),
    'KPATH_UNSUPPORTED',
    2,
    13,
    /match "nosuchmatch" is not supported/,
  ],
  [
    'undeclared jump target',
    t('-A INPUT -j NOSUCH'),
    'KPATH_UNKNOWN_CHAIN',
    2,
    13,
    /chain "NOSUCH" does not exist/,
  ],
  [
    'undeclared chain',
    t('-A NOPE -j ACCEPT'),
    'KPATH_UNKNOWN_CHAIN',
    2,
    4,
    /chain "NOPE" does not exist/,
  ],
  ['goto a target', t('-A INPUT -g ACCEPT'), 'KPATH_UNKNOWN_CHAIN', 2, 4, /chain "ACCEPT"/],
  ['intrapositioned !', t('-A INPUT -s ! 1.2.3.4'), 'KPATH_PARSE', 2, 15, /Bad argument "1.2.3.4"/],
  ['bad argument', t('-A INPUT stray'), 'KPATH_PARSE', 2, 10, /Bad argument "stray"/],
  ['double !', t('-A INPUT ! ! -s 1.2.3.4'), 'KPATH_PARSE', 2, 12, /multiple consecutive !/],
  [
    'dangling !',
    t('-A INPUT -j ACCEPT !'),
    'KPATH_PARSE',
    2,
    20,
    /nothing appropriate following !/,
  ],
  ['missing value', t('-A INPUT -s'), 'KPATH_PARSE', 2, 10, /requires an argument/],
  ['bad mask', t('-A INPUT -s 1.2.3.4/33'), 'KPATH_PARSE', 2, 13, /invalid mask "33"/],
  ['host name', t('-A INPUT -s example.com'), 'KPATH_UNSUPPORTED', 2, 13, /is a name/],
  ['bad port', t('-A INPUT -p tcp --dport 70000'), 'KPATH_PARSE', 2, 17, /invalid port/],
  ['tcp without -p', t('-A INPUT -m tcp --dport 80'), 'KPATH_PARSE', 2, 17, /needs -p tcp/],
  ['missing COMMIT', '*filter\n-A INPUT -j ACCEPT\n', 'KPATH_PARSE', 3, 1, /COMMIT expected/],
  ['rule outside a table', '-A INPUT -j ACCEPT\n', 'KPATH_PARSE', 1, 1, /outside a table/],
  ['unknown table', '*nosuch\nCOMMIT\n', 'KPATH_PARSE', 1, 2, /Table does not exist/],
  ['bad policy', t(':INPUT REJECT [0:0]'), 'KPATH_PARSE', 2, 8, /Bad policy name/],
  [
    'policy on a user chain',
    t(':FOO ACCEPT [0:0]'),
    'KPATH_PARSE',
    2,
    6,
    /Bad built-in chain name/,
  ],
  ['bad counters', t(':INPUT ACCEPT [x:0]'), 'KPATH_PARSE', 2, 15, /invalid policy counters/],
  [
    'unterminated quote',
    t('-A INPUT -m comment --comment "x'),
    'KPATH_PARSE',
    2,
    31,
    /unterminated/,
  ],
  [
    'loop',
    t(':A - [0:0]', ':B - [0:0]', '-A INPUT -j A', '-A A -j B', '-A B -j A'),
    'KPATH_LOOP',
    6,
    1,
    /A -> B -> A/,
  ],
  [
    'DNAT in filter',
    t('-A INPUT -j DNAT --to-destination 1.2.3.4'),
    'KPATH_PARSE',
    2,
    1,
    /only valid in the nat table/,
  ],
  [
    'MASQUERADE from PREROUTING',
    '*nat\n-A PREROUTING -j MASQUERADE\nCOMMIT\n',
    'KPATH_PARSE',
    2,
    1,
    /not valid from the PREROUTING/,
  ],
  ['two commands', t('-A INPUT -D INPUT'), 'KPATH_PARSE', 2, 10, /Can't use -D with -A/],
  ['no command', t('-s 1.2.3.4'), 'KPATH_PARSE', 2, 1, /no command specified/],
  ['! before -m', t('-A INPUT ! -m tcp'), 'KPATH_PARSE', 2, 12, /unexpected ! flag before --match/],
  [
    'option not invertible',
    t('-A INPUT -m comment ! --comment x'),
    'KPATH_PARSE',
    2,
    23,
    /cannot be inverted/,
  ],
  [
    'option given twice',
    t('-A INPUT -p tcp --dport 1 --dport 2'),
    'KPATH_PARSE',
    2,
    27,
    /only be used once/,
  ],
  ['-o in INPUT', t('-A INPUT -o eth0'), 'KPATH_PARSE', 2, 13, /Can't use -o with INPUT/],
  ['delete a missing rule', t('-D INPUT -j ACCEPT'), 'KPATH_PARSE', 2, 1, /Bad rule/],
  ['insert too far', t('-I INPUT 2 -j ACCEPT'), 'KPATH_PARSE', 2, 10, /Index of insertion too big/],
  [
    'delete a referenced chain',
    t(':F - [0:0]', '-A INPUT -j F', '-X F'),
    'KPATH_PARSE',
    4,
    4,
    /still referenced/,
  ],
  ['-f in IPv6', t('-A INPUT -f'), 'KPATH_PARSE', 2, 10, /not supported in IPv6/],
  ['-t in a rule', t('-A INPUT -t nat'), 'KPATH_PARSE', 2, 10, /-t option cannot be used/],
  ['ambiguous prefix', t('-A INPUT --d 1.2.3.4'), 'KPATH_PARSE', 2, 10, /unknown option "--d"/],
  [
    'chunk types',
    t('-A INPUT -p sctp --chunk-types any INIT'),
    'KPATH_PARSE',
    2,
    18,
    /not supported by kpath/,
  ],
]

describe('located errors', () => {
  for (const [what, text, code, line, column, message] of CASES) {
    it(`${what}: ${code} at ${line}:${column}`, () => {
      const e = error(text, what === '-f in IPv6' ? 6 : 4)
      expect(e.code).toBe(code)
      expect(e.message).toMatch(message)
      expect(e.location?.line).toBe(line)
      expect(e.location?.column).toBe(column)
      if (line <= text.split('\n').length) expect(e.location?.text).toBe(text.split('\n')[line - 1])
    })
  }

  it('names the file and quotes the line in the formatted error', () => {
    const e = error(t('-A INPUT -p tcp --dprot 80'), 4, 'node.rules')
    expect(formatError(e)).toBe(
      [
        'node.rules:2:17: error: unknown option "--dprot" [KPATH_PARSE]',
        '    2 | -A INPUT -p tcp --dprot 80',
        '      |                 ^',
        `hint: ${e.hint}`,
      ].join('\n'),
    )
  })

  it('lists the options of the loaded extensions for an unknown option', () => {
    const e = error(t('-A INPUT -p tcp -m tcp --dprot 80'))
    expect(e.hint).toContain(
      'tcp: --sport --source-port --dport --destination-port --syn --tcp-flags --tcp-option',
    )
  })

  const lacking = iptablesExtensionNames('match').find((n) => !lookupModule('match', n, 4))
  it.skipIf(lacking === undefined)('reports an iptables match kpath lacks as unsupported', () => {
    const e = error(t(`-A INPUT -m ${lacking}`))
    expect(e.code).toBe('KPATH_UNSUPPORTED')
    expect(e.message).toBe(`iptables extension "${lacking}" is not supported by kpath`)
    expect(e.location?.column).toBe(13)
  })

  it('lists the extensions kpath knows for an unknown match', () => {
    const e = error(t('-A INPUT -m tpc'))
    expect(e.hint).toMatch(/kpath knows these matches: .*comment.*conntrack.*tcp/)
  })

  it('points at the option an extension refuses, not at the match', () => {
    const e = error(t('-A INPUT -m statistic --mode random --probability 2'))
    expect(e.location?.column).toBe(37)
    expect(e.message).toMatch(/out of range \(0-1\)/)
  })

  it('locates errors of rules in user chains at COMMIT by the offending rule', () => {
    const text = '*nat\n:X - [0:0]\n-A X -j MASQUERADE\n-A PREROUTING -j X\nCOMMIT\n'
    const e = error(text)
    expect(e.location?.line).toBe(3)
    expect(e.message).toMatch(/MASQUERADE target is not valid from the PREROUTING chain/)
  })
})
