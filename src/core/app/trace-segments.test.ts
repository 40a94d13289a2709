/**
 * The trace views of a conversation played with `--segment` (core/walk segments.ts), on the
 * kubernetes#74839 cluster (explain/testdata/conntrack-invalid.yaml): the text view's tcpdump
 * numbers (absolute on the SYN and SYN/ACK, relative after, as print-tcp.c does), each
 * segment's walk and the RST answering a segment no socket took, the mermaid diagram, the JSON
 * and `allDelivered`. The pcapng side is checked by tshark in trace-pcapng.test.ts.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSegmentSpec } from '../walk/index.js'
import { parseRuleEdit } from '../whatif/index.js'
import { allDelivered, traceBetween } from './cluster-trace.js'
import { clusterTraceText } from './cluster-trace-text.js'
import { toJson } from './show.js'
import { traceMermaid } from './trace-mermaid.js'
import { tcpdumpNumbers } from './trace-tcp.js'

const file = join(import.meta.dirname, '..', 'explain', 'testdata', 'conntrack-invalid.yaml')
const inputs = [{ file, text: readFileSync(file, 'utf8') }]
const STRAY = 'server:PSH+ACK,seq=200001,len=1398'
const DROP =
  '-D KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP'

function trace(segments: string[], withoutDrop = false) {
  return traceBetween({
    inputs,
    from: 'pod/default/client',
    to: 'svc/default/web',
    ...(segments.length > 0 ? { segments: segments.map(parseSegmentSpec) } : {}),
    ...(withoutDrop
      ? { edits: ['alpha', 'beta'].map((n) => parseRuleEdit(`node/${n}:${DROP}`)) }
      : {}),
  })
}

/** The text view's lines after `heading`, up to and including the walk's `=>` outcome. */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n')
  const from = lines.indexOf(heading)
  expect(from, `no "${heading}" in the text view`).toBeGreaterThanOrEqual(0)
  const end = lines.findIndex((l, i) => i > from && l.startsWith('=> '))
  return lines.slice(from, end + 1)
}

