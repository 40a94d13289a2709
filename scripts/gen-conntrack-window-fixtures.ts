/**
 * Regenerate src/core/conntrack/testdata/lab/tcp-window*.json from the real kernel: TCP
 * window tracking (nf_conntrack_proto_tcp.c tcp_in_window) through the lab router of
 * gen-conntrack-fixtures.lab.ts. Root only; its namespaces are kpath-w5-<pid>-* and are
 * deleted at the end. Nothing touches the root netns.
 *
 *   npx tsx scripts/gen-conntrack-window-fixtures.ts
 *
 * Each step records, as the other lab scenarios do, the ctstate/ctdir the router's mangle
 * PREROUTING counted for the packet (INVALID when conntrack refused it) and `conntrack -L`.
 */
import {
  buildLab,
  LAB_ADDR,
  type Lab,
  type LabPacket,
  type LabStep,
  mappedPort,
  resetRouter,
  runStep,
  saveScenario,
} from './gen-conntrack-fixtures.lab.js'
import { cleanup, useNsTag } from './gen-conntrack-fixtures.shell.js'

const { client: C, vip: VIP, server: S, masq: M } = LAB_ADDR
const u32 = (x: number) => x >>> 0

type Seg = Omit<LabPacket, 'proto' | 'src' | 'dst' | 'sport' | 'dport'>

/**
 * A connection through DNAT and MASQUERADE with window scaling (7) and SACK on both sides,
 * then segments on either side of every bound tcp_in_window checks.
 */
function scenarioWindow(lab: Lab): void {
  resetRouter(lab)
  const steps: LabStep[] = []
  const step = (note: string, from: 'client1' | 'server', packet: LabPacket) =>
    steps.push(runStep(lab, { note, from, packet }))
  const c = (seg: Seg): LabPacket => ({
    proto: 6,
    src: C,
    dst: VIP,
    sport: 40301,
    dport: 80,
    ...seg,
  })
  step(
    'client SYN, wscale 7, SACK permitted',
    'client1',
    c({
      flags: ['SYN'],
      seq: 1000,
      window: 64240,
      wscale: 7,
      sackPerm: true,
    }),
  )
  const port = mappedPort(steps[0]?.listing ?? '', 40301, 80)
  const s = (seg: Seg): LabPacket => ({
    proto: 6,
    src: S,
    dst: M,
    sport: 8080,
    dport: port,
    ...seg,
  })
  step(
    'server SYN/ACK, wscale 7, SACK permitted',
    'server',
    s({
      flags: ['SYN', 'ACK'],
      seq: 5000,
      ack: 1001,
      window: 65160,
      wscale: 7,
      sackPerm: true,
    }),
  )
  step(
    'client ACK, window 502 << 7',
    'client1',
    c({ flags: ['ACK'], seq: 1001, ack: 5001, window: 502 }),
  )
  step(
    'server data, 100 bytes',
    'server',
    s({ flags: ['PSH', 'ACK'], seq: 5001, ack: 1001, payload: 100, window: 509 }),
  )
  step('client ACKs it', 'client1', c({ flags: ['ACK'], seq: 1001, ack: 5101, window: 502 }))
  step(
    'server data far beyond the client window: INVALID',
    'server',
    s({
      flags: ['PSH', 'ACK'],
      seq: 5101 + 200000,
      ack: 1001,
      payload: 100,
      window: 509,
    }),
  )
  step(
    'server data 144 bytes past the window: ignored',
    'server',
    s({
      flags: ['PSH', 'ACK'],
      seq: 69400,
      ack: 1001,
      payload: 100,
      window: 509,
    }),
  )
  step(
    'client SACKs the ignored data',
    'client1',
    c({
      flags: ['ACK'],
      seq: 1001,
      ack: 5101,
      window: 502,
      sack: [[69400, 69500]],
    }),
  )
  step(
    'client SACK beyond anything sent: INVALID',
    'client1',
    c({
      flags: ['ACK'],
      seq: 1001,
      ack: 5101,
      window: 502,
      sack: [[80000, 80100]],
    }),
  )
  step(
    'server ACKs data the client never sent: INVALID',
    'server',
    s({
      flags: ['ACK'],
      seq: 5101,
      ack: 1001 + 100000,
      window: 509,
    }),
  )
  step(
    'client data retransmitted from long ago: ignored',
    'client1',
    c({
      flags: ['PSH', 'ACK'],
      seq: u32(1001 - 200000),
      ack: 5101,
      payload: 10,
      window: 502,
    }),
  )
  step(
    'client ACK far below what it acknowledged: ignored',
    'client1',
    c({
      flags: ['ACK'],
      seq: 1001,
      ack: u32(5101 - 100000),
      window: 502,
    }),
  )
  step(
    'server RST below what the client acknowledged: INVALID',
    'server',
    s({
      flags: ['RST'],
      seq: 4991,
    }),
  )
  steps.push(
    runStep(lab, {
      note: 'ignore_invalid_rst=1: the same RST passes the RST check, then is under the lower bound: ignored',
      from: 'server',
      sysctls: { 'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst': '1' },
      packet: s({ flags: ['RST'], seq: 4991 }),
    }),
  )
  steps.push(
    runStep(lab, {
      note: 'ignore_invalid_rst=0 again: INVALID',
      from: 'server',
      sysctls: { 'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst': '0' },
      packet: s({ flags: ['RST'], seq: 4991 }),
    }),
  )
  const liberal = (on: boolean) => ({ 'net.netfilter.nf_conntrack_tcp_be_liberal': on ? '1' : '0' })
  steps.push(
    runStep(lab, {
      note: 'be_liberal=1: the far segment passes',
      from: 'server',
      sysctls: liberal(true),
      packet: s({
        flags: ['PSH', 'ACK'],
        seq: 5101 + 200000,
        ack: 1001,
        payload: 100,
        window: 509,
      }),
    }),
  )
  steps.push(
    runStep(lab, {
      note: 'be_liberal=0: server RST at the acknowledged sequence, under the lower bound: ignored',
      from: 'server',
      sysctls: liberal(false),
      packet: s({ flags: ['RST'], seq: 5101 }),
    }),
  )
  saveScenario(
    'tcp-window',
    'window tracking of one connection through DNAT (VIP 10.0.8.100:80 -> 10.0.9.2:8080) and MASQUERADE: in-window data, INVALID segments beyond the window, ACKs of unsent data (plain and SACK), ignored retransmissions and stale ACKs, an RST before the acknowledged sequence, and nf_conntrack_tcp_be_liberal',
    steps,
  )
}

