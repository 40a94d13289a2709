/**
 * @module bench/kernel-walk
 * The trace benchmark's reference: what the kernel itself spends walking the same ruleset for a
 * new connection. In a scratch namespace with `lo` up, UDP datagrams to distinct ports of
 * 127.0.0.1 each create a connection and walk nat OUTPUT (KUBE-SERVICES and every Service rule,
 * none of which match UDP to 127.0.0.1). Run once with the dump loaded by iptables-legacy-restore
 * and once with no rules; the difference per packet is the kernel's walk. Same method and figures
 * as kernel-lab.md §8 (legacy ≈ 5.7 ns a rule).
 */
import { ScratchNetns } from '../src/adapters/node/scratch-netns.js'
import type { Execer } from '../src/core/exec.js'
import { median } from './stats.js'

export type KernelWalk =
  | {
      readonly kind: 'measured'
      readonly usPerPacket: number
      readonly emptyUs: number
      readonly loadedUs: number
    }
  | { readonly kind: 'skipped'; readonly reason: string }

const FLOOD = new URL('./udp-flood.py', import.meta.url).pathname

async function flood(ns: ScratchNetns, packets: number, rounds: number): Promise<number> {
  const us: number[] = []
  for (let i = 0; i < rounds; i++) {
    await ns.exec(['conntrack', '-F'], { allowFailure: true })
    const r = await ns.exec(['python3', FLOOD, String(packets)])
    us.push((Number(r.stdout.trim()) * 1e6) / packets)
  }
  return median(us)
}

export async function measureKernelWalk(
  execer: Execer,
  dumpText: string,
  packets = 20000,
): Promise<KernelWalk> {
  for (const tool of ['iptables-legacy-restore', 'python3', 'conntrack']) {
    if (!(await execer.lookPath(tool)))
      return { kind: 'skipped', reason: `${tool} is not installed` }
  }
  const created = await ScratchNetns.create(execer, 'bench-walk')
  if ('reason' in created) return { kind: 'skipped', reason: created.reason }
  const ns = created.ns
  try {
    await ns.exec(['ip', 'link', 'set', 'lo', 'up'])
    // conntrack hooks are registered once a table uses them; an empty nat table does so.
    await ns.exec(['iptables-legacy-restore'], { stdin: '*nat\nCOMMIT\n*filter\nCOMMIT\n' })
    const emptyUs = await flood(ns, packets, 3)
    await ns.exec(['iptables-legacy-restore'], { stdin: dumpText })
    const loadedUs = await flood(ns, packets, 3)
    return { kind: 'measured', usPerPacket: loadedUs - emptyUs, emptyUs, loadedUs }
  } finally {
    await ns.dispose()
  }
}
