/**
 * `kpath trace --format pcapng` read back by the real tshark (Wireshark 4.0 here): for a
 * bridged trace, a VXLAN trace, a flannel-UDP trace (seed 003) and an IPIP trace (seed 002,
 * Calico tunl0), every hop's packet sits on the hop's interface with the expected link layer,
 * every layer (outer headers of each tunnel, then the flow's own) and addresses, and every
 * IPv4/TCP/UDP/ICMP checksum tshark verifies is good. With `--segment` (kubernetes#74839),
 * every TCP header carries the walk's real seq/ack/window and payload length, through the
 * handshake, the segment and the RST answering it. The expectations are derived from the
 * walk's hops here, not from the writer. Skipped without tshark, except in CI.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { TcpFlag } from '../model/packet.js'
import { type HopTunnel, parseSegmentSpec, type Walk } from '../walk/index.js'
import { parseRuleEdit } from '../whatif/index.js'
import { type ClusterTraceReport, type TraceProto, traceBetween } from './cluster-trace.js'
import { captureDevice } from './trace-capture.js'
import { tracePcapng, tsharkDecodeHints } from './trace-pcapng.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const hasTshark = spawnSync('tshark', ['--version']).status === 0
const why = hasTshark ? undefined : 'tshark is not installed (scripts/install-system-deps.sh)'
const dir = mkdtempSync(join(tmpdir(), 'kpath-pcapng-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function trace(
  example: string,
  from: string,
  to: string,
  more: { port?: number; proto?: TraceProto } = {},
) {
  const file = join(ROOT, 'examples', example)
  return traceBetween({ inputs: [{ file, text: readFileSync(file, 'utf8') }], from, to, ...more })
}

interface Row {
  readonly iface: string
  readonly protocols: string
  readonly src: string[]
  readonly dst: string[]
  readonly checksums: string[]
}

const FIELDS = ['frame.interface_name', 'frame.protocols', 'ip.src', 'ip.dst']
const CHECKS = [
  'ip.checksum.status',
  'tcp.checksum.status',
  'udp.checksum.status',
  'icmp.checksum.status',
]

/** The capture written for `r`, read by tshark: the fields asked for, a row a packet. */
function tsharkFields(r: ClusterTraceReport, name: string, fields: readonly string[]): string[][] {
  const path = join(dir, `${name}.pcapng`)
  writeFileSync(path, tracePcapng(r))
  const decode = tsharkDecodeHints(r).flatMap((h) => h.split(' '))
  const checks = ['ip', 'tcp', 'udp'].flatMap((p) => ['-o', `${p}.check_checksum:TRUE`])
  const asked = fields.flatMap((f) => ['-e', f])
  const out = spawnSync(
    'tshark',
    ['-r', path, ...decode, ...checks, '-T', 'fields', '-E', 'occurrence=a', ...asked],
    { encoding: 'utf8' },
  )
  expect(out.status, out.stderr).toBe(0)
  return out.stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split('\t'))
}

function tshark(r: ClusterTraceReport, name: string): Row[] {
  return tsharkFields(r, name, [...FIELDS, ...CHECKS]).map(
    ([iface = '', protocols = '', src = '', dst = '', ...sums]) => {
      return {
        iface,
        protocols,
        src: src.split(','),
        dst: dst.split(','),
        checksums: sums.join(',').split(',').filter(Boolean),
      }
    },
  )
}

const LAYER: Readonly<Record<HopTunnel['type'], string>> = {
  vxlan: 'ip:udp:vxlan:eth:ethertype:',
  udp: 'ip:udp:',
  ipip: 'ip:',
}

/** What tshark must show for each hop of a walk: derived from the hops alone. */
function expected(r: ClusterTraceReport, w: Walk) {
  const layers: HopTunnel[] = []
  return w.hops.map((h) => {
    if (h.kind === 'decap') layers.pop()
    if (h.kind === 'encap' && h.tunnel) layers.push(h.tunnel)
    const d = captureDevice(r.state, h)
    // Outer packets outermost first: the hop's own, then each tunnel's inner one inwards.
    const packets = [h.packet, ...[...layers].reverse().map((t) => t.inner)]
    const proto = { 6: 'tcp', 17: 'udp', 1: 'icmp' }[packets.at(-1)?.proto ?? 0] ?? '?'
    return {
      iface: `${h.netns}/${d.dev}${d.dir === 'encap' ? ' (encap)' : ''}`,
      protocols: `${d.ethernet ? 'eth:ethertype:' : 'raw:'}${[...layers].map((t) => LAYER[t.type]).join('')}ip:${proto}`,
      src: packets.map((p) => p.src),
      dst: packets.map((p) => p.dst),
    }
  })
}

