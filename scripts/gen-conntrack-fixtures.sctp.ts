/**
 * The SCTP half of gen-conntrack-fixtures.ts: hand-made SCTP packets through the lab router
 * (DNAT 10.0.8.100:80 -> 10.0.9.2:8080 and MASQUERADE), one chunk list at a time, plus
 * `conntrack -I -p sctp` entries in every state the tool can insert.
 *
 * Verification tags are chosen the way real endpoints choose them (INIT carries tag 0, every
 * later packet the tag its peer announced), because kpath does not model them: each packet is
 * one the kernel's tag checks accept, except in the `sctp-vtag` scenario, which records what
 * the kernel does with a wrong tag.
 */
import {
  LAB_ADDR,
  type Lab,
  type LabChunk,
  type LabPacket,
  type LabStep,
  mappedPort,
  resetRouter,
  runStep,
  saveScenario,
} from './gen-conntrack-fixtures.lab.js'
import { addNs, inNs, write } from './gen-conntrack-fixtures.shell.js'

const { client: C, vip: VIP, server: S, masq: M } = LAB_ADDR
/** The tags the client and the server announce in their INIT and INIT_ACK. */
const CLIENT_TAG = 0x1111aaaa
const SERVER_TAG = 0x2222bbbb

type Chunk = string | LabChunk

function sctp(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  vtag: number,
  chunks: readonly Chunk[],
): LabPacket {
  const list = chunks.map((c) => (typeof c === 'string' ? { type: c } : c))
  return { proto: 132, src, dst, sport, dport, vtag, chunks: list }
}

const init = (tag: number): LabChunk => ({ type: 'INIT', initTag: tag })
const initAck = (tag: number): LabChunk => ({ type: 'INIT_ACK', initTag: tag })

/**
 * The two ends of one association: client packets to `dst`, server packets back to the
 * masqueraded client (which keeps its port: every scenario starts from an empty table). The
 * client sends with the server's tag and the server with the client's unless told otherwise.
 */
function association(dst: string, sport: number, dport: number) {
  const serverPort = dst === VIP ? 8080 : dport
  return {
    c: (chunks: readonly Chunk[], vtag = SERVER_TAG) => sctp(C, dst, sport, dport, vtag, chunks),
    s: (chunks: readonly Chunk[], vtag = CLIENT_TAG) => sctp(S, M, serverPort, sport, vtag, chunks),
  }
}

function scenarioFlow(lab: Lab): void {
  resetRouter(lab)
  const steps: LabStep[] = []
  const step = (s: LabStep) => steps.push(runStep(lab, s))
  const a = association(VIP, 5000, 80)
  step({ note: 'client INIT to the VIP', from: 'client1', packet: a.c([init(CLIENT_TAG)], 0) })
  const port = mappedPort(steps[0]?.listing ?? '', 5000, 80)
  if (port !== 5000) throw new Error(`MASQUERADE moved port 5000 to ${port}`)
  step({
    note: 'INIT retransmitted: the timeout is not refreshed',
    from: 'client1',
    packet: a.c([init(CLIENT_TAG)], 0),
    delayBefore: 2.5,
  })
  step({ note: 'server INIT_ACK', from: 'server', packet: a.s([initAck(SERVER_TAG)]) })
  step({
    note: 'client COOKIE_ECHO bundled with DATA',
    from: 'client1',
    packet: a.c(['COOKIE_ECHO', 'DATA']),
  })
  step({
    note: 'server COOKIE_ACK bundled with SACK',
    from: 'server',
    packet: a.s(['COOKIE_ACK', 'SACK']),
  })
  step({ note: 'client DATA', from: 'client1', packet: a.c(['DATA']) })
  step({ note: 'server SACK and DATA', from: 'server', packet: a.s(['SACK', 'DATA']) })
  step({ note: 'client SACK', from: 'client1', packet: a.c(['SACK']) })
  step({ note: 'client HEARTBEAT', from: 'client1', packet: a.c(['HEARTBEAT']) })
  step({ note: 'server HEARTBEAT_ACK', from: 'server', packet: a.s(['HEARTBEAT_ACK']) })
  step({ note: 'client SHUTDOWN', from: 'client1', packet: a.c(['SHUTDOWN']) })
  step({ note: 'server SHUTDOWN_ACK', from: 'server', packet: a.s(['SHUTDOWN_ACK']) })
  step({ note: 'client SHUTDOWN_COMPLETE', from: 'client1', packet: a.c(['SHUTDOWN_COMPLETE']) })
  step({
    note: 'client INIT for a new association on the CLOSED entry: not refreshed',
    from: 'client1',
    packet: a.c([init(0x3333cccc)], 0),
    delayBefore: 2.5,
  })
  step({
    note: 'server INIT_ACK reopens it',
    from: 'server',
    packet: a.s([initAck(0x4444dddd)], 0x3333cccc),
  })
  saveScenario(
    'sctp-flow',
    'one SCTP association through DNAT (VIP 10.0.8.100:80 -> 10.0.9.2:8080) and MASQUERADE: four-way handshake, data, heartbeat, graceful shutdown, then a new INIT on the CLOSED entry',
    steps,
  )
}

