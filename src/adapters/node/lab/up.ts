/**
 * @module adapters/node/lab/up
 * `labUp`: build a {@link LabPlan} in real namespaces, quickly and without touching the root
 * namespace. Every command is `ip -n NS …`, `bridge -n NS …` or `ip netns exec NS …`; veths are
 * created inside a lab namespace with the peer placed in another (core/iproute2 batchPlan).
 *
 * Phases (each waits for the previous one; namespaces run in parallel inside a phase):
 * 1. one `ip -batch` adding every namespace;
 * 2. global and all/default sysctls of every namespace, in one process (servers/sysctl.py),
 *    before any link exists: a link created or moved in copies devinet's `default` conf;
 * 3. links (veth peers land in namespaces that exist);
 * 4. per-link sysctls (one process again); then per namespace one `ip -batch` (masters, ports,
 *    up, addresses, routes, rules, neighbours), IPv6 routes, FDB, `nfacct add`, `ipset
 *    restore`, `iptables-restore`, `nft -f`;
 * 5. the lab daemon (echo servers, flanneld), spawned at the start so that Python's start-up
 *    overlaps the build, configured now.
 *
 * On any failure or abort (SIGINT/SIGTERM in the CLI) everything made so far is removed: the
 * daemon by PID, the namespaces by their exact names, the record.
 */
import { join } from 'node:path'
import { KpathError } from '../../../core/errors.js'
import type { Execer } from '../../../core/exec.js'
import { sysctlPath } from '../../../core/lab/names.js'
import type { LabNetns, LabPlan } from '../../../core/lab/plan.js'
import { LABD, type LabdControl, type LabdHandle, serverScript } from './daemon.js'
import { destroyLab } from './down.js'
import { type LabRecord, readRecord, runDir, writeRecord } from './registry.js'

export interface LabUpOptions {
  readonly execer: Execer
  readonly inputs: LabRecord['inputs']
  /** Aborting stops the build and tears down what exists. */
  readonly signal?: AbortSignal
  /** Commands in flight at once (default 4). */
  readonly parallel?: number
  /** Called after each phase (tests use it to interrupt a build midway). */
  readonly onPhase?: (phase: string) => void
  /** The lab daemon (default: servers/labd.py; tests give a fake). */
  readonly labd?: LabdControl
}

export interface LabUpResult {
  readonly record: LabRecord
  readonly ms: number
}

const RESTORE = {
  legacy: { v4: 'iptables-legacy-restore', v6: 'ip6tables-legacy-restore' },
  nft: { v4: 'iptables-nft-restore', v6: 'ip6tables-nft-restore' },
} as const

async function pool<T>(items: readonly T[], n: number, work: (x: T) => Promise<void>) {
  let next = 0
  const lanes = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T
      await work(item)
    }
  })
  await Promise.all(lanes)
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new KpathError('KPATH_EXEC', 'lab up interrupted; everything it made was removed')
}

class Builder {
  constructor(
    private readonly plan: LabPlan,
    private readonly o: LabUpOptions,
  ) {}

  private run(argv: readonly string[], stdin?: string) {
    checkAbort(this.o.signal)
    return this.o.execer.run(argv, stdin === undefined ? {} : { stdin })
  }

  private batch(argv: readonly string[], lines: readonly string[]) {
    return lines.length === 0
      ? undefined
      : this.run([...argv, '-batch', '-'], `${lines.join('\n')}\n`)
  }

  /** Sysctls of every namespace in one process (servers/sysctl.py), in the plan's order. */
  private async sysctls(pick: (n: LabNetns) => readonly (readonly [string, string])[]) {
    const work = this.plan.namespaces
      .map((n) => [n.name, pick(n).map(([k, v]) => [sysctlPath(k), v])] as const)
      .filter(([, values]) => values.length > 0)
    if (work.length > 0)
      await this.run(['python3', '-S', serverScript('sysctl.py')], JSON.stringify(work))
  }