/** A connection picked up mid-stream is liberal: what would be out of window passes. */
function scenarioPickup(lab: Lab): void {
  resetRouter(lab)
  const c = (seg: Seg): LabPacket => ({
    proto: 6,
    src: C,
    dst: S,
    sport: 40302,
    dport: 8080,
    ...seg,
  })
  const s = (seg: Seg): LabPacket => ({
    proto: 6,
    src: S,
    dst: M,
    sport: 8080,
    dport: 40302,
    ...seg,
  })
  const steps = [
    runStep(lab, {
      note: 'ACK with no connection: picked up',
      from: 'client1',
      packet: c({ flags: ['ACK'], seq: 7000, ack: 9000, window: 500 }),
    }),
    runStep(lab, {
      note: 'server data far out of any window: accepted (liberal)',
      from: 'server',
      packet: s({ flags: ['PSH', 'ACK'], seq: 9000 + 500000, ack: 7000, payload: 50, window: 500 }),
    }),
    runStep(lab, {
      note: 'client ACK of unsent data: accepted (liberal)',
      from: 'client1',
      packet: c({ flags: ['ACK'], seq: 7000, ack: 9000 + 900000, window: 500 }),
    }),
  ]
  saveScenario(
    'tcp-window-pickup',
    'a connection picked up mid-stream (nf_conntrack_tcp_loose) is tracked liberally: out-of-window segments pass',
    steps,
  )
}

function main(): void {
  if (process.getuid?.() !== 0) throw new Error('run as root: this creates network namespaces')
  useNsTag('w5')
  try {
    const lab = buildLab()
    scenarioWindow(lab)
    scenarioPickup(lab)
  } finally {
    cleanup()
  }
}

main()