function scenarioClose(lab: Lab): void {
  resetRouter(lab)
  const steps: LabStep[] = []
  const step = (s: LabStep) => steps.push(runStep(lab, s))
  const handshake = (a: ReturnType<typeof association>, sport: number) => {
    step({ note: `:${sport} INIT`, from: 'client1', packet: a.c([init(CLIENT_TAG)], 0) })
    step({ note: `:${sport} INIT_ACK`, from: 'server', packet: a.s([initAck(SERVER_TAG)]) })
    step({ note: `:${sport} COOKIE_ECHO`, from: 'client1', packet: a.c(['COOKIE_ECHO']) })
  }
  const a = association(S, 5001, 8081)
  handshake(a, 5001)
  step({ note: ':5001 COOKIE_ACK', from: 'server', packet: a.s(['COOKIE_ACK']) })
  step({ note: 'server SHUTDOWN', from: 'server', packet: a.s(['SHUTDOWN']) })
  step({ note: 'client SHUTDOWN_ACK', from: 'client1', packet: a.c(['SHUTDOWN_ACK']) })
  step({
    note: 'server SHUTDOWN_COMPLETE',
    from: 'server',
    packet: a.s(['SHUTDOWN_COMPLETE']),
  })
  const b = association(S, 5002, 8082)
  handshake(b, 5002)
  step({ note: ':5002 COOKIE_ACK', from: 'server', packet: b.s(['COOKIE_ACK']) })
  step({ note: 'server ABORT', from: 'server', packet: b.s(['ABORT']) })
  step({ note: 'client DATA after the ABORT', from: 'client1', packet: b.c(['DATA']) })
  const c = association(S, 5003, 8083)
  handshake(c, 5003)
  step({
    note: 'server ERROR (stale cookie) in COOKIE_ECHOED',
    from: 'server',
    packet: c.s(['ERROR']),
  })
  step({
    note: 'client DATA on :5002 after CLOSED expired',
    from: 'client1',
    packet: b.c(['DATA']),
    delayBefore: 10.5,
  })
  saveScenario(
    'sctp-close',
    'SCTP associations through MASQUERADE ended by the server: SHUTDOWN, ABORT, and an ERROR answering the COOKIE_ECHO; then a CLOSED entry expires',
    steps,
  )
}

/** First packets with no connection, each on its own source port. */
const FIRST_PACKETS: readonly (readonly [string, readonly Chunk[], number])[] = [
  ['DATA', ['DATA'], 0],
  ['SACK', ['SACK'], 0],
  ['ABORT (out of the blue)', ['ABORT'], 0],
  ['SHUTDOWN_COMPLETE (out of the blue)', ['SHUTDOWN_COMPLETE'], 0],
  ['COOKIE_ACK (out of the blue)', ['COOKIE_ACK'], 0],
  ['no chunks at all', [], 0],
  ['INIT bundled with DATA', [init(CLIENT_TAG), 'DATA'], 0],
  ['DATA then COOKIE_ECHO', ['DATA', 'COOKIE_ECHO'], 0],
  ['COOKIE_ECHO then DATA', ['COOKIE_ECHO', 'DATA'], 0],
  ['INIT', [init(CLIENT_TAG)], 0],
  ['INIT_ACK', [initAck(CLIENT_TAG)], 0],
  ['SHUTDOWN', ['SHUTDOWN'], 0],
  ['SHUTDOWN_ACK', ['SHUTDOWN_ACK'], SERVER_TAG],
  ['ERROR', ['ERROR'], 0],
  ['COOKIE_ECHO', ['COOKIE_ECHO'], 0],
  ['HEARTBEAT', ['HEARTBEAT'], SERVER_TAG],
  ['HEARTBEAT_ACK', ['HEARTBEAT_ACK'], 0],
  ['HEARTBEAT then ERROR', ['HEARTBEAT', 'ERROR'], SERVER_TAG],
]

function scenarioNew(lab: Lab): void {
  resetRouter(lab)
  const steps = FIRST_PACKETS.map(([note, chunks, vtag], i) =>
    runStep(lab, {
      note,
      from: 'client1',
      packet: sctp(C, S, 5100 + i, 8080, vtag, chunks),
    }),
  )
  saveScenario(
    'sctp-new',
    'which first packets start an SCTP connection (MASQUERADE only); a new connection expects tag 0 except on HEARTBEAT and SHUTDOWN_ACK, which set it',
    steps,
  )
}

