/**
 * Runs differential cases against a {@link DiffLab}: the emulator's branches (predict) against
 * the kernel's one observation. A case passes when the kernel's observation equals one branch,
 * counters narrowed to the chains the packet alone reaches (observe.ts). A mismatch is checked
 * once more (a slow machine must not pass for a bug), then minimised (rules, then routes and
 * policy rules, then sysctls back to their defaults, while it still mismatches) and written to
 * `.kpath-tmp/diff/<backend>-seed-<seed>/` with the case JSON, the iptables-save text, the
 * commands and the command that reruns it.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { routeLine, ruleLine } from '../../src/core/iproute2/batch.js'
import type { NetnsState } from '../../src/core/model/netns.js'
import { parseIptablesSave } from '../../src/core/netfilter/iptables-save/index.js'
import { type DiffCase, ruleLines, withoutLine } from '../../src/core/testing/diff/case.js'
import {
  chainHooks,
  comparableCounters,
  conntrackComparable,
  differences,
  type Observation,
} from '../../src/core/testing/diff/observe.js'
import { type Prediction, predict } from '../../src/core/testing/diff/predict.js'
import type { DiffLab } from './lab.js'

export interface CaseVerdict {
  readonly ok: boolean
  /** The differences from the closest branch (empty when ok). */
  readonly diffs: readonly string[]
  readonly kernel: Observation
  readonly predictions: readonly Prediction[]
}

function narrowed(
  c: DiffCase,
  o: Observation,
  hooksOf: ReturnType<typeof chainHooks>,
  p: Prediction,
) {
  const ct = conntrackComparable(c.packet, p.observation.where) ? o.conntrack : []
  return { ...o, conntrack: ct, counters: comparableCounters(o.counters, hooksOf, p.hooks) }
}

/** The router-side interface the packet is expected out of, so the agent stops waiting early. */
function expectedIface(predictions: readonly Prediction[]): string | undefined {
  const out = predictions.map((p) => p.observation.where).filter((w) => /^r\d$/.test(w))
  return out.length === predictions.length ? out[0] : undefined
}

/** One case: kernel versus every emulator branch. */
export async function runCase(lab: DiffLab, base: NetnsState, c: DiffCase): Promise<CaseVerdict> {
  const predictions = predict(base, c)
  const kernel = await lab.observe(c, expectedIface(predictions))
  const hooksOf = chainHooks(parseIptablesSave(c.ruleset, { family: 4 }))
  let best: string[] | undefined
  for (const p of predictions) {
    const d = differences(narrowed(c, kernel, hooksOf, p), narrowed(c, p.observation, hooksOf, p))
    if (d.length === 0) return { ok: true, diffs: [], kernel, predictions }
    if (!best || d.length < best.length) best = d
  }
  return { ok: false, diffs: best ?? ['the emulator gave no branch'], kernel, predictions }
}

type Still = (c: DiffCase) => Promise<boolean>

async function shrinkList<T>(
  c: DiffCase,
  items: readonly T[],
  make: (xs: T[]) => DiffCase,
  still: Still,
) {
  let cur = c
  let xs = [...items]
  for (let i = xs.length - 1; i >= 0; i--) {
    const fewer = xs.filter((_, j) => j !== i)
    const next = make(fewer)
    if (await still(next)) {
      cur = next
      xs = fewer
    }
  }
  return cur
}

/** Rules, then routes and policy rules, then sysctls, while the case still mismatches. */
export async function minimise(c: DiffCase, still: Still): Promise<DiffCase> {
  let cur = c
  for (let changed = true; changed; ) {
    changed = false
    for (const line of ruleLines(cur.ruleset).reverse()) {
      const next = { ...cur, ruleset: withoutLine(cur.ruleset, line) }
      if (await still(next)) {
        cur = next
        changed = true
      }
    }
  }
  cur = await shrinkList(cur, cur.routes, (routes) => ({ ...cur, routes }), still)
  cur = await shrinkList(cur, cur.rules, (rules) => ({ ...cur, rules }), still)
  for (const [key, value] of Object.entries(cur.sysctls)) {
    const plain = key === 'net.ipv4.ip_forward' ? '1' : '0'
    if (value === plain) continue
    const next = { ...cur, sysctls: { ...cur.sysctls, [key]: plain } }
    if (await still(next)) cur = next
  }
  return cur
}

function report(c: DiffCase, v: CaseVerdict): string {
  const branches = v.predictions.map(
    (p, i) =>
      `branch ${i + 1} (p=${p.probability}): ${JSON.stringify(p.observation)}\n  ${p.trace.join('\n  ')}`,
  )
  return [
    `case seed ${c.seed} (${c.kind})`,
    `packet: ${JSON.stringify(c.packet)}`,
    'differences from the closest branch:',
    ...v.diffs.map((d) => `  ${d}`),
    `kernel: ${JSON.stringify(v.kernel)}`,
    ...branches,
  ].join('\n')
}

/** Write a reproducer; returns its folder. */
export async function writeReproducer(
  backend: string,
  c: DiffCase,
  v: CaseVerdict,
): Promise<string> {
  const dir = join(process.cwd(), '.kpath-tmp', 'diff', `${backend}-seed-${c.seed}`)
  await mkdir(dir, { recursive: true })
  const rerun = `KPATH_DIFF_CASE=${join(dir, 'case.json')} npx tsx scripts/diff-long-run.ts --backend ${backend}`
  await writeFile(join(dir, 'case.json'), `${JSON.stringify(c, null, 2)}\n`)
  await writeFile(join(dir, 'ruleset.rules'), c.ruleset)
  await writeFile(
    join(dir, 'ip-batch.txt'),
    `${[...c.routes.map(routeLine), ...c.rules.map(ruleLine)].join('\n')}\n`,
  )
  await writeFile(
    join(dir, 'sysctls.txt'),
    `${Object.entries(c.sysctls)
      .map(([k, x]) => `${k}=${x}`)
      .join('\n')}\n`,
  )
  await writeFile(join(dir, 'report.txt'), `${report(c, v)}\n\nrerun: ${rerun}\n`)
  return dir
}

export interface Outcome {
  readonly ok: boolean
  readonly message: string
}

/** Run, confirm, minimise and record one case. */
export async function checkCase(lab: DiffLab, base: NetnsState, c: DiffCase): Promise<Outcome> {
  const first = await runCase(lab, base, c)
  if (first.ok) return { ok: true, message: '' }
  const again = await runCase(lab, base, c)
  if (again.ok) return { ok: true, message: `seed ${c.seed}: passed on the second run` }
  const still: Still = async (x) => {
    try {
      return !(await runCase(lab, base, x)).ok
    } catch {
      return false // a shrunk case the tools refuse is not a smaller reproducer
    }
  }
  const small = await minimise(c, still)
  const verdict = await runCase(lab, base, small)
  const dir = await writeReproducer(lab.backend, small, verdict.ok ? again : verdict)
  return {
    ok: false,
    message: `seed ${c.seed} (${lab.backend}): emulator and kernel differ; minimised reproducer in ${dir}\n${report(small, verdict.ok ? again : verdict)}`,
  }
}
