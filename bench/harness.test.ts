/**
 * @module bench/harness.test
 * The harness around the cases: verdicts, medians, flags, the restore reference's commands
 * (every one inside a `kpath-bench-` namespace, never the root one) and the recorded section.
 */
import { describe, expect, test } from 'vitest'
import { FakeExecer } from '../src/adapters/node/fake-execer.js'
import { judge } from './case.js'
import { generateKubeDump } from './gen-kube-dump.js'
import { countRuleLines } from './kube/save-format.js'
import { parseBenchOptions } from './options.js'
import { consoleTable, markdownSection, type Outcome } from './report.js'
import { timeLegacyRestore } from './restore-timing.js'
import { median } from './stats.js'

describe('judge', () => {
  const ratio = { description: '≤ 0.5 ×', maxRatio: 0.5 }
  test.each([
    [{ value: 10, unit: 'ms', ratio: 0.5 }, 'MET'],
    [{ value: 10, unit: 'ms', ratio: 0.51 }, 'MISSED'],
    [{ value: 10, unit: 'ms' }, 'NO REFERENCE'],
  ] as const)('ratio target: %o → %s', (result, verdict) => {
    expect(judge(ratio, result)).toBe(verdict)
  })

  test('a value bound is judged even without a reference', () => {
    const both = { description: '', maxRatio: 1, maxValue: 50 }
    expect(judge(both, { value: 60, unit: 'ms' })).toBe('MISSED')
    expect(judge({ description: '', maxValue: 50 }, { value: 50, unit: 'ms' })).toBe('MET')
  })

  test('every further bound of a result must hold', () => {
    const target = { description: '', maxValue: 50 }
    const bound = (value: number) => ({ label: 'peak RSS', value, max: 4096, unit: 'MiB' })
    expect(judge(target, { value: 10, unit: 'ms', bounds: [bound(4096)] })).toBe('MET')
    expect(judge(target, { value: 10, unit: 'ms', bounds: [bound(4097)] })).toBe('MISSED')
  })
})

test('median of odd and even counts, unsorted input', () => {
  expect(median([5, 1, 3])).toBe(3)
  expect(median([4, 1, 3, 2])).toBe(2.5)
  expect(() => median([])).toThrow(expect.objectContaining({ code: 'KPATH_INVALID_ARGUMENT' }))
})

describe('options', () => {
  test('defaults: 10,000 × 3, 5 runs after 1 warm-up, 3 restore runs, recorded', () => {
    expect(parseBenchOptions([])).toMatchObject({
      services: 10_000,
      endpoints: 3,
      runs: 5,
      warmups: 1,
      restoreRuns: 3,
      record: true,
      only: [],
    })
  })

  test.each([
    ['--runs', '4'],
    ['--restore-runs', '2'],
    ['--warmups', '0'],
    ['--services', '1e3'],
    ['--bogus'],
  ])('rejects %s %s', (...argv) => {
    expect(() => parseBenchOptions(argv)).toThrow(
      expect.objectContaining({ code: 'KPATH_INVALID_ARGUMENT' }),
    )
  })
})

