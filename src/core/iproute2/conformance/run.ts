/**
 * @module core/iproute2/conformance/run
 * Build a model world in real network namespaces through an {@link Execer}, following
 * {@link batchPlan}'s run order, and capture what the real tools list. Namespace names come
 * from the model; the caller picks unique `kpath-…` names and deletes them with
 * {@link destroyWorld}. Nothing runs outside those namespaces: every command is
 * `ip -n NS …`, `bridge -n NS …` or `ip netns exec NS sysctl …`.
 */
import { KpathError } from '../../errors.js'
import type { Execer } from '../../exec.js'
import type { NetnsState } from '../../model/netns.js'
import { batchPlan } from '../batch/plan.js'
import { LISTINGS } from './listings.js'

async function batch(
  execer: Execer,
  argv: readonly string[],
  lines: readonly string[],
): Promise<void> {
  if (lines.length === 0) return
  await execer.run([...argv, '-batch', '-'], { stdin: `${lines.join('\n')}\n` })
}

async function sysctls(
  execer: Execer,
  ns: string,
  values: readonly (readonly [string, string])[],
): Promise<void> {
  for (const [name, value] of values)
    await execer.run(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', `${name}=${value}`])
}

/** Create every namespace of `world` (names must start with `kpath-`) and build it. */
export async function buildWorld(execer: Execer, world: readonly NetnsState[]): Promise<void> {
  for (const s of world) {
    if (!s.name.startsWith('kpath-')) {
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `lab namespace ${s.name} must be named kpath-…`,
      )
    }
  }
  const plans = world.map((s) => ({ ns: s.name, plan: batchPlan(s, world) }))
  for (const { ns } of plans) await execer.run(['ip', 'netns', 'add', ns])
  for (const { ns, plan } of plans) await sysctls(execer, ns, plan.sysctls)
  for (const { ns, plan } of plans) await batch(execer, ['ip', '-n', ns], plan.create)
  for (const { ns, plan } of plans) {
    await sysctls(execer, ns, plan.linkSysctls)
    await batch(execer, ['ip', '-n', ns], plan.configure)
  }
  for (const { ns, plan } of plans) await batch(execer, ['ip', '-n', ns], plan.up)
  for (const { ns, plan } of plans) {
    await batch(execer, ['ip', '-n', ns], plan.late)
    await batch(execer, ['ip', '-6', '-n', ns], plan.late6)
    await batch(execer, ['bridge', '-n', ns], plan.bridge)
  }
}

/** Delete the namespaces of `world` (only those; errors are ignored). */
export async function destroyWorld(execer: Execer, world: readonly NetnsState[]): Promise<void> {
  for (const s of world) await execer.run(['ip', 'netns', 'del', s.name], { allowFailure: true })
}

/** What each listing of {@link LISTINGS} prints in namespace `ns`, by listing name. */
export async function captureListings(execer: Execer, ns: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const l of LISTINGS) {
    const [tool = 'ip', ...rest] = l.argv
    out[l.name] = (await execer.run([tool, '-n', ns, ...rest])).stdout
  }
  return out
}

/** The model's sysctls as the namespace reports them (`sysctl -n`). */
export async function captureSysctls(
  execer: Execer,
  state: NetnsState,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const name of Object.keys(state.sysctls)) {
    const r = await execer.run(['ip', 'netns', 'exec', state.name, 'sysctl', '-n', name])
    out[name] = r.stdout.replace(/\n$/, '')
  }
  return out
}
