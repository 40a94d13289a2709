/**
 * Fuzzing the loader: real inputs (the kube-proxy conformance files and kubectl-made
 * manifests), mutated as text and as data, never crash it: every failure is a KpathError.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments, stringify } from 'yaml'
import { KUBE_PROXY_CONFORMANCE } from '../../../../test/support/shared.js'
import { isKpathError } from '../../errors.js'
import { loadCluster } from './index.js'

const here = new URL('.', import.meta.url).pathname

function corpus(): string[] {
  const cases = join(KUBE_PROXY_CONFORMANCE, 'cases')
  const files = [
    join(KUBE_PROXY_CONFORMANCE, 'overall', 'cluster.yaml'),
    ...readdirSync(cases, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(cases, d.name, 'cluster.yaml')),
    ...readdirSync(join(here, 'testdata'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(here, 'testdata', f)),
  ]
  return files.map((f) => readFileSync(f, 'utf8'))
}

const TEXTS = corpus()

/** Load, and tell whether it threw anything other than a KpathError. */
function crashes(text: string): unknown {
  try {
    loadCluster([{ file: 'fuzz.yaml', text }])
    return undefined
  } catch (e) {
    return isKpathError(e) ? undefined : e
  }
}

const TOKENS = [
  ':',
  '-',
  ' ',
  '\n',
  '  ',
  '---\n',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  '&a ',
  '*a',
  '!!str ',
  '#',
  'null',
  '0',
  '-1',
  '65536',
  '1.5',
  'None',
  '::',
  '10.0.0.1',
  'fd00::1',
  '/33',
  'TCP',
  'IPv6',
  'List',
  'items:',
]

const textMutation = fc.oneof(
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })),
  }),
  fc.record({ kind: fc.constant('dupline' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swaplines' as const), a: fc.nat(), b: fc.nat() }),
)

type TextMutation = typeof textMutation extends fc.Arbitrary<infer T> ? T : never

function applyText(text: string, m: TextMutation): string {
  const at = (n: number) => (text.length === 0 ? 0 : n % text.length)
  const lines = text.split('\n')
  const line = (n: number) => (lines.length === 0 ? 0 : n % lines.length)
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.len)
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at))
    case 'dupline': {
      const i = line(m.at)
      return [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n')
    }
    case 'swaplines': {
      const out = [...lines]
      const [i, j] = [line(m.a), line(m.b)]
      ;[out[i], out[j]] = [out[j] ?? '', out[i] ?? '']
      return out.join('\n')
    }
  }
}

/** Every path to a value inside a JS tree. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here: (string | number)[][] = [prefix]
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => paths(x, [...prefix, i]))]
  if (typeof v === 'object' && v !== null)
    return [...here, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...prefix, k]))]
  return here
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value
  const [head, ...rest] = path
  if (Array.isArray(root)) return root.map((x, i) => (i === head ? setAt(x, rest, value) : x))
  if (typeof root === 'object' && root !== null && head !== undefined)
    return { ...root, [head]: setAt((root as Record<string, unknown>)[head], rest, value) }
  return root
}

const leaf = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '',
    'None',
    '10.0.0.300',
    'fd00::1',
    '10.0.0.0/8',
    ' 1.2.3.4/32',
    'TCP',
    'udp',
    0,
    -1,
    65536,
    3001,
    1e21,
    'http',
    true,
    [],
    {},
  ),
)

describe('loader fuzzing', () => {
  it('text mutations of real inputs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TEXTS),
        fc.array(textMutation, { minLength: 1, maxLength: 4 }),
        (text, ms) => {
          const mutated = ms.reduce(applyText, text)
          expect(crashes(mutated)).toBeUndefined()
        },
      ),
      { numRuns: 400 },
    )
  })

  it('value mutations of real inputs (any field set to any value)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TEXTS),
        fc.nat(),
        fc.nat(),
        leaf,
        (text, docPick, pathPick, value) => {
          const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown)
          const i = docPick % docs.length
          const all = paths(docs[i])
          const path = all[pathPick % all.length] ?? []
          const mutated = docs.map((d, j) => (j === i ? setAt(d, path, value) : d))
          expect(crashes(mutated.map((d) => stringify(d)).join('---\n'))).toBeUndefined()
        },
      ),
      { numRuns: 600 },
    )
  })

  it('arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(crashes(text)).toBeUndefined()
      }),
      { numRuns: 300 },
    )
  })

  it('an alias bomb is a KpathError, not an out-of-memory', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]']
    for (let i = 0; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      )
    expect(crashes(bomb.join('\n'))).toBeUndefined()
    expect(() => loadCluster([{ file: 'bomb.yaml', text: bomb.join('\n') }])).toThrow(/alias|YAML/i)
  })
})