  private async phase(name: string, work: (n: LabNetns) => Promise<unknown>) {
    await pool(this.plan.namespaces, this.o.parallel ?? 4, async (n) => {
      await work(n)
    })
    checkAbort(this.o.signal)
    this.o.onPhase?.(name)
  }

  private async configure(n: LabNetns) {
    const b = n.batch
    await this.batch(['ip', '-n', n.name], [...b.configure, ...b.up, ...b.late])
    await this.batch(['ip', '-6', '-n', n.name], b.late6)
    await this.batch(['bridge', '-n', n.name], b.bridge)
    const exec = ['ip', 'netns', 'exec', n.name]
    const tools = RESTORE[this.plan.backend]
    for (const name of n.nfacct) await this.run([...exec, 'nfacct', 'add', name])
    if (n.ipsets !== undefined) await this.run([...exec, 'ipset', 'restore'], n.ipsets)
    if (n.iptables4 !== undefined) await this.run([...exec, tools.v4], n.iptables4)
    if (n.iptables6 !== undefined) await this.run([...exec, tools.v6], n.iptables6)
    if (n.nft !== undefined) await this.run([...exec, 'nft', '-f', '-'], n.nft)
  }

  async build(record: LabRecord): Promise<LabRecord> {
    const control = this.o.labd ?? LABD
    const labd = control.spawn(join(runDir(), `${this.plan.id}.log`))
    try {
      return await this.buildWith(record, labd)
    } catch (e) {
      await control.stop(labd.pid)
      throw e
    }
  }

  private async buildWith(record: LabRecord, labd: LabdHandle): Promise<LabRecord> {
    await writeRecord({ ...record, labdPid: labd.pid })
    const names = this.plan.namespaces.map((n) => n.name)
    await this.run(['ip', '-batch', '-'], `${names.map((n) => `netns add ${n}`).join('\n')}\n`)
    this.o.onPhase?.('namespaces')
    await this.sysctls((n) => n.batch.sysctls)
    this.o.onPhase?.('sysctls')
    await this.phase(
      'links',
      (n) => this.batch(['ip', '-n', n.name], n.batch.create) ?? Promise.resolve(),
    )
    await this.sysctls((n) => n.batch.linkSysctls)
    await this.phase('configure', (n) => this.configure(n))
    const labdPid = await labd.configure(this.plan.labd)
    const up: LabRecord = { ...record, pid: labdPid, labdPid, phase: 'up' }
    await writeRecord(up)
    checkAbort(this.o.signal)
    return up
  }
}

async function existing(execer: Execer, names: readonly string[]): Promise<string[]> {
  const listed = (await execer.run(['ip', 'netns', 'list'])).stdout
  const have = new Set(listed.split('\n').map((l) => l.split(' ')[0] ?? ''))
  return names.filter((n) => have.has(n))
}

/**
 * Build the lab. Refuses when a lab of that name is recorded or any of its namespaces exists.
 * @throws KpathError KPATH_EXEC when a command fails or the build is aborted (after teardown)
 */
export async function labUp(plan: LabPlan, o: LabUpOptions): Promise<LabUpResult> {
  const t0 = performance.now()
  const names = plan.namespaces.map((n) => n.name)
  if ((await readRecord(plan.id)) !== undefined)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `a lab named ${plan.id} exists`, {
      hint: `remove it with \`kpath lab down ${plan.id}\` or pick another --name`,
    })
  const clash = await existing(o.execer, names)
  if (clash.length > 0)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `namespace ${clash[0]} exists already`, {
      hint: 'another lab (or a crashed one: `kpath lab down --stale`) uses this name',
    })
  const record: LabRecord = {
    name: plan.id,
    backend: plan.backend,
    pid: process.pid,
    phase: 'building',
    created: new Date().toISOString(),
    namespaces: names,
    inputs: o.inputs,
  }
  await writeRecord(record)
  try {
    const up = await new Builder(plan, o).build(record)
    return { record: up, ms: performance.now() - t0 }
  } catch (e) {
    await destroyLab(o.execer, (await readRecord(plan.id)) ?? record, o.labd)
    throw e
  }
}
