/**
 * @module core/testing/text-mutation
 * Test support for the parser fuzz tests: fast-check edits of a text (delete, insert a word
 * that matters to the grammar, duplicate a line, swap two words, cut), and applying them.
 * Excluded from the build (tsconfig.build.json: src/**\/testing/**).
 */
import fc from 'fast-check'

export type TextMutation =
  | { kind: 'del'; at: number; len: number }
  | { kind: 'ins'; at: number; text: string }
  | { kind: 'dupline'; at: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'cut'; at: number }

/**
 * An edit inserting words from `noise` (and, with `randomText`, arbitrary strings up to that
 * length) and deleting at most `maxDelete` characters.
 */
export function textMutation(
  noise: readonly string[],
  maxDelete: number,
  options: { readonly randomText?: number } = {},
): fc.Arbitrary<TextMutation> {
  const random =
    options.randomText === undefined
      ? []
      : [
          fc.record({
            kind: fc.constant('ins' as const),
            at: fc.nat(),
            text: fc.string({ maxLength: options.randomText }),
          }),
        ]
  return fc.oneof(
    fc.record({
      kind: fc.constant('del' as const),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: maxDelete }),
    }),
    fc.record({ kind: fc.constant('ins' as const), at: fc.nat(), text: fc.constantFrom(...noise) }),
    ...random,
    fc.record({ kind: fc.constant('dupline' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  )
}

export function applyTextMutation(text: string, m: TextMutation): string {
  const n = Math.max(1, text.length)
  switch (m.kind) {
    case 'del':
      return text.slice(0, m.at % n) + text.slice((m.at % n) + m.len)
    case 'ins':
      return text.slice(0, m.at % n) + m.text + text.slice(m.at % n)
    case 'dupline': {
      const lines = text.split('\n')
      const i = m.at % lines.length
      lines.splice(i, 0, lines[i] ?? '')
      return lines.join('\n')
    }
    case 'swap': {
      const words = text.split(' ')
      const a = m.a % words.length
      const b = m.b % words.length
      const wa = words[a] ?? ''
      words[a] = words[b] ?? ''
      words[b] = wa
      return words.join(' ')
    }
    case 'cut':
      return text.slice(0, m.at % n)
  }
}