function check(r: ClusterTraceReport, name: string): Row[] {
  const rows = tshark(r, name)
  const want = r.trace.branches.flatMap((b) => [
    ...expected(r, b),
    ...(b.reply ? expected(r, b.reply) : []),
  ])
  expect(rows).toHaveLength(want.length)
  rows.forEach((row, i) => {
    const w = want[i]
    expect(row.iface).toBe(w?.iface)
    expect(
      row.protocols.startsWith(w?.protocols ?? '?'),
      `${row.protocols} vs ${w?.protocols}`,
    ).toBe(true)
    expect(row.src).toEqual(w?.src)
    expect(row.dst).toEqual(w?.dst)
    // 1 good; 3 not present (VXLAN's zero UDP checksum); never 0 (bad) or 4 (illegal).
    for (const s of row.checksums) expect(['1', '3']).toContain(s)
  })
  return rows
}

describe.skipIf(why !== undefined && !process.env.CI)(
  `tshark -r on kpath's pcapng${why ? ` (skipped: ${why})` : ''}`,
  () => {
    it('bridged: pod → pod on one node through cni0 (Ethernet on every hop)', () => {
      const r = trace('clusters/flannel-vxlan.yaml', '10.244.0.2', '10.244.0.3', { port: 8080 })
      const rows = check(r, 'bridged')
      expect(rows.map((x) => x.iface)).toContain('node-alpha/cni0')
      expect(rows.every((x) => x.protocols.startsWith('eth:ethertype:ip:tcp'))).toBe(true)
    })

    it('VXLAN: flannel.1 frames in UDP 8472 between the nodes, decoded with -d udp.port==8472,vxlan', () => {
      const r = trace('clusters/flannel-vxlan.yaml', '10.244.1.2', '10.244.0.2', { port: 8080 })
      expect(tsharkDecodeHints(r)).toEqual(['-d udp.port==8472,vxlan'])
      const rows = check(r, 'vxlan')
      const wire = rows.filter((x) => x.iface === 'node-beta/eth0')
      expect(wire[0]?.protocols).toBe('eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp')
      expect(wire[0]?.src).toEqual(['10.39.0.12', '10.244.1.2'])
    })

    it('flannel UDP (seed 003): raw IP on flannel0, inner IP in UDP 8285 on eth0', () => {
      const r = trace('seeds/003-flannel-udp-rp-filter.yaml', 'node/slave1', 'svc/default/heapster')
      expect(tsharkDecodeHints(r)).toEqual(['-d udp.port==8285,ip'])
      const rows = check(r, 'flannel-udp')
      expect(rows[0]).toMatchObject({ iface: 'node-slave1/flannel0', protocols: 'raw:ip:tcp' })
      expect(rows.find((x) => x.iface === 'node-slave1/eth0')).toMatchObject({
        protocols: 'eth:ethertype:ip:udp:ip:tcp',
        src: ['10.39.0.17', '10.39.0.17'],
        dst: ['10.39.0.18', '192.168.67.4'],
      })
    })

    it('IPIP (seed 002, Calico tunl0): protocol 4 on ens3, raw IP on tunl0, and the echo reply back', () => {
      const r = trace('seeds/002-calico-ipip.yaml', 'node/slave1', '10.151.32.0', { proto: 'icmp' })
      const rows = check(r, 'ipip')
      expect(rows.find((x) => x.iface === 'node-slave1/ens3')).toMatchObject({
        protocols: 'eth:ethertype:ip:ip:icmp:data',
        src: ['172.16.1.50', '10.151.51.0'],
        dst: ['172.16.2.77', '10.151.32.0'],
      })
      expect(
        rows.some((x) => x.iface === 'node-master1/tunl0' && x.protocols.startsWith('raw:ip:icmp')),
      ).toBe(true)
    })
  },
)

/** The flow's TCP header on every packet: tshark's raw (absolute) numbers, flags and payload. */
interface TcpRow {
  readonly seq: number
  readonly ack: number
  readonly win: number
  readonly flags: readonly TcpFlag[]
  readonly len: number
}