function scenarioHeartbeat(lab: Lab): void {
  resetRouter(lab)
  const steps: LabStep[] = []
  const step = (s: LabStep) => steps.push(runStep(lab, s))
  const a = association(S, 5200, 8080)
  step({ note: 'client HEARTBEAT on a new path', from: 'client1', packet: a.c(['HEARTBEAT']) })
  step({
    note: 'client HEARTBEAT again, refreshed',
    from: 'client1',
    packet: a.c(['HEARTBEAT']),
    delayBefore: 2.5,
  })
  step({
    note: 'server HEARTBEAT_ACK: ESTABLISHED',
    from: 'server',
    packet: a.s(['HEARTBEAT_ACK']),
  })
  step({ note: 'client DATA on the path', from: 'client1', packet: a.c(['DATA']) })
  step({ note: 'server DATA on the path', from: 'server', packet: a.s(['DATA']) })
  const b = association(S, 5201, 8080)
  step({ note: ':5201 client HEARTBEAT', from: 'client1', packet: b.c(['HEARTBEAT']) })
  step({ note: 'server INIT in HEARTBEAT_SENT', from: 'server', packet: b.s([init(7)], 0) })
  step({ note: 'server ABORT in HEARTBEAT_SENT', from: 'server', packet: b.s(['ABORT'], 0) })
  step({
    note: 'client HEARTBEAT_ACK in HEARTBEAT_SENT',
    from: 'client1',
    packet: b.c(['HEARTBEAT_ACK']),
  })
  step({
    note: 'client SHUTDOWN_ACK in HEARTBEAT_SENT',
    from: 'client1',
    packet: b.c(['SHUTDOWN_ACK']),
  })
  saveScenario(
    'sctp-heartbeat',
    'connections started by a HEARTBEAT (a secondary path of a multi-homed association), through MASQUERADE',
    steps,
  )
}

function scenarioVtag(lab: Lab): void {
  resetRouter(lab)
  const a = association(S, 5300, 8080)
  const steps = [
    runStep(lab, { note: 'INIT with a non-zero tag', from: 'client1', packet: a.c([init(1)], 9) }),
    runStep(lab, { note: 'INIT', from: 'client1', packet: a.c([init(CLIENT_TAG)], 0) }),
    runStep(lab, {
      note: 'server INIT_ACK with the wrong tag',
      from: 'server',
      packet: a.s([initAck(SERVER_TAG)], 12345),
    }),
  ]
  saveScenario(
    'sctp-vtag',
    'packets whose verification tag is wrong: the kernel refuses them, kpath (no tags) does not',
    steps,
  )
}

export function genSctpLab(lab: Lab): void {
  scenarioFlow(lab)
  scenarioClose(lab)
  scenarioNew(lab)
  scenarioHeartbeat(lab)
  scenarioVtag(lab)
}

/**
 * `conntrack -I -p sctp` arguments: every state conntrack 1.4.7 can insert (it crashes on
 * HEARTBEAT_SENT and HEARTBEAT_ACKED, so those come from the lab), status bits, NAT, IPv6.
 */
const CATALOGUE: readonly string[] = [
  '--sport 1 --dport 80 --state NONE -t 100 --orig-vtag 1 --reply-vtag 2',
  '--sport 2 --dport 80 --state CLOSED -t 10 --orig-vtag 1 --reply-vtag 2',
  '--sport 3 --dport 80 --state COOKIE_WAIT -t 3 --orig-vtag 1 --reply-vtag 2 -u SEEN_REPLY',
  '--sport 4 --dport 80 --state COOKIE_ECHOED -t 3 --orig-vtag 1 --reply-vtag 2 -u SEEN_REPLY',
  '--sport 5 --dport 80 --state ESTABLISHED -t 210 --orig-vtag 1 --reply-vtag 2 -u SEEN_REPLY,ASSURED',
  '--sport 6 --dport 80 --state SHUTDOWN_SENT -t 3 --orig-vtag 1 --reply-vtag 2 -u SEEN_REPLY,ASSURED',
  '--sport 7 --dport 80 --state SHUTDOWN_RECD -t 3 --orig-vtag 1 --reply-vtag 2 -u SEEN_REPLY,ASSURED',
  '--sport 8 --dport 80 --state SHUTDOWN_ACK_SENT -t 3 --orig-vtag 1 --reply-vtag 2 -u SEEN_REPLY,ASSURED -m 7',
]

const NAT_ENTRY =
  '-p sctp -s 10.244.1.5 -d 10.96.0.10 --sport 40000 --dport 38412 --reply-src 10.244.2.7 --reply-dst 192.168.49.2 --reply-port-src 38412 --reply-port-dst 61000 --state ESTABLISHED -t 210 --orig-vtag 5 --reply-vtag 6 -u SEEN_REPLY,ASSURED'
const V6_ENTRY =
  '-p sctp -s 2001:db8::1 -d 2001:db8::2 --sport 9 --dport 36412 --state COOKIE_WAIT -t 3 --orig-vtag 5 --reply-vtag 6'

export function genSctpCatalogue(): void {
  const ns = addNs('sctpcat')
  const lines = [
    ...CATALOGUE.map((a) => `-p sctp -s 10.0.0.1 -d 10.0.0.2 ${a}`),
    NAT_ENTRY,
    V6_ENTRY,
  ]
  for (const line of lines) inNs(ns, ['conntrack', '-I', ...line.split(' ')])
  write('catalogue-sctp-commands.txt', `${lines.map((l) => `conntrack -I ${l}`).join('\n')}\n`)
  write('catalogue-sctp.txt', inNs(ns, ['conntrack', '-L']))
  write('catalogue-sctp-extended.txt', inNs(ns, ['conntrack', '-L', '-o', 'extended']))
}
