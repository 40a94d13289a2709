/**
 * @module adapters/node/lab
 * The lab: a kpath cluster built in real network namespaces (issue 5). `labUp` builds,
 * `labProbe` sends real traffic and reports it as a trace's outcome, `labDown` tears down,
 * `openLab` reloads a running lab's plan from its record. See core/lab for the pure parts.
 */
import type { RefWorld } from '../../../core/app/refs.js'
import { type IptablesBackend, type LabPlan, planLab } from '../../../core/lab/plan.js'
import { type LabRecord, requireRecord } from './registry.js'
import { loadWorld } from './world.js'

export { labDown, labDownStale } from './down.js'
export { labExec } from './exec.js'
export { whyNoLab } from './preflight.js'
export { type LabProbeOptions, labProbe, type ProbeProto, type ProbeResult } from './probe.js'
export { alive, type LabRecord, listRecords, runDir } from './registry.js'
export { type LabUpOptions, type LabUpResult, labUp } from './up.js'
export { loadWorld } from './world.js'

export interface OpenLab {
  readonly record: LabRecord
  readonly world: RefWorld
  readonly plan: LabPlan
}

/** A plan for `inputs` (the emulator's namespaces, renamed into lab `id`). */
export function planFor(world: RefWorld, id: string, backend: IptablesBackend): LabPlan {
  return planLab(world.state.namespaces, { id, backend })
}

/** A running lab: its record, the cluster reloaded from the recorded inputs, and its plan. */
export async function openLab(name: string): Promise<OpenLab> {
  const record = await requireRecord(name)
  const world = loadWorld(record.inputs)
  return { record, world, plan: planFor(world, record.name, record.backend) }
}
