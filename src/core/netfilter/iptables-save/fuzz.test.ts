/**
 * Fuzz: mutated real dumps (bytes, words and lines changed by a seeded PRNG) must either parse
 * or fail with a KpathError. Any other exception (a TypeError, a RangeError from BigInt, a stack
 * overflow) is a bug.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../errors.js'
import { parseIptablesSave } from './parser.js'
import { printIptablesSave } from './printer.js'
import type { Pick } from './testing/random-rules.js'
import { seeded } from './testing/random-rules.js'

const CONFORMANCE = '/work/shared/conformance/kube-proxy'
const TESTDATA = join(import.meta.dirname, 'testdata')

function corpus(): { text: string; family: 4 | 6 }[] {
  const files: string[] = readdirSync(TESTDATA)
    .filter((f) => f.endsWith('.input') || f.endsWith('.legacy.expected'))
    .map((f) => join(TESTDATA, f))
  if (existsSync(CONFORMANCE)) {
    for (const d of readdirSync(join(CONFORMANCE, 'cases'))) {
      const f = join(CONFORMANCE, 'cases', d, 'iptables-save.txt')
      if (existsSync(f)) files.push(f)
    }
  }
  return files.map((f) => {
    const text = readFileSync(f, 'utf8')
    return { text, family: /ip6tables|v6-/.test(text + f) ? 6 : 4 }
  })
}

/** Pieces that make parsers stumble. */
const NASTY = [
  '"',
  '\\',
  '!',
  ' ! ',
  '-',
  '--',
  ':',
  '[',
  ']',
  '/',
  ',',
  '\t',
  '*',
  '#',
  'COMMIT',
  '-j',
  '-m',
  '0x',
  '999999999999999999999',
  '\u00e9',
  '\u0000',
  '=',
  "'",
]

function mutate(p: Pick, text: string): string {
  const lines = text.split('\n')
  const at = p.int(0, Math.max(0, lines.length - 1))
  const line = lines[at] ?? ''
  const words = line.split(' ')
  const w = p.int(0, Math.max(0, words.length - 1))
  switch (p.int(0, 9)) {
    case 0: {
      const i = p.int(0, Math.max(0, text.length - 1))
      return text.slice(0, i) + String.fromCharCode(p.int(0, 127)) + text.slice(i + 1)
    }
    case 1:
      words.splice(w, 1)
      break
    case 2:
      words.splice(w, 0, words[p.int(0, words.length - 1)] ?? '')
      break
    case 3:
      words.splice(w, 0, NASTY[p.int(0, NASTY.length - 1)] ?? '')
      break
    case 4:
      words[w] = (words[w] ?? '') + (NASTY[p.int(0, NASTY.length - 1)] ?? '')
      break
    case 5:
      lines.splice(at, 1)
      return lines.join('\n')
    case 6:
      lines.splice(at, 0, lines[p.int(0, lines.length - 1)] ?? '')
      return lines.join('\n')
    case 7:
      return text.slice(0, p.int(0, text.length))
    case 8: {
      const other = p.int(0, Math.max(0, words.length - 1))
      const tmp = words[w] ?? ''
      words[w] = words[other] ?? ''
      words[other] = tmp
      break
    }
    default:
      words[w] = String(p.int(0, 70000))
  }
  lines[at] = words.join(' ')
  return lines.join('\n')
}

describe('fuzz', () => {
  it('parses or throws KpathError on 12,000 mutated dumps', () => {
    const inputs = corpus()
    expect(inputs.length).toBeGreaterThan(40)
    const p = seeded(20261121)
    let parsed = 0
    let refused = 0
    for (let i = 0; i < 12_000; i++) {
      const base = inputs[p.int(0, inputs.length - 1)] as { text: string; family: 4 | 6 }
      let text = base.text
      for (let k = p.int(1, 3); k > 0; k--) text = mutate(p, text)
      try {
        printIptablesSave(parseIptablesSave(text, { family: base.family }))
        parsed++
      } catch (e) {
        if (!isKpathError(e)) throw new Error(`mutation ${i} threw ${String(e)}\n${text}`)
        refused++
      }
    }
    // Both outcomes must be common, or the mutations are too weak or too strong to mean much.
    expect(parsed).toBeGreaterThan(1000)
    expect(refused).toBeGreaterThan(1000)
  })
})
