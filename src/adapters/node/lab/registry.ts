/**
 * @module adapters/node/lab/registry
 * Where labs are recorded: one JSON file per lab under the run directory (default
 * /run/kpath/labs, which tmpfs empties at boot), naming the owning process, the lab daemon and
 * every namespace the lab made. The file is what marks namespaces as ours: `lab down --stale`
 * deletes only namespaces listed in a file whose owner is gone, never by name pattern.
 */
import { readFileSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { KpathError } from '../../../core/errors.js'
import type { IptablesBackend } from '../../../core/lab/plan.js'

export const DEFAULT_RUN_DIR = '/run/kpath/labs'

export interface LabRecord {
  readonly name: string
  readonly backend: IptablesBackend
  /** The process that owns the lab: `lab up` while building, then the lab daemon. */
  readonly pid: number
  readonly labdPid?: number
  readonly phase: 'building' | 'up'
  readonly created: string
  /** Real namespace names, each `kpath-<name>-…`, in creation order. */
  readonly namespaces: readonly string[]
  /** The input files as they were when the lab was built (probe resolves refs from them). */
  readonly inputs: readonly { readonly file: string; readonly text: string }[]
}

export function runDir(): string {
  return process.env.KPATH_LAB_DIR ?? DEFAULT_RUN_DIR
}

function recordPath(name: string): string {
  return join(runDir(), `${name}.json`)
}

export async function writeRecord(r: LabRecord): Promise<void> {
  await mkdir(runDir(), { recursive: true, mode: 0o700 })
  await writeFile(recordPath(r.name), `${JSON.stringify(r, null, 2)}\n`, { mode: 0o600 })
}

/** The record and the daemon's log. */
export async function removeRecord(name: string): Promise<void> {
  await rm(recordPath(name), { force: true })
  await rm(join(runDir(), `${name}.log`), { force: true })
}

export async function readRecord(name: string): Promise<LabRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordPath(name), 'utf8')) as LabRecord
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined
    throw new KpathError('KPATH_IO', `cannot read the record of lab ${name}: ${String(e)}`)
  }
}

export async function requireRecord(name: string): Promise<LabRecord> {
  const r = await readRecord(name)
  if (r === undefined) {
    const known = (await listRecords()).map((x) => x.name)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `no lab named ${name}`, {
      hint:
        known.length > 0 ? `labs: ${known.join(', ')}` : 'start one with `kpath lab up FILE...`',
    })
  }
  return r
}

export async function listRecords(): Promise<LabRecord[]> {
  let files: string[]
  try {
    files = await readdir(runDir())
  } catch {
    return []
  }
  const out: LabRecord[] = []
  for (const f of files.filter((x) => x.endsWith('.json')).sort()) {
    const r = await readRecord(f.slice(0, -'.json'.length))
    if (r !== undefined) out.push(r)
  }
  return out
}

/** Whether a process runs: it exists (signal 0 sends nothing) and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'
  }
  try {
    // /proc/PID/stat: "PID (comm) STATE …"; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}
