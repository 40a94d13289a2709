/**
 * Against the real conntrack tool, in a throw-away namespace (kpath-h4-<pid>-<n>). Skipped, with
 * the reason in the suite name, when not root or when ip/conntrack are missing; CI runs it as root.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../adapters/node/execer.js'
import { ScratchNetns } from '../../adapters/node/scratch-netns.js'
import { parseConntrackList } from './list-parse.js'
import { printConntrackList } from './list-print.js'
import type { ConntrackEntry } from './model.js'
import { bindNat, natPacket, nullBinding } from './nat.js'
import { ConntrackTable } from './table.js'
import { answer, icmpPacket, tcpPacket, udpPacket } from './test-packets.js'

const execer = new NodeExecer()

async function unavailable(): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const tool of ['ip', 'conntrack'])
    if (!(await execer.lookPath(tool))) return `${tool} is not installed`
  return undefined
}

const why = await unavailable()

/**
 * `conntrack -I` arguments that recreate an entry. The mark goes last: conntrack 1.4.7 stores a
 * wrong mark (here 6) when `-m` comes before `--state`. NAT bits are implied by the tuples
 * (the tool ignores `-u SRC_NAT,DST_NAT`).
 */
function insertArgs(e: ConntrackEntry): string[] {
  const a = ['-p', String(e.proto), '-s', e.orig.src, '-d', e.orig.dst, '-t', String(e.timeout)]
  a.push('--reply-src', e.reply.src, '--reply-dst', e.reply.dst)
  if (e.orig.sport !== undefined) {
    a.push('--sport', String(e.orig.sport), '--dport', String(e.orig.dport))
    a.push('--reply-port-src', String(e.reply.sport), '--reply-port-dst', String(e.reply.dport))
  }
  if (e.orig.icmpType !== undefined) {
    a.push('--icmp-type', String(e.orig.icmpType), '--icmp-code', String(e.orig.icmpCode))
    a.push('--icmp-id', String(e.orig.icmpId))
  }
  if (e.tcpState) a.push('--state', e.tcpState)
  const flags = [e.status.seenReply && 'SEEN_REPLY', e.status.assured && 'ASSURED'].filter(Boolean)
  if (flags.length) a.push('-u', flags.join(','))
  if (e.zone !== undefined) a.push('-w', String(e.zone))
  a.push('-m', String(e.mark))
  return a
}

/** Connections an emulated router makes: DNAT + MASQUERADE for TCP, UDP and ICMP. */
function emulatedEntries(): readonly ConntrackEntry[] {
  const t = ConntrackTable.from([])
  const rand = () => 0.25
  const go = (
    p: Parameters<ConntrackTable['lookup']>[0],
    dnat?: { minAddr: string; minPort?: number },
  ) => {
    const r = t.lookup(p)
    const conn = r.conn
    if (!conn) throw new Error('no connection')
    if (!conn.status.confirmed) {
      dnat ? bindNat(t, conn, 'dst', dnat, rand) : nullBinding(t, conn, 'dst', rand)
      bindNat(t, conn, 'src', { minAddr: '192.168.49.2' }, rand)
    }
    const out = natPacket(conn, r.dir, 'src', natPacket(conn, r.dir, 'dst', p))
    t.confirm(conn)
    return out
  }
  const syn = tcpPacket('10.244.1.5', 40000, '10.96.0.10', 53, ['SYN'])
  const out = go(syn, { minAddr: '10.244.2.7', minPort: 5353 })
  go(answer(out, { tcpFlags: ['SYN', 'ACK'] }))
  go({ ...syn, tcpFlags: ['ACK'] })
  go(udpPacket('10.244.1.5', 40001, '10.96.0.10', 53), { minAddr: '10.244.2.7', minPort: 5353 })
  go(udpPacket('10.244.1.6', 40000, '10.96.0.10', 53), { minAddr: '10.244.2.7', minPort: 5353 })
  // Same source port from another pod towards the same backend: MASQUERADE moves the port.
  go(udpPacket('10.244.1.7', 40001, '10.96.0.10', 53), { minAddr: '10.244.2.7', minPort: 5353 })
  go(icmpPacket('10.244.1.5', '8.8.8.8', 8, 99))
  return t.entries()
}

describe.skipIf(why !== undefined)(
  `live conntrack -I / -L${why ? ` (skipped: ${why})` : ''}`,
  () => {
    let ns: ScratchNetns | undefined
    const cmd = async (args: readonly string[]) => {
      if (!ns) throw new Error('no namespace')
      return (await ns.exec(['conntrack', ...args])).stdout
    }

    beforeAll(async () => {
      const made = await ScratchNetns.create(execer, 'h4')
      if ('reason' in made) throw new Error(made.reason)
      ns = made.ns
    })

    afterAll(async () => {
      await ns?.dispose()
    })

    it('round-trips what the tool lists today, and it still matches the stored catalogue', async () => {
      const commands = readFileSync(
        new URL('./testdata/catalogue-commands.txt', import.meta.url),
        'utf8',
      )
      for (const line of commands.split('\n').filter(Boolean)) await cmd(line.split(' ').slice(1))
      const text = await cmd(['-L'])
      const live = parseConntrackList(text)
      expect(printConntrackList(live)).toBe(text)
      expect(printConntrackList(live, { extended: true })).toBe(await cmd(['-L', '-o', 'extended']))
      const stored = parseConntrackList(
        readFileSync(new URL('./testdata/catalogue.txt', import.meta.url), 'utf8'),
      )
      const norm = (es: readonly ConntrackEntry[]) =>
        es
          .map((e) =>
            JSON.stringify({ ...e, timeout: 0 }, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
          )
          .sort()
      expect(norm(live)).toEqual(norm(stored))
      await cmd(['-F'])
    })

    it('lists the connections the emulator makes the way kpath prints them', async () => {
      const ours = emulatedEntries()
      expect(ours.length).toBe(5)
      expect(ours[3]?.reply.dport).not.toBe(40001)
      for (const e of ours) await cmd(['-I', ...insertArgs(e)])
      const real = parseConntrackList(await cmd(['-L']))
      const key = (e: ConntrackEntry) => `${e.proto} ${e.orig.src} ${e.orig.sport ?? e.orig.icmpId}`
      const byKey = new Map(real.map((e) => [key(e), e]))
      for (const e of ours) {
        const r = byKey.get(key(e))
        expect(r, key(e)).toBeDefined()
        expect(e.timeout - (r?.timeout ?? 0)).toBeLessThanOrEqual(2)
        // Same line once the countdown is set aside.
        expect(printConntrackList([{ ...e, timeout: 0 }])).toBe(
          printConntrackList([{ ...(r as ConntrackEntry), timeout: 0 }]),
        )
      }
      await cmd(['-F'])
    })
  },
)
