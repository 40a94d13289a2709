/**
 * SCTP entries against the real conntrack tool, in a throw-away namespace (kpath-h6-<pid>-<n>).
 * Skipped, with the reason in the suite name, when not root or when ip/conntrack are missing;
 * CI runs it as root. Real SCTP traffic is covered by the lab fixtures (lab-replay.test.ts).
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../adapters/node/execer.js'
import { ScratchNetns } from '../../adapters/node/scratch-netns.js'
import type { SctpChunk } from '../model/packet.js'
import { parseConntrackList } from './list-parse.js'
import { printConntrackList } from './list-print.js'
import type { ConntrackEntry } from './model.js'
import { bindNat, natPacket } from './nat.js'
import { ConntrackTable } from './table.js'
import { answer, sctpPacket } from './test-packets.js'

const execer = new NodeExecer()

async function unavailable(): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const tool of ['ip', 'conntrack'])
    if (!(await execer.lookPath(tool))) return `${tool} is not installed`
  return undefined
}

const why = await unavailable()

/**
 * `conntrack -I` arguments that recreate an SCTP entry. The tool wants both verification tags
 * with a state (kpath has none: 0), and the mark last (1.4.7 stores a wrong mark otherwise).
 */
function insertArgs(e: ConntrackEntry): string[] {
  const a = ['-p', 'sctp', '-s', e.orig.src, '-d', e.orig.dst, '-t', String(e.timeout)]
  a.push('--reply-src', e.reply.src, '--reply-dst', e.reply.dst)
  a.push('--sport', String(e.orig.sport), '--dport', String(e.orig.dport))
  a.push('--reply-port-src', String(e.reply.sport), '--reply-port-dst', String(e.reply.dport))
  a.push('--state', e.sctpState ?? 'NONE', '--orig-vtag', '0', '--reply-vtag', '0')
  const flags = [e.status.seenReply && 'SEEN_REPLY', e.status.assured && 'ASSURED'].filter(Boolean)
  if (flags.length) a.push('-u', flags.join(','))
  a.push('-m', String(e.mark))
  return a
}

/**
 * SCTP connections an emulated node makes: a pod reaching a ClusterIP (DNAT + MASQUERADE),
 * stopped at each state conntrack -I can recreate (it cannot insert HEARTBEAT_SENT).
 */
function emulatedEntries(): readonly ConntrackEntry[] {
  const t = ConntrackTable.from([])
  const go = (p: Parameters<ConntrackTable['lookup']>[0]) => {
    const r = t.lookup(p)
    const conn = r.conn
    if (!conn) throw new Error(`refused: ${p.sctpChunks?.join()}`)
    if (!conn.status.confirmed) {
      bindNat(t, conn, 'dst', { minAddr: '10.244.2.7', minPort: 38412 }, () => 0.5)
      bindNat(t, conn, 'src', { minAddr: '192.168.49.2' }, () => 0.5)
    }
    const out = natPacket(conn, r.dir, 'src', natPacket(conn, r.dir, 'dst', p))
    t.confirm(conn)
    return out
  }
  const handshake: [SctpChunk[], 'c' | 's'][] = [
    [['INIT'], 'c'],
    [['INIT_ACK'], 's'],
    [['COOKIE_ECHO'], 'c'],
    [['COOKIE_ACK'], 's'],
    [['SHUTDOWN'], 's'],
    [['SHUTDOWN_ACK'], 'c'],
  ]
  // Association n runs the first n steps of the handshake and shutdown.
  for (let n = 1; n <= handshake.length; n++) {
    const first = sctpPacket('10.244.1.5', 40000 + n, '10.96.0.10', 38412, ['INIT'])
    const out = go(first)
    for (const [chunks, who] of handshake.slice(1, n)) {
      go(who === 'c' ? { ...first, sctpChunks: chunks } : answer(out, { sctpChunks: chunks }))
    }
  }
  return t.entries()
}

describe.skipIf(why !== undefined)(
  `live conntrack -I / -L for SCTP${why ? ` (skipped: ${why})` : ''}`,
  () => {
    let ns: ScratchNetns | undefined
    const cmd = async (args: readonly string[]) => {
      if (!ns) throw new Error('no namespace')
      return (await ns.exec(['conntrack', ...args])).stdout
    }

    beforeAll(async () => {
      const made = await ScratchNetns.create(execer, 'h6')
      if ('reason' in made) throw new Error(made.reason)
      ns = made.ns
    })

    afterAll(async () => {
      await ns?.dispose()
    })

    it('prints what the tool lists for every insertable state, and matches the catalogue', async () => {
      const commands = readFileSync(
        new URL('./testdata/catalogue-sctp-commands.txt', import.meta.url),
        'utf8',
      )
      for (const line of commands.split('\n').filter(Boolean)) await cmd(line.split(' ').slice(1))
      const text = await cmd(['-L'])
      const live = parseConntrackList(text)
      expect(live.length).toBe(10)
      expect(printConntrackList(live)).toBe(text)
      // The extended listing is a second call, made a moment later: its timeouts may have ticked
      // (3 s states), so it must round-trip byte for byte itself and equal the first listing with
      // only the clock set aside.
      const ext = await cmd(['-L', '-o', 'extended'])
      expect(printConntrackList(parseConntrackList(ext), { extended: true })).toBe(ext)
      const clockless = (es: typeof live) => es.map((e) => ({ ...e, timeout: 0 }))
      expect(printConntrackList(clockless(live), { extended: true })).toBe(
        printConntrackList(clockless(parseConntrackList(ext)), { extended: true }),
      )
      const stored = parseConntrackList(
        readFileSync(new URL('./testdata/catalogue-sctp.txt', import.meta.url), 'utf8'),
      )
      const norm = (es: readonly ConntrackEntry[]) =>
        es.map((e) => JSON.stringify({ ...e, timeout: 0 })).sort()
      expect(norm(live)).toEqual(norm(stored))
      await cmd(['-F'])
    })

    it('lists the SCTP connections the emulator makes the way kpath prints them', async () => {
      const ours = emulatedEntries()
      expect(ours.map((e) => e.sctpState)).toEqual([
        'CLOSED',
        'COOKIE_WAIT',
        'COOKIE_ECHOED',
        'ESTABLISHED',
        'SHUTDOWN_RECD',
        'SHUTDOWN_ACK_SENT',
      ])
      for (const e of ours) await cmd(['-I', ...insertArgs(e)])
      const real = parseConntrackList(await cmd(['-L']))
      const byPort = new Map(real.map((e) => [e.orig.sport, e]))
      for (const e of ours) {
        const r = byPort.get(e.orig.sport)
        if (!r) throw new Error(`conntrack did not list :${e.orig.sport}`)
        expect(e.timeout - r.timeout).toBeLessThanOrEqual(2)
        expect(printConntrackList([{ ...e, timeout: 0 }])).toBe(
          printConntrackList([{ ...r, timeout: 0 }]),
        )
      }
      await cmd(['-F'])
    })
  },
)
