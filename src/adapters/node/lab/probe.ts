/**
 * @module adapters/node/lab/probe
 * `labProbe`: real traffic through a lab, reported as a trace's outcome. The first attempt is
 * observed closely: the rule counters of every namespace with iptables rules are read before
 * and after it (`iptables-save -c`; the difference is the set of rules the connection hit,
 * every packet of it), and the conntrack tables after it (`conntrack -L`). Later attempts (for
 * `--count`) only record who answered. With `fresh`, conntrack tables are flushed first, so no
 * earlier connection's entry (e.g. one in TIME_WAIT) clashes with this one.
 */
import { type Endpoint, type RefWorld, resolveRef } from '../../../core/app/refs.js'
import { parseConntrackList } from '../../../core/conntrack/index.js'
import { KpathError } from '../../../core/errors.js'
import type { Execer } from '../../../core/exec.js'
import { background, CLIENT_PORT, conntrackText, counterHits } from '../../../core/lab/compare.js'
import {
  type ObservedOutcome,
  observedOutcome,
  type ProbeAttempt,
} from '../../../core/lab/observe.js'
import type { LabPlan } from '../../../core/lab/plan.js'
import { parseIptablesSave } from '../../../core/netfilter/iptables-save/index.js'
import { serverScript } from './daemon.js'

export type ProbeProto = 'tcp' | 'udp' | 'icmp'

export interface LabProbeOptions {
  readonly from: string
  readonly to: string
  readonly port?: number
  readonly proto?: ProbeProto
  readonly count?: number
  readonly fresh?: boolean
  readonly timeoutS?: number
}

export interface ProbeResult {
  readonly from: Endpoint
  readonly to: Endpoint
  readonly proto: ProbeProto
  readonly port: number | undefined
  readonly attempts: readonly {
    readonly outcome: ObservedOutcome
    readonly replyTtl?: number
    readonly local?: string
  }[]
  /** First attempt: rules whose counters grew, per emulator namespace (`table:CHAIN:N`). */
  readonly rulesHit: Readonly<Record<string, readonly string[]>>
  /** First attempt: conntrack entries per emulator namespace (comparable form). */
  readonly conntrack: Readonly<Record<string, readonly string[]>>
}

const SAVE = { legacy: 'iptables-legacy-save', nft: 'iptables-nft-save' } as const

function labName(plan: LabPlan, model: string): string {
  const n = plan.namespaces.find((x) => x.model === model)
  if (n === undefined) throw new KpathError('KPATH_INVALID_ARGUMENT', `${model} is not in the lab`)
  return n.name
}

function owner(w: RefWorld, addr: string): string | undefined {
  return w.state.namespaces.find((n) =>
    n.addresses.some((a) => a.family === 4 && a.scope !== 'host' && a.local === addr),
  )?.name
}

async function counters(execer: Execer, plan: LabPlan, nss: readonly string[]) {
  return Promise.all(
    nss.map(async (model) => {
      const r = await execer.run([
        'ip',
        'netns',
        'exec',
        labName(plan, model),
        SAVE[plan.backend],
        '-c',
      ])
      return parseIptablesSave(r.stdout, { family: 4, file: `${model} iptables-save -c` })
    }),
  )
}

async function attempts(
  execer: Execer,
  ns: string,
  args: {
    proto: ProbeProto
    dst: string
    port: number | undefined
    sport: number
    count: number
    timeoutS: number
  },
): Promise<ProbeAttempt[]> {
  const argv = [
    'ip',
    'netns',
    'exec',
    ns,
    'python3',
    serverScript('probe.py'),
    args.proto,
    args.dst,
    String(args.port ?? 0),
    String(args.sport),
    String(args.count),
    String(args.timeoutS),
  ]
  const out = (await execer.run(argv)).stdout
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ProbeAttempt)
}

/**
 * @throws KpathError KPATH_INVALID_ARGUMENT for refs the lab cannot send from (outside it)
 */
export async function labProbe(
  execer: Execer,
  plan: LabPlan,
  w: RefWorld,
  o: LabProbeOptions,
): Promise<ProbeResult> {
  const from = resolveRef(w, o.from)
  const to = resolveRef(w, o.to)
  if (from.netns === undefined)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `${o.from} is not a namespace of the lab`, {
      hint: 'probe from a pod, a node or an external host',
    })
  const proto: ProbeProto = o.proto ?? (to.proto === 'udp' ? 'udp' : 'tcp')
  const port = proto === 'icmp' ? undefined : (o.port ?? to.port ?? to.containerPort)
  if (proto !== 'icmp' && port === undefined)
    throw new KpathError('KPATH_INVALID_ARGUMENT', `no destination port for ${to.label}`, {
      hint: 'give --port N',
    })
  const netfilter = w.state.namespaces
    .filter((n) => (n.iptables.ipv4?.tables.length ?? 0) > 0)
    .map((n) => n.name)
  // Every namespace: where no rule needs conntrack the kernel lists nothing, which is part of
  // what the emulator must predict (nf_ct_netns_get).
  const tracked = w.state.namespaces.map((n) => n.name)
  if (o.fresh)
    await Promise.all(
      tracked.map((m) =>
        execer.run(['ip', 'netns', 'exec', labName(plan, m), 'conntrack', '-F'], {
          allowFailure: true,
        }),
      ),
    )
  const src = labName(plan, from.netns)
  const common = { proto, dst: to.addr, port, timeoutS: o.timeoutS ?? 1 }
  const before = await counters(execer, plan, netfilter)
  const first = await attempts(execer, src, { ...common, sport: CLIENT_PORT, count: 1 })
  const after = await counters(execer, plan, netfilter)
  const rulesHit: Record<string, string[]> = {}
  netfilter.forEach((m, i) => {
    const [was, now] = [before[i], after[i]]
    const hit = was === undefined || now === undefined ? [] : counterHits(was, now)
    if (hit.length > 0) rulesHit[m] = hit
  })
  const conntrack: Record<string, string[]> = {}
  for (const m of tracked) {
    const r = await execer.run(['ip', 'netns', 'exec', labName(plan, m), 'conntrack', '-L'], {
      allowFailure: true,
    })
    const entries = parseConntrackList(r.stdout)
      .filter((e) => !background(e))
      .map(conntrackText)
    if (entries.length > 0) conntrack[m] = entries.sort()
  }
  const rest =
    (o.count ?? 1) > 1
      ? await attempts(execer, src, {
          ...common,
          sport: CLIENT_PORT + 1,
          count: (o.count ?? 1) - 1,
        })
      : []
  const listeners = new Map(plan.labd.listeners.map((l) => [`${l.pod} ${l.port}`, l.netns]))
  const modelOf = new Map(plan.namespaces.map((n) => [n.name, n.model]))
  const ctx = {
    port,
    ownerOf: (a: string) => owner(w, a),
    listenerNetns: (pod: string, p: number) => modelOf.get(listeners.get(`${pod} ${p}`) ?? ''),
  }
  return {
    from,
    to,
    proto,
    port,
    attempts: [...first, ...rest].map((a) => ({
      outcome: observedOutcome(a, ctx),
      ...(typeof a.replyTtl === 'number' ? { replyTtl: a.replyTtl } : {}),
      ...(typeof a.local === 'string' ? { local: a.local } : {}),
    })),
    rulesHit,
    conntrack,
  }
}
