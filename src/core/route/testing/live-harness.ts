/**
 * @module core/route/testing/live-harness
 * Test support for the live differential tests: build a state in a scratch namespace through an
 * {@link Execer} (`ip -batch`, `sysctl -w`), ask the kernel `ip route get` questions in one batch,
 * and read the answers back in the shape kpath's results are compared in. Pure over the Execer;
 * the tests create and delete the namespace (adapters/node/scratch-netns).
 */
import type { Execer } from '../../exec.js'
import type { Address, NetnsState, PolicyRule, Route } from '../../model/netns.js'
import { defaultRules, TABLE_LOCAL, TABLE_MAIN } from '../../model/netns.js'
import type { RouteQuery, RouteResult } from '../types.js'
import { routeLine, ruleLine, setupLines, sysctlArgs } from './lab-batch.js'

export interface BatchResult {
  /** One JSON (or text) line per command that succeeded, in order. */
  readonly out: readonly string[]
  /** Failed commands by 1-based line number, with the tool's message. */
  readonly errors: ReadonlyMap<number, string>
}

/** Run `ip [-4|-6] [-j] -batch - -force` in the namespace. */
export async function ipBatch(
  execer: Execer,
  ns: string,
  lines: readonly string[],
  opts: { readonly json?: boolean; readonly family?: 4 | 6 } = {},
): Promise<BatchResult> {
  if (lines.length === 0) return { out: [], errors: new Map() }
  const fam = opts.family === undefined ? [] : [`-${opts.family}`]
  const argv = ['ip', '-n', ns, ...fam, ...(opts.json ? ['-j'] : []), '-batch', '-', '-force']
  const r = await execer.run(argv, { stdin: `${lines.join('\n')}\n`, allowFailure: true })
  const errors = new Map<number, string>()
  let pending: string[] = []
  for (const line of r.stderr.split('\n')) {
    const m = /Command failed -:(\d+)$/.exec(line)
    if (m) {
      const before = line.slice(0, m.index).trim()
      if (before) pending.push(before)
      errors.set(Number(m[1]), pending.join(' '))
      pending = []
    } else if (line.trim()) pending.push(line.trim())
  }
  return { out: r.stdout.split('\n').filter((l) => l.trim() !== ''), errors }
}

async function sysctl(execer: Execer, ns: string, args: readonly string[]): Promise<void> {
  if (args.length === 0) return
  await execer.run(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...args])
}

const isDefaultRule = (r: PolicyRule) =>
  defaultRules().some(
    (d) =>
      d.family === r.family &&
      d.priority === r.priority &&
      d.table === r.table &&
      r.action === undefined &&
      r.from === undefined &&
      r.to === undefined &&
      r.iif === undefined &&
      r.oif === undefined &&
      r.fwmark === undefined,
  )

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Even with `nodad` the kernel files an IPv6 address's local route from a work queue, a moment
 * after `ip addr add` returns: wait (up to 3 s) until every address has one.
 */
async function settle6(execer: Execer, ns: string, want: number): Promise<void> {
  if (want === 0) return
  for (let i = 0; i < 60; i++) {
    const r = await execer.run([
      'ip',
      '-n',
      ns,
      '-6',
      '-j',
      'route',
      'show',
      'table',
      'local',
      'type',
      'local',
    ])
    const have = (JSON.parse(r.stdout) as { dst: string }[]).filter(
      (x) => x.dst !== '::1' && !x.dst.startsWith('fe80:'),
    )
    if (have.length >= want) return
    await sleep(50)
  }
}

async function mustApply(execer: Execer, ns: string, lines: readonly string[]): Promise<void> {
  const b = await ipBatch(execer, ns, lines)
  if (b.errors.size > 0) throw new Error(`lab setup failed: ${[...b.errors.values()].join('; ')}`)
}

/**
 * Build `state` in the (fresh) namespace `ns`. Links and sysctls must apply; addresses, routes
 * and rules the kernel refuses are dropped from the returned state, which is what the kernel
 * holds (minus the routes it derives itself).
 */
export async function buildState(
  execer: Execer,
  ns: string,
  state: NetnsState,
): Promise<{ state: NetnsState; refused: string[] }> {
  const { early, late } = sysctlArgs(state)
  await sysctl(execer, ns, early)
  const lines = setupLines(state)
  await mustApply(execer, ns, lines.links)
  const a = await ipBatch(execer, ns, lines.addresses)
  const addresses = state.addresses.filter((_, i) => !a.errors.has(i + 1))
  await mustApply(execer, ns, lines.up)
  await sysctl(execer, ns, late)
  await mustApply(execer, ns, lines.neighbours)
  // The kernel numbers links itself (a veth's peer first); the state takes its numbers.
  const dump = await execer.run(['ip', '-n', ns, '-j', 'link', 'show'])
  const index = new Map(
    (JSON.parse(dump.stdout) as { ifname: string; ifindex: number }[]).map((l) => [
      l.ifname,
      l.ifindex,
    ]),
  )
  const links = state.links.map((l) => ({ ...l, index: index.get(l.name) ?? l.index }))
  const routes: Route[] = []
  const rules: PolicyRule[] = state.rules.filter(isDefaultRule)
  const refused: string[] = []
  for (const family of [4, 6] as const) {
    const rs = state.routes.filter((r) => r.family === family)
    const custom = state.rules.filter((r) => r.family === family && !isDefaultRule(r))
    const batch = [...rs.map(routeLine), ...custom.map(ruleLine)]
    const b = await ipBatch(execer, ns, batch, { family })
    routes.push(...rs.filter((_, i) => !b.errors.has(i + 1)))
    rules.push(...custom.filter((_, i) => !b.errors.has(rs.length + i + 1)))
    refused.push(...[...b.errors].map(([n, msg]) => `${batch[n - 1]}: ${msg}`))
  }
  refused.push(...[...a.errors].map(([n, msg]) => `${lines.addresses[n - 1]}: ${msg}`))
  await settle6(execer, ns, addresses.filter((x) => x.family === 6).length)
  return { state: { ...state, links, addresses, routes, rules }, refused }
}