describe('restore reference', () => {
  const text = generateKubeDump({ services: 2 }).text
  const isRoot = typeof process.getuid !== 'function' || process.getuid() === 0

  test('skips when the tool is missing, without running anything', async () => {
    const fake = new FakeExecer([], ['ip'])
    expect(await timeLegacyRestore(fake, text)).toEqual({
      kind: 'skipped',
      reason: 'iptables-legacy-restore is not installed',
    })
    expect(fake.calls).toEqual([])
  })

  test.skipIf(!isRoot)(
    'runs only inside its own kpath-bench- namespace, and deletes it',
    async () => {
      const ns = `kpath-bench-${process.pid}-1`
      const exec = (...argv: string[]) => ({
        argv: ['ip', 'netns', 'exec', ns, ...argv],
        stdin: text,
      })
      const fake = new FakeExecer(
        [
          { argv: ['ip', 'netns', 'add', ns] },
          exec('iptables-legacy-restore', '--test'),
          exec('iptables-legacy-restore', '--test'),
          exec('iptables-legacy-restore', '--test'),
          exec('iptables-legacy-restore'),
          { argv: ['ip', 'netns', 'del', ns] },
        ],
        ['ip', 'iptables-legacy-restore'],
      )
      const timing = await timeLegacyRestore(fake, text)
      expect(timing).toMatchObject({ kind: 'measured', netns: ns })
      expect(timing.kind === 'measured' && timing.testRunsMs).toHaveLength(3)
      expect(fake.pending()).toEqual([])
    },
  )

  test.skipIf(!isRoot)(
    'a failing restore is a KPATH_EXEC error, and the namespace is still deleted',
    async () => {
      const ns = `kpath-bench-${process.pid}-2`
      const fake = new FakeExecer(
        [
          { argv: ['ip', 'netns', 'add', ns] },
          {
            argv: ['ip', 'netns', 'exec', ns, 'iptables-legacy-restore', '--test'],
            result: { code: 2, stderr: 'iptables-restore: line 3 failed' },
          },
          { argv: ['ip', 'netns', 'del', ns] },
        ],
        ['ip', 'iptables-legacy-restore'],
      )
      await expect(timeLegacyRestore(fake, text)).rejects.toMatchObject({ code: 'KPATH_EXEC' })
      expect(fake.pending()).toEqual([])
    },
  )
})

describe('report', () => {
  const dump = generateKubeDump({ services: 3 })
  const outcomes: Outcome[] = [
    {
      kind: 'done',
      name: 'iptables-parse',
      target: { description: '≤ 0.5 × restore', maxRatio: 0.5 },
      result: {
        value: 600,
        unit: 'ms',
        reference: { label: 'restore', value: 1000, unit: 'ms' },
        ratio: 0.6,
      },
      verdict: 'MISSED',
    },
    { kind: 'not available', name: 'trace-first-packet', reason: 'import failed: x' },
  ]

  test('the console table has one row per case, with the verdict', () => {
    const lines = consoleTable(outcomes).split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toMatch(
      /^iptables-parse +600 ms +1,000 ms \(restore\) +0\.60 +≤ 0\.5 × restore +MISSED$/,
    )
    expect(lines[2]).toContain('NOT AVAILABLE: import failed: x')
  })

  test('the Markdown section is dated and names the machine, the dump and the reference', () => {
    const machine = {
      date: '2026-11-21',
      nproc: 2,
      node: 'v20.20.2',
      cpu: 'cpu',
      kernel: '6.1',
      commit: 'abc',
    }
    const restore = {
      kind: 'measured',
      testRunsMs: [900, 1000, 1100],
      testMedianMs: 1000,
      loadMs: 1500,
      netns: 'kpath-bench-1-1',
    } as const
    const md = markdownSection({ machine, dump, generateMs: 5, restore, outcomes })
    expect(md.split('\n')[0]).toBe('## 2026-11-21 nproc 2, node v20.20.2')
    expect(md).toContain(`- dump: 3 services × 3 endpoints, ${dump.lines} lines`)
    expect(md).toContain(
      '--test: median 1,000 ms (runs 900 ms, 1,000 ms, 1,100 ms); real load once: 1,500 ms',
    )
    expect(md).toContain(
      '| iptables-parse | 600 ms | 1,000 ms (restore) | 0.60 | ≤ 0.5 × restore | MISSED |',
    )
  })
})

test('countRuleLines counts the -A lines of a dump', () => {
  expect(countRuleLines(generateKubeDump({ services: 4, endpointsPerService: 2 }).text)).toBe(
    // filter 15, nat fixed 7 + the NodePorts catch-all, then 2 + 3E per service
    15 + 8 + 4 * (2 + 3 * 2),
  )
})
