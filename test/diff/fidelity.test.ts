/**
 * Conntrack runs in a namespace only while some rule needs it: each such rule takes a reference
 * with nf_ct_netns_get when it is loaded (conntrack/state/connmark matches, NAT and CONNMARK
 * targets, nft ct and nat expressions). An empty nat table is not enough, on either iptables
 * backend. The kernel shows it here; the emulator follows (engine/needs-conntrack.ts), and the
 * randomised suite loads one case in three without its conntrack keeper (guard.ts).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../src/adapters/node/execer.js'
import { ScratchNetns } from '../../src/adapters/node/scratch-netns.js'
import { emptyNetns } from '../../src/core/model/netns.js'
import { createRuntime, tracePacket } from '../../src/core/netfilter/engine/index.js'
import { parseIptablesSave } from '../../src/core/netfilter/iptables-save/index.js'
import { netfilterEnv, withKernelRoutes } from '../../src/core/route/index.js'
import { completeTables } from '../../src/core/testing/diff/case.js'
import { labUnavailable } from './lab.js'

const execer = new NodeExecer()
const EMPTY = completeTables('')
const NEEDS_CT = EMPTY.replace(
  '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n',
  '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -m conntrack --ctstate INVALID\n',
)
const SEND_UDP =
  "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', 9))"

async function kernelEntries(backend: 'legacy' | 'nft', payload: string): Promise<number> {
  const made = await ScratchNetns.create(execer, 'dfid')
  if (!('ns' in made)) throw new Error(made.reason)
  spaces.push(made.ns)
  await made.ns.exec(['ip', 'link', 'set', 'lo', 'up'])
  await made.ns.exec([`iptables-${backend}-restore`], { stdin: payload })
  await made.ns.exec(['python3', '-c', SEND_UDP])
  const listed = await made.ns.exec(['conntrack', '-L'])
  return listed.stdout.split('\n').filter((l) => l.startsWith('udp')).length
}

function emulatorEntries(payload: string): number {
  const lo = emptyNetns('x')
  const state = withKernelRoutes({ ...lo, links: lo.links.map((l) => ({ ...l, up: true })) })
  const rt = createRuntime({ ruleset: parseIptablesSave(payload, { family: 4 }) })
  const packet = {
    family: 4 as const,
    src: '127.0.0.1',
    dst: '127.0.0.1',
    proto: 17,
    sport: 40000,
    dport: 9,
    ttl: 64,
    length: 29,
    mark: 0,
  }
  const [o] = tracePacket(rt, netfilterEnv(state), packet, 'output')
  return o?.result.conntrack ? 1 : 0
}

const spaces: ScratchNetns[] = []
afterAll(async () => {
  for (const ns of spaces) await ns.dispose()
})

for (const backend of ['legacy', 'nft'] as const) {
  describe(`conntrack runs only when a rule needs it (iptables-${backend})`, async () => {
    const reason = await labUnavailable(execer, backend)
    it.skipIf(reason !== undefined)(
      `kernel: none with empty tables, one with a conntrack match${reason ? ` (skipped: ${reason})` : ''}`,
      async () => {
        expect(await kernelEntries(backend, EMPTY)).toBe(0)
        expect(await kernelEntries(backend, NEEDS_CT)).toBe(1)
      },
    )
  })
}

describe('the emulator', () => {
  it('tracks the connection only when a rule needs conntrack, as the kernel does', () => {
    expect(emulatorEntries(NEEDS_CT)).toBe(1)
    expect(emulatorEntries(EMPTY)).toBe(0)
  })
})
