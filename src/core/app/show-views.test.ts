/**
 * `kpath show` byte-compatibility against captured real output (issue 7 §3): each view of
 * testing/views.ts must print what the real tool listed in a lab built from the same example
 * (testdata/views/, scripts/gen-view-fixtures.ts; tool versions in versions.txt), after the
 * normalisations views.ts lists. test/views/show-views.live.test.ts repeats this live.
 */
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  compareForm,
  conntrackNormalise,
  kpathConntrack,
  kpathView,
  labText,
  unprefix,
  VIEW_LABS,
} from './testing/views.js'

const root = new URL('./testdata/views/', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')
const repo = new URL('../../../', import.meta.url)

describe('the fixtures name their tools', () => {
  it('versions.txt records the kernel and every tool', () => {
    const v = read('versions.txt')
    for (const tool of ['uname', 'ip', 'iptables-legacy', 'iptables-nft', 'nft', 'ipset'])
      expect(v).toMatch(new RegExp(`^${tool} `, 'm'))
  })
})

for (const lab of VIEW_LABS)
  describe(`${lab.tag}: kpath show prints what the real tools listed`, () => {
    const meta = JSON.parse(read(`${lab.tag}/lab.json`)) as {
      file: string
      prefix: string
      branches: Record<string, number>
    }
    const text = labText(lab, readFileSync(new URL(lab.file, repo), 'utf8'))
    const inputs = [{ file: lab.file, text }]

    for (const check of lab.checks)
      it(`${check.name}: ${check.argv.join(' ')}`, () => {
        const real = read(`${lab.tag}/${check.name}`)
        const both = compareForm(check, kpathView(inputs, check), real, meta.prefix)
        expect(both.kpath).toBe(both.real)
      })

    for (const p of lab.probes)
      for (const node of p.nodes)
        it(`conntrack -L on ${node} after ${p.name}`, () => {
          const file = `${lab.tag}/conntrack.${p.name}.${node}.txt`
          expect(existsSync(new URL(file, root))).toBe(true)
          const real = unprefix(read(file), meta.prefix)
          const branch = meta.branches[p.name] ?? 0
          const mine = kpathConntrack(inputs, p, node, branch)
          expect(conntrackNormalise(mine, p.proto)).toBe(conntrackNormalise(real, p.proto))
        })
  })
