/**
 * mayAnswerArp is answersArp's cheap pre-test: whenever it says no, answersArp must say no.
 * Checked on every namespace and device of every example cluster (Calico's proxy_arp, flannel,
 * kube-router, underlay bridges, IPVS dummies), for every address any namespace holds plus
 * Calico's 169.254.1.1 and a stranger, asked from several senders.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { assembleCluster } from '../cluster/index.js'
import { loadCluster } from '../kube/load/index.js'
import { answersArp, mayAnswerArp } from './index.js'

const EXAMPLES = new URL('../../../examples/', import.meta.url)

const files = ['seeds/', 'clusters/'].flatMap((dir) =>
  readdirSync(new URL(dir, EXAMPLES))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `${dir}${f}`),
)

describe('mayAnswerArp', () => {
  it.each(files)('never says no where answersArp says yes (%s)', (file) => {
    const text = readFileSync(new URL(file, EXAMPLES), 'utf8')
    const state = assembleCluster(loadCluster([{ file, text }]))
    const v4 = state.namespaces.flatMap((n) =>
      n.addresses.filter((a) => a.family === 4).map((a) => a.local),
    )
    const targets = [...new Set([...v4, '169.254.1.1', '198.51.100.77'])]
    const senders = [...new Set(v4.slice(0, 6)), '0.0.0.0']
    let skipped = 0
    for (const n of state.namespaces)
      for (const l of n.links) {
        if (l.kind === 'loopback') continue
        for (const tip of targets) {
          if (mayAnswerArp(n, l.name, tip)) continue
          skipped++
          for (const sip of senders)
            expect(
              answersArp(n, l.name, tip, sip).answer,
              `${n.name} ${l.name} ${tip} ${sip}`,
            ).toBe(false)
        }
      }
    // The pre-test does rule most questions out (else it would be pointless).
    expect(skipped).toBeGreaterThan(0)
  })
})
