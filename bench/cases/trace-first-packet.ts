/**
 * @module bench/cases/trace-first-packet
 * How long kpath takes to trace the first packet of a connection from a pod to the last Service
 * of KUBE-SERVICES in the 10,000-Service dump: the full enumeration (every endpoint branch, each
 * on its own fork of the runtime) and a single sampled branch. Target: median ≤ 50 µs. The
 * reference is the kernel's own walk of the same dump for a new connection, measured in the same
 * run (bench/kernel-walk.ts); the ratio is ours / the kernel's.
 */

import type { Packet } from '../../src/core/model/packet.js'
import { createRuntime, staticEnv, tracePacket } from '../../src/core/netfilter/engine/index.js'
import { parseIptablesSave } from '../../src/core/netfilter/iptables-save/index.js'
import { defineBenchmark } from '../case.js'
import { measureKernelWalk } from '../kernel-walk.js'
import { median, timeUs } from '../stats.js'

const TIMED = 2000

export default defineBenchmark({
  name: 'trace-first-packet',
  target: { description: 'median ≤ 50 µs', maxValue: 50 },
  async run(ctx) {
    const ruleset = parseIptablesSave(ctx.dump.text, { family: 4, file: 'bench-dump' })
    const rt = createRuntime({ ruleset })
    const env = staticEnv({ local: ['192.168.0.2'], ifaceAddrs: { eth0: ['192.168.0.2/24'] } })
    const packet: Packet = {
      family: 4,
      src: ctx.dump.podIp,
      dst: ctx.dump.lastServiceIp,
      proto: 6,
      sport: 40000,
      dport: ctx.dump.lastServicePort,
      tcpFlags: ['SYN'],
      ttl: 64,
      length: 60,
      mark: 0,
      inIface: 'cni0',
    }
    const all = () => tracePacket(rt, env, packet, 'prerouting')
    const one = () => tracePacket(rt, env, packet, 'prerouting', { kind: 'sample', seed: 1 })
    const branches = all().length
    timeUs(all, 200)
    timeUs(one, 200)
    const allUs = median(timeUs(all, TIMED))
    const oneUs = median(timeUs(one, TIMED))
    const walk = await measureKernelWalk(ctx.execer, ctx.dump.text)
    const details = {
      'all branches (median)': `${allUs.toFixed(1)} µs for ${branches} branches`,
      'one sampled branch (median)': `${oneUs.toFixed(1)} µs`,
      'timed traces': String(TIMED),
    }
    if (walk.kind === 'skipped')
      return {
        value: allUs,
        unit: 'µs',
        details: { ...details, reference: `skipped: ${walk.reason}` },
      }
    return {
      value: allUs,
      unit: 'µs',
      reference: {
        label: `kernel nat walk per new connection (legacy, ${walk.loadedUs.toFixed(1)} − ${walk.emptyUs.toFixed(1)} µs)`,
        value: walk.usPerPacket,
        unit: 'µs',
      },
      ratio: allUs / walk.usPerPacket,
      details,
    }
  },
})
