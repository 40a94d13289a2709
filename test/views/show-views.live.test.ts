/**
 * Live: every `kpath show` view is byte-compatible with the real tool (issue 7 §3). Each lab of
 * core/app/testing/views.ts is built for real with `labUp` (namespaces kpath-v<pid><n>-…),
 * each view is listed by the real tool in its namespace (`iptables-save` of both backends,
 * `nft list ruleset`, `ip [-j] route show table all`, `ip [-j] addr`, `ip [-j] -d link`,
 * `ip [-j] neigh`, `ip [-j] rule`, `ipset save`, `sysctl -a`, and `conntrack -L` after a real
 * probe) and compared with what `kpath show` prints, after the normalisations views.ts lists
 * (the kernel's clock, counters, random seeds and the addresses it adds on its own).
 *
 * The ipvs view is not compared: the lab refuses IPVS (core/lab/refuse.ts), and ipvsadm is
 * not installed here. Skips with the reason when the machine cannot hold a lab, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../src/adapters/node/execer.js'
import { labDown, whyNoLab } from '../../src/adapters/node/lab/index.js'
import {
  compareForm,
  conntrackNormalise,
  kpathConntrack,
  kpathView,
  unprefix,
  VIEW_LABS,
} from '../../src/core/app/testing/views.js'
import { captureLab, type LabCapture, labInputs } from './capture.js'

const execer = new NodeExecer()
const skip = process.env.CI === 'true' ? undefined : await whyNoLab(execer, 'nft')
const up: string[] = []
let counter = 0

afterAll(async () => {
  for (const id of up) await labDown(execer, id).catch(() => undefined)
})

describe.skipIf(skip !== undefined)(
  `kpath show against the real tools in a lab${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    for (const lab of VIEW_LABS)
      describe(`${lab.tag} (${lab.file})`, () => {
        const id = `v${process.pid.toString(36)}${++counter}`
        const inputs = labInputs(lab)
        let got: LabCapture | undefined
        beforeAll(async () => {
          up.push(id)
          try {
            got = await captureLab(execer, lab, id)
          } finally {
            await labDown(execer, id).catch(() => undefined)
          }
        })

        for (const check of lab.checks)
          it(`${check.name}: ${check.argv.join(' ')}`, () => {
            const real = got?.outputs[check.name]
            expect(real, 'captured').toBeDefined()
            const both = compareForm(check, kpathView(inputs, check), real ?? '', got?.prefix ?? '')
            expect(both.kpath).toBe(both.real)
          })

        for (const p of lab.probes)
          for (const node of p.nodes)
            it(`conntrack -L on ${node} after ${p.name}`, () => {
              const seen = got?.probes[p.name]
              expect(seen, 'probed').toBeDefined()
              const real = unprefix(seen?.listings[node] ?? '', got?.prefix ?? '')
              const mine = kpathConntrack(inputs, p, node, seen?.branch ?? 1)
              expect(real.trim(), 'the probe left entries').not.toBe('')
              expect(conntrackNormalise(mine, p.proto)).toBe(conntrackNormalise(real, p.proto))
            })
      })
  },
)
