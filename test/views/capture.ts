/**
 * Build each lab of core/app/testing/views.ts for real (`labUp`), list every check's view with
 * the real tool inside the lab namespace, then probe and list `conntrack -L`. Used by the live
 * test and by scripts/gen-view-fixtures.ts. Namespaces are `kpath-<lab id>-…`; the caller
 * picks a unique id and tears the lab down (labDown) whatever happens.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { labProbe, labUp, loadWorld, planFor } from '../../src/adapters/node/lab/index.js'
import { traceBetween } from '../../src/core/app/cluster-trace.js'
import { pick } from '../../src/core/app/show.js'
import { labText, type ViewLab } from '../../src/core/app/testing/views.js'
import type { Execer } from '../../src/core/exec.js'
import { clientPort, observedVerdict, predictedVerdict } from '../../src/core/lab/compare.js'
import { labNetnsName } from '../../src/core/lab/names.js'
import { REPO_ROOT } from '../support/shared.js'

export interface ProbeCapture {
  /** The trace branch (1-based) whose verdict the kernel's first attempt matched. */
  readonly branch: number
  /** `conntrack -L` per node. */
  readonly listings: Readonly<Record<string, string>>
}

export interface LabCapture {
  /** The namespace prefix of the lab (`kpath-<id>-`), taken out before comparing. */
  readonly prefix: string
  readonly outputs: Readonly<Record<string, string>>
  readonly probes: Readonly<Record<string, ProbeCapture>>
}

export function labInputs(lab: ViewLab) {
  const text = labText(lab, readFileSync(join(REPO_ROOT, lab.file), 'utf8'))
  return [{ file: lab.file, text }]
}

/** Links coming up send IGMP/MLD reports for ~2 s (see lab-contract.live.test.ts). */
const SETTLE_MS = 2500

async function probe(
  execer: Execer,
  lab: ViewLab,
  id: string,
  p: ViewLab['probes'][number],
): Promise<ProbeCapture> {
  const inputs = labInputs(lab)
  const world = loadWorld(inputs)
  const plan = planFor(world, id, lab.backend)
  const port = p.port === undefined ? {} : { port: p.port }
  const seen = await labProbe(execer, plan, world, {
    from: p.from,
    to: p.to,
    proto: p.proto,
    fresh: true,
    ...port,
  })
  const listings: Record<string, string> = {}
  for (const node of p.nodes) {
    const ns = labNetnsName(id, `node-${node}`)
    const r = await execer.run(['ip', 'netns', 'exec', ns, 'conntrack', '-L'])
    listings[node] = r.stdout
  }
  const first = seen.attempts[0]
  if (first === undefined) throw new Error(`${p.name}: the probe made no attempt`)
  const verdict = observedVerdict(first.outcome, p.proto, clientPort(first.local))
  const trace = traceBetween({ inputs, from: p.from, to: p.to, proto: p.proto, ...port }).trace
  const i = trace.branches.findIndex((b) => predictedVerdict(b, p.proto) === verdict)
  if (i < 0) throw new Error(`${p.name}: no trace branch gives the kernel's verdict ${verdict}`)
  return { branch: i + 1, listings }
}

/** Build lab `id`, capture everything, and leave it up (the caller tears it down). */
export async function captureLab(execer: Execer, lab: ViewLab, id: string): Promise<LabCapture> {
  const inputs = labInputs(lab)
  const world = loadWorld(inputs)
  const plan = planFor(world, id, lab.backend)
  await labUp(plan, { execer, inputs })
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  const outputs: Record<string, string> = {}
  for (const c of lab.checks) {
    const model = pick({ inputs, ...c.show }, world.cluster, world.state).name
    const ns = labNetnsName(id, model)
    // sysctl -a reports unreadable keys on stderr and exits non-zero; stdout is the listing.
    const r = await execer.run(['ip', 'netns', 'exec', ns, ...c.argv], { allowFailure: true })
    if (r.code !== 0 && c.argv[0] !== 'sysctl')
      throw new Error(`${c.argv.join(' ')} in ${ns} failed: ${r.stderr}`)
    outputs[c.name] = r.stdout
  }
  const probes: Record<string, ProbeCapture> = {}
  for (const p of lab.probes) probes[p.name] = await probe(execer, lab, id, p)
  return { prefix: labNetnsName(id, ''), outputs, probes }
}