/** tshark's flag fields, in the order read below. */
const FLAG_FIELDS: readonly (readonly [string, TcpFlag])[] = [
  ['tcp.flags.fin', 'FIN'],
  ['tcp.flags.syn', 'SYN'],
  ['tcp.flags.reset', 'RST'],
  ['tcp.flags.push', 'PSH'],
  ['tcp.flags.ack', 'ACK'],
]

function tsharkTcp(r: ClusterTraceReport, name: string): { rows: TcpRow[]; checksums: string[] } {
  const numbers = ['tcp.seq_raw', 'tcp.ack_raw', 'tcp.window_size_value', 'tcp.len']
  const fields = [...numbers, ...FLAG_FIELDS.map(([f]) => f), 'tcp.checksum.status']
  const rows = tsharkFields(r, name, fields)
  return {
    rows: rows.map(([seq, ack, win, len, ...rest]) => ({
      seq: Number(seq),
      ack: Number(ack),
      win: Number(win),
      flags: FLAG_FIELDS.filter((_, i) => rest[i] === '1').map(([, f]) => f),
      len: Number(len),
    })),
    checksums: rows.map((x) => x.at(-1) ?? ''),
  }
}

describe.skipIf(why !== undefined && !process.env.CI)(
  `tshark reads a --segment conversation's TCP numbers${why ? ` (skipped: ${why})` : ''}`,
  () => {
    it('kubernetes#74839 without the INVALID DROP: SYN, SYN/ACK, ACK, the stray segment, the RST', () => {
      const file = join(import.meta.dirname, '..', 'explain', 'testdata', 'conntrack-invalid.yaml')
      const drop =
        '-D KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP'
      const r = traceBetween({
        inputs: [{ file, text: readFileSync(file, 'utf8') }],
        from: 'pod/default/client',
        to: 'svc/default/web',
        segments: [parseSegmentSpec('server:PSH+ACK,seq=200001,len=1398')],
        edits: ['alpha', 'beta'].map((n) => parseRuleEdit(`node/${n}:${drop}`)),
      })
      const b = r.trace.branches[0]
      const [ack, stray] = b?.segments ?? []
      const syn = r.packet.tcpSeq
      if (b?.reply === undefined || ack === undefined || stray?.reset === undefined || !syn)
        throw new Error('the trace must play the whole conversation')
      // Expected per walk, from the walk's own numbers; each hop is one packet.
      const walks: [Walk, TcpRow][] = [
        [b, { seq: syn.seq, ack: 0, win: syn.window, flags: ['SYN'], len: 0 }],
        [b.reply, { seq: 2_000_000, ack: syn.seq + 1, win: 65160, flags: ['SYN', 'ACK'], len: 0 }],
        [ack, { seq: ack.seq, ack: ack.ack, win: 502, flags: ['ACK'], len: 0 }],
        [stray, { seq: stray.seq, ack: stray.ack, win: 502, flags: ['PSH', 'ACK'], len: 1398 }],
        [stray.reset, { seq: stray.ack, ack: 0, win: 0, flags: ['RST'], len: 0 }],
      ]
      const want = walks.flatMap(([w, row]) => w.hops.map(() => row))
      const { rows, checksums } = tsharkTcp(r, 'segments')
      expect(rows).toEqual(want)
      // Every TCP checksum good (1).
      expect(new Set(checksums)).toEqual(new Set(['1']))
      // Relative to the ISNs, as the --segment asked: the server's byte 200001.
      expect(stray.seq - 2_000_000).toBe(200001)
    })
  },
)

describe('pcapng comments', () => {
  it('name the branch, hop, matched rules and route, and the outcome on the last hop', () => {
    const r = trace('clusters/flannel-vxlan.yaml', 'node/alpha', 'svc/default/web:http')
    const text = new TextDecoder().decode(tracePcapng(r))
    expect(text).toContain('branch 1/3 (p=0.333333) request hop 1/')
    expect(text).toMatch(
      /TRACE: nat:KUBE-SERVICES:rule:\d+ {2}-A KUBE-SERVICES -d 10\.96\.0\.10\/32/,
    )
    expect(text).toContain('nat(OUTPUT): DNAT 10.96.0.10:80 -> 10.244.0.2:8080')
    expect(text).toMatch(/=> delivered to pod default\/web-\S+ port 8080/)
  })
})
