/**
 * @module adapters/node/lab/down
 * Tearing labs down: the lab daemon by its PID, then the recorded namespaces by their exact
 * names in one `ip -force -batch` (deleting a namespace deletes its links; a veth's peer goes
 * with it), then the record. `--stale` does this for every record whose owner is gone.
 */
import type { Execer } from '../../../core/exec.js'
import { LABD, type LabdControl } from './daemon.js'
import { alive, type LabRecord, listRecords, removeRecord, requireRecord } from './registry.js'

/** Remove everything `r` names that still exists. */
export async function destroyLab(
  execer: Execer,
  r: LabRecord,
  labd: LabdControl = LABD,
): Promise<void> {
  if (r.labdPid !== undefined) await labd.stop(r.labdPid)
  const listed = (await execer.run(['ip', 'netns', 'list'])).stdout
  const have = new Set(listed.split('\n').map((l) => l.split(' ')[0] ?? ''))
  // Only our names: every one carries the kpath- prefix and this lab's id.
  const ours = r.namespaces.filter((n) => have.has(n) && n.startsWith(`kpath-${r.name}-`))
  if (ours.length > 0)
    await execer.run(['ip', '-force', '-batch', '-'], {
      stdin: `${ours.map((n) => `netns del ${n}`).join('\n')}\n`,
      allowFailure: true,
    })
  await removeRecord(r.name)
}

export async function labDown(
  execer: Execer,
  name: string,
  labd: LabdControl = LABD,
): Promise<LabRecord> {
  const r = await requireRecord(name)
  await destroyLab(execer, r, labd)
  return r
}

/** Tear down every lab whose owning process is gone; returns their names. */
export async function labDownStale(execer: Execer, labd: LabdControl = LABD): Promise<string[]> {
  const gone: string[] = []
  for (const r of await listRecords()) {
    if (alive(r.pid)) continue
    await destroyLab(execer, r, labd)
    gone.push(r.name)
  }
  return gone
}