describe('text view of --segment', () => {
  const r = trace([STRAY])
  const text = clusterTraceText(r)

  it('numbers the handshake as tcpdump does: absolute SYN and SYN/ACK, then relative', () => {
    expect(text).toContain(
      'IP 10.244.0.7.40000 > 10.96.0.20.80: Flags [S], seq 1000000, win 64240, ttl 64, length 60',
    )
    expect(text).toContain(
      'IP 10.96.0.20.80 > 10.244.0.7.40000: Flags [S.], seq 2000000, ack 1000001, win 65160, ttl 62, length 60',
    )
    const ack = section(text, "the client's ACK completing the handshake:")
    expect(ack).toContain(
      '  eth0 In aa:2e:26:96:da:7f > 6a:6d:18:7c:b6:6d, ethertype IPv4 (0x0800), length 66: IP 10.244.0.7.40000 > 10.244.1.5.8080: Flags [.], ack 1, win 502, ttl 62, length 52',
    )
    expect(ack.at(-1)).toMatch(/^=> delivered to pod default\/web-b port 8080/)
  })

  it("walks the server's out-of-window segment to KUBE-FORWARD's DROP on node beta", () => {
    const seg = section(text, `segment 1 (--segment ${STRAY}):`)
    expect(seg[1]).toBe('[pod-default-web-b] send, out eth0')
    expect(seg.join('\n')).toContain(
      'IP 10.244.1.5.8080 > 10.244.0.7.40000: Flags [P.], seq 200001:201399, ack 1, win 502, ttl 64, length 1450',
    )
    expect(seg).toContain(
      '  conntrack(PREROUTING): INVALID: no connection (SEQ is over upper bound 2064258 (over the window of the receiver))',
    )
    expect(seg.at(-1)).toBe('=> dropped in node beta at filter FORWARD: DROP by netfilter')
    expect(text).not.toContain('answers with an RST')
  })

  it('counts the dropped segment: not every branch delivered (exit 1)', () => {
    expect(r.trace.branches[0]?.outcome.kind).toBe('delivered')
    expect(r.trace.branches[0]?.reply?.outcome.kind).toBe('delivered')
    expect(allDelivered(r.trace)).toBe(false)
    expect(allDelivered(trace(['server:PSH+ACK,len=1398']).trace)).toBe(true)
  })

  it('prints no TCP numbers without --segment', () => {
    const plain = clusterTraceText(trace([]))
    expect(plain).toContain('IP 10.244.0.7.40000 > 10.96.0.20.80: Flags [S], ttl 64, length 60')
    expect(plain).not.toMatch(/ seq \d|the client's ACK/)
  })
})

describe('--segment without the INVALID DROP rule', () => {
  const r = trace([STRAY], true)

  it("shows the client's RST walking back to the server pod", () => {
    const text = clusterTraceText(r)
    const seg = section(text, `segment 1 (--segment ${STRAY}):`)
    expect(seg.at(-1)).toBe(
      '=> refused by pod default/client: nothing listens on port 40000 (TTL 62 at arrival)',
    )
    const rst = section(
      text,
      'reset: pod default/client answers with an RST (no socket took the segment):',
    )
    // tcp_v4_send_reset: seq = the segment's ack; an RST without ACK is printed absolute.
    expect(rst[1]).toBe('[pod-default-client] send, out eth0')
    expect(rst.join('\n')).toContain(
      'IP 10.244.0.7.40000 > 10.244.1.5.8080: Flags [R], seq 1000001, win 0, ttl 64, length 40',
    )
    expect(rst.at(-1)).toMatch(/^=> delivered to pod default\/web-b port 8080/)
    expect(allDelivered(r.trace)).toBe(false)
  })

  it('keeps the RST in the JSON with its flags and absolute numbers', () => {
    const json = JSON.parse(toJson(r.trace)) as {
      branches: { segments: { spec: unknown; seq: number; ack: number; reset?: unknown }[] }[]
    }
    const [ack, stray] = json.branches[0]?.segments ?? []
    expect(ack).toMatchObject({
      spec: { from: 'client', flags: ['ACK'] },
      seq: 1000001,
      ack: 2000001,
    })
    expect(stray).toMatchObject({ seq: 2200001, ack: 1000001, outcome: { kind: 'refused' } })
    expect(stray?.reset).toMatchObject({
      flags: ['RST'],
      seq: 1000001,
      ack: 0,
      outcome: { kind: 'delivered', netns: 'pod-default-web-b' },
    })
  })

  it('draws each segment in mermaid: the server segment dashed, the RST solid', () => {
    const m = traceMermaid(r)
    expect(m).toContain(
      `Note over N5: segment 1 (--segment ${STRAY}): IP 10.244.1.5.8080 > 10.244.0.7.40000: Flags [P.], seq 200001:201399, ack 1, win 502, ttl 64, length 1450`,
    )
    expect(m).toMatch(
      /N5-->>N4: eth0 → cni0: IP 10\.244\.1\.5\.8080 > 10\.244\.0\.7\.40000: Flags \[P\.\]/,
    )
    expect(m).toContain(
      'Note over N1: RST answering it: IP 10.244.0.7.40000 > 10.244.1.5.8080: Flags [R], seq 1000001, win 0, ttl 64, length 40',
    )
    expect(m).toMatch(
      /N1->>N2: eth0 → cni0: IP 10\.244\.0\.7\.40000 > 10\.244\.1\.5\.8080: Flags \[R\]/,
    )
  })
})

describe('tcpdumpNumbers', () => {
  const seq = { seq: 2_000_101, ack: 1_000_001, window: 502, payload: 0 }
  const isn = { seq: 2_000_000, ack: 1_000_000 }

  it('prints seq only with data, SYN, FIN or RST; relative on ACK segments', () => {
    expect(tcpdumpNumbers({ tcpFlags: ['ACK'], tcpSeq: seq, isn })).toBe(', ack 1, win 502')
    expect(tcpdumpNumbers({ tcpFlags: ['FIN', 'ACK'], tcpSeq: seq, isn })).toBe(
      ', seq 101, ack 1, win 502',
    )
    expect(tcpdumpNumbers({ tcpFlags: ['PSH', 'ACK'], tcpSeq: { ...seq, payload: 10 }, isn })).toBe(
      ', seq 101:111, ack 1, win 502',
    )
  })

  it('keeps absolute numbers on a SYN/ACK and an RST without ACK, and prints nothing without numbers', () => {
    expect(tcpdumpNumbers({ tcpFlags: ['SYN', 'ACK'], tcpSeq: seq, isn })).toBe(
      ', seq 2000101, ack 1000001, win 502',
    )
    expect(tcpdumpNumbers({ tcpFlags: ['RST'], tcpSeq: { ...seq, window: 0 }, isn })).toBe(
      ', seq 2000101, win 0',
    )
    expect(tcpdumpNumbers({ tcpFlags: ['ACK'] })).toBe('')
  })
})
