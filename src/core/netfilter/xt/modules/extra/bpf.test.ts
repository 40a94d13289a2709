import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'bpf', read, lookup)

describe('bpf', () => {
  it('re-prints the instructions and marks the program as always quoted', () => {
    expect(line4('-A X -m bpf --bytecode "1, 6 0 0 7"')).toBe('-A X -m bpf --bytecode "1,6 0 0 7"')
  })

  it('keeps a pinned object path', () => {
    expect(line4('-A X -m bpf --object-pinned /sys/fs/bpf/prog')).toBe(
      '-A X -m bpf --object-pinned /sys/fs/bpf/prog',
    )
    expect(errorOf('-A X -m bpf --object-pinned /p --bytecode "1,6 0 0 0"')?.code).toBe(
      'KPATH_PARSE',
    )
  })
})
