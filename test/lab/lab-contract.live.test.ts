/**
 * The kernel's side of the lab contract: for each example of test/lab/flows.ts and each
 * iptables backend, `labUp` builds the cluster in real namespaces (kpath-c<pid><n>-…), each
 * flow is probed, and the kernel's answers must equal the emulator's predictions:
 *
 * - the verdicts (delivered where, the source the server saw, TTL at arrival; refused;
 *   unanswered): every observed one is predicted, and with enough attempts every predicted one
 *   is observed (the set of pods that can answer);
 * - conditioning on the kernel's choice (the endpoint that answered the first attempt), the
 *   emulator branch delivered there predicts the conntrack entries of every namespace whose
 *   rules make the kernel track connections, with random ports normalised;
 * - the nat rules that branch matched (request and reply) are exactly those whose counters grew
 *   (nat sees only a connection's first packet); in the other tables every rule the emulator
 *   matched was counted (the kernel also counts the handshake's later packets).
 *
 * Skips with the reason when the machine cannot hold a lab, except in CI (CI=true).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../src/adapters/node/execer.js'
import {
  labDown,
  labProbe,
  labUp,
  loadWorld,
  planFor,
  whyNoLab,
} from '../../src/adapters/node/lab/index.js'
import { traceBetween } from '../../src/core/app/cluster-trace.js'
import {
  clientPort,
  observedVerdict,
  predictedConntrack,
  predictedRules,
  predictedVerdict,
} from '../../src/core/lab/compare.js'
import type { IptablesBackend } from '../../src/core/lab/plan.js'
import type { ClusterBranch } from '../../src/core/walk/types.js'
import { REPO_ROOT } from '../support/shared.js'
import { FLOWS, type Flow, flowName } from './flows.js'

const execer = new NodeExecer()
const skip = process.env.CI === 'true' ? undefined : await whyNoLab(execer, 'nft')
const labs: string[] = []
let counter = 0

afterAll(async () => {
  for (const name of labs) await labDown(execer, name).catch(() => undefined)
})

const input = (file: string) => ({ file, text: readFileSync(join(REPO_ROOT, file), 'utf8') })
const files = [...new Set(FLOWS.map((f) => f.file))]

function emulate(f: Flow) {
  return traceBetween({
    inputs: [input(f.file)],
    from: f.from,
    to: f.to,
    ...(f.port === undefined ? {} : { port: f.port }),
    ...(f.proto === undefined ? {} : { proto: f.proto }),
  })
}

function nonNat(rules: readonly string[]): string[] {
  return rules.filter((r) => !r.startsWith('nat:'))
}

describe.skipIf(skip !== undefined)(
  `the kernel answers as the emulator predicts${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    for (const backend of ['legacy', 'nft'] as IptablesBackend[])
      for (const file of files)
        describe(`${file} (${backend})`, () => {
          const name = `c${process.pid.toString(36)}${++counter}`
          const inputs = [input(file)]
          const world = loadWorld(inputs)
          const plan = planFor(world, name, backend)
          let built: Promise<unknown> | undefined
          const up = () => {
            labs.push(name)
            // Links coming up send unsolicited IGMP reports (a bridge joins 224.0.0.106) for up
            // to 2 s (robustness 2 × igmpv3_unsolicited_report_interval 1 s); they would count
            // in the nat rules and conntrack of a probe. Let the lab settle first.
            built ??= labUp(plan, { execer, inputs }).then(
              () => new Promise((r) => setTimeout(r, 2500)),
            )
            return built
          }

          for (const f of FLOWS.filter((x) => x.file === file))
            it(flowName(f), async () => {
              await up()
              const proto = f.proto ?? 'tcp'
              const seen = await labProbe(execer, plan, world, {
                from: f.from,
                to: f.to,
                fresh: true,
                count: f.count ?? 1,
                ...(f.port === undefined ? {} : { port: f.port }),
                ...(f.proto === undefined ? {} : { proto: f.proto }),
              })
              const verdicts = seen.attempts.map((a) =>
                observedVerdict(a.outcome, proto, clientPort(a.local)),
              )
              expect([...new Set(verdicts)].sort(), 'the verdicts').toEqual(f.verdicts)

              const trace = emulate(f).trace
              const first = verdicts[0]
              const branch = trace.branches.find(
                (b) => predictedVerdict(b, proto) === first,
              ) as ClusterBranch
              const tracked = new Set(Object.keys(seen.conntrack))
              const predicted = Object.fromEntries(
                [...predictedConntrack(branch)].filter(([ns]) =>
                  plan.namespaces.some((n) => n.model === ns && n.iptables4 !== undefined),
                ),
              )
              const kernel = Object.fromEntries(
                Object.entries(seen.conntrack).map(([k, v]) => [k, v.join(' | ')]),
              )
              if (f.differs === 'rst-kills-conntrack') {
                // docs/FIDELITY.md: an RST answering a SYN kills the kernel's entry at once.
                expect(kernel).toEqual({})
                expect(Object.keys(predicted).length).toBeGreaterThan(0)
              } else
                expect(kernel, `conntrack (kernel tracks in ${[...tracked].join(', ')})`).toEqual(
                  predicted,
                )

              for (const n of plan.namespaces.filter((x) => x.iptables4 !== undefined)) {
                const rs = world.state.namespaces.find((s) => s.name === n.model)?.iptables.ipv4
                const walks = [branch, ...(branch.reply ? [branch.reply] : [])]
                const ours = predictedRules(walks, n.model, rs)
                const kernel = seen.rulesHit[n.model] ?? []
                expect(
                  kernel.filter((r) => r.startsWith('nat:')),
                  `nat rules hit in ${n.model}`,
                ).toEqual(ours.filter((r) => r.startsWith('nat:')))
                expect(kernel, `other rules hit in ${n.model}`).toEqual(
                  expect.arrayContaining(nonNat(ours)),
                )
              }
            })

          it('tears down completely', async () => {
            await up()
            await labDown(execer, name)
            const left = (await execer.run(['ip', 'netns', 'list'])).stdout
            expect(left.split('\n').filter((l) => l.startsWith(`kpath-${name}-`))).toEqual([])
          })
        })
  },
)