export function routeGetLine(q: RouteQuery): string {
  const p = [`route get to ${q.dst}`]
  if (q.src !== undefined) p.push(`from ${q.src}`)
  if (q.iif !== undefined && q.input) p.push(`iif ${q.iif}`)
  if (q.oif !== undefined && !q.input) p.push(`oif ${q.oif}`)
  if (q.mark !== undefined) p.push(`mark 0x${q.mark.toString(16)}`)
  if (q.tos !== undefined) p.push(`tos 0x${q.tos.toString(16)}`)
  return p.join(' ')
}

/** The fields both sides are compared on. */
export interface Observed {
  readonly error?: string
  readonly type?: string
  readonly table?: number
  readonly dev?: string
  readonly via?: string
  readonly src?: string
}

const MESSAGES: Readonly<Record<string, string>> = {
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  EACCES: 'Permission denied',
  EINVAL: 'Invalid argument',
  ENODEV: 'No such device',
  EXDEV: 'Invalid cross-device link',
}

function tableNumber(t: unknown): number {
  if (t === undefined || t === 'main') return TABLE_MAIN
  if (t === 'local') return TABLE_LOCAL
  return Number(t)
}

/** One kernel answer (a JSON line or an error message) as {@link Observed}. */
export function observeKernel(
  q: RouteQuery,
  line: string | undefined,
  error: string | undefined,
): Observed {
  if (error !== undefined) return { error: error.replace(/^RTNETLINK answers: /, '') }
  const j = (JSON.parse(line ?? '[]') as Record<string, unknown>[])[0] ?? {}
  const withSrc = !q.input && q.src === undefined
  return {
    type: typeof j.type === 'string' ? j.type : 'unicast',
    table: tableNumber(j.table),
    ...(typeof j.dev === 'string' ? { dev: j.dev } : {}),
    ...(typeof j.gateway === 'string' ? { via: j.gateway } : {}),
    ...(withSrc && typeof j.prefsrc === 'string' ? { src: j.prefsrc } : {}),
  }
}

/** kpath's answer in the same shape. */
export function observeKpath(q: RouteQuery, r: RouteResult): Observed {
  if (r.errno !== undefined) return { error: MESSAGES[r.errno] ?? r.errno }
  const withSrc = !q.input && q.src === undefined
  return {
    type: r.type,
    table: r.table ?? TABLE_MAIN,
    ...(r.dev === undefined ? {} : { dev: r.dev }),
    ...(r.via === undefined ? {} : { via: r.via }),
    ...(withSrc && r.src !== undefined ? { src: r.src } : {}),
  }
}

/** Ask the kernel every question in one batch. */
export async function kernelRouteGet(
  execer: Execer,
  ns: string,
  qs: readonly RouteQuery[],
): Promise<Observed[]> {
  const out: Observed[] = []
  const byFamily = { 4: [] as number[], 6: [] as number[] }
  qs.forEach((q, i) => {
    byFamily[q.dst.includes(':') ? 6 : 4].push(i)
  })
  for (const family of [4, 6] as const) {
    const idx = byFamily[family]
    const b = await ipBatch(
      execer,
      ns,
      idx.map((i) => routeGetLine(qs[i] as RouteQuery)),
      { json: true, family },
    )
    let next = 0
    idx.forEach((qi, n) => {
      const err = b.errors.get(n + 1)
      out[qi] = observeKernel(
        qs[qi] as RouteQuery,
        err === undefined ? b.out[next++] : undefined,
        err,
      )
    })
  }
  return out
}

/** The link-local IPv6 addresses the kernel generated, as state addresses. */
export async function kernelLinkLocal(execer: Execer, ns: string): Promise<Address[]> {
  const r = await execer.run(['ip', '-n', ns, '-6', '-j', 'addr', 'show'])
  const devs = JSON.parse(r.stdout) as {
    ifname: string
    addr_info: { local: string; prefixlen: number; scope: string }[]
  }[]
  return devs.flatMap((d) =>
    d.addr_info
      .filter((a) => a.scope === 'link')
      .map((a) => ({
        iface: d.ifname,
        family: 6 as const,
        local: a.local,
        prefixLen: a.prefixlen,
        scope: 'link' as const,
      })),
  )
}
