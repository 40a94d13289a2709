/**
 * The lab half of gen-conntrack-fixtures.ts: a router namespace between two clients and a
 * server, iptables-legacy DNAT/SNAT/MASQUERADE on the router, and hand-made packets
 * (gen-conntrack-fixtures.inject.py) sent one at a time. For each packet it records when it
 * was sent, which ctstate/ctdir the router's mangle PREROUTING counted, and `conntrack -L`.
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addNs, INJECT, inNs, PREFIX, run, sleep, write } from './gen-conntrack-fixtures.shell.js'

/** One SCTP chunk for the injector: its type name and the few fields it fills in. */
export interface LabChunk {
  readonly type: string
  readonly initTag?: number
  readonly flags?: number
  readonly payload?: number
}

export interface LabPacket {
  readonly proto: 1 | 6 | 17 | 132
  readonly src: string
  readonly dst: string
  readonly sport?: number
  readonly dport?: number
  readonly flags?: readonly string[]
  readonly seq?: number
  readonly ack?: number
  readonly payload?: number
  /** TCP window field (default 64240) and options (gen-conntrack-window-fixtures.ts). */
  readonly window?: number
  readonly wscale?: number
  readonly sackPerm?: boolean
  readonly sack?: readonly (readonly [number, number])[]
  readonly icmpType?: number
  readonly icmpCode?: number
  readonly icmpId?: number
  readonly inner?: LabPacket
  /** SCTP: the verification tag of the common header, and the chunks in order. */
  readonly vtag?: number
  readonly chunks?: readonly LabChunk[]
}

type Host = 'client1' | 'client2' | 'server'

export interface LabStep {
  readonly note: string
  readonly from: Host
  readonly packet: LabPacket
  readonly delayBefore?: number
  readonly sysctls?: Readonly<Record<string, string>>
  /** Seconds since the scenario started, when the packet was sent. */
  at?: number
  ctinfo?: Readonly<Record<string, number>>
  listing?: string
  captured?: unknown
}

export interface Lab {
  readonly router: string
  readonly hosts: Readonly<Record<Host, string>>
}

const ROUTER_RULES = `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -m conntrack --ctstate INVALID
-A PREROUTING -m conntrack --ctstate NEW --ctdir ORIGINAL
-A PREROUTING -m conntrack --ctstate ESTABLISHED --ctdir ORIGINAL
-A PREROUTING -m conntrack --ctstate ESTABLISHED --ctdir REPLY
-A PREROUTING -m conntrack --ctstate RELATED --ctdir ORIGINAL
-A PREROUTING -m conntrack --ctstate RELATED --ctdir REPLY
-A PREROUTING -m conntrack --ctstate UNTRACKED
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 10.0.8.100/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.9.2:8080
-A PREROUTING -d 10.0.8.100/32 -p udp -m udp --dport 53 -j DNAT --to-destination 10.0.9.2:5353
-A PREROUTING -d 10.0.8.100/32 -p udp -m udp --dport 54 -j DNAT --to-destination 10.0.9.2:9999
-A PREROUTING -d 10.0.8.200/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.9.10-10.0.9.17:8080
-A PREROUTING -d 10.0.8.100/32 -p sctp -m sctp --dport 80 -j DNAT --to-destination 10.0.9.2:8080
-A POSTROUTING -s 10.0.1.64/26 -o srv -j SNAT --to-source 10.0.9.100-10.0.9.107
-A POSTROUTING -s 10.0.1.128/26 -o srv -j SNAT --to-source 10.0.9.110-10.0.9.117 --persistent
-A POSTROUTING -o srv -j MASQUERADE
COMMIT
`

/** Labels of the mangle PREROUTING counting rules, in rule order. */
const CTINFO_LABELS = [
  'INVALID',
  'NEW original',
  'ESTABLISHED original',
  'ESTABLISHED reply',
  'RELATED original',
  'RELATED reply',
  'UNTRACKED',
]

/**
 * The endpoints drop what the injector sends them, so their kernels answer nothing on their
 * own: no RST for TCP, and for SCTP no ABORT (or, without an SCTP stack, no ICMP protocol
 * unreachable).
 */
const ENDPOINT_RULES = (extra: string) => `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p tcp -j DROP
-A INPUT -p sctp -j DROP
${extra}COMMIT
`

function link(router: string, rIf: string, host: string, rAddr: string, hAddr: string): void {
  run([
    'ip',
    '-n',
    router,
    'link',
    'add',
    rIf,
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    host,
  ])
  run(['ip', '-n', router, 'addr', 'add', `${rAddr}/24`, 'dev', rIf])
  run(['ip', '-n', host, 'addr', 'add', `${hAddr}/24`, 'dev', 'eth0'])
  run(['ip', '-n', router, 'link', 'set', rIf, 'up'])
  run(['ip', '-n', host, 'link', 'set', 'eth0', 'up'])
  run(['ip', '-n', host, 'route', 'add', 'default', 'via', rAddr])
}

/**
 * The lab's addresses the scenarios write packets with: client1, the DNAT'd VIP, the server,
 * and the router's server-side address (what MASQUERADE rewrites client sources to).
 */
export const LAB_ADDR = {
  client: '10.0.1.2',
  vip: '10.0.8.100',
  server: '10.0.9.2',
  masq: '10.0.9.1',
} as const

export function buildLab(): Lab {
  const router = addNs('r')
  const hosts = { client1: addNs('c1'), client2: addNs('c2'), server: addNs('s') }
  link(router, 'c1', hosts.client1, '10.0.1.1', '10.0.1.2')
  link(router, 'c2', hosts.client2, '10.0.2.1', '10.0.2.2')
  link(router, 'srv', hosts.server, '10.0.9.1', '10.0.9.2')
  inNs(router, ['sysctl', '-qw', 'net.ipv4.ip_forward=1'])
  for (const dev of ['c1', 'c2', 'srv'])
    inNs(router, ['sysctl', '-qw', `net.ipv4.conf.${dev}.rp_filter=0`])
  inNs(router, ['iptables-legacy-restore'], ROUTER_RULES)
  const clientRules = ENDPOINT_RULES('-A INPUT -p udp -j DROP\n')
  inNs(hosts.client1, ['iptables-legacy-restore'], clientRules)
  inNs(hosts.client2, ['iptables-legacy-restore'], clientRules)
  inNs(
    hosts.server,
    ['iptables-legacy-restore'],
    ENDPOINT_RULES('-A INPUT -p udp --dport 5353 -j DROP\n'),
  )
  write('lab/router.rules', ROUTER_RULES)
  return { router, hosts }
}

/** Counter deltas of the ctstate rules since the last call (which zeroes them). */
function readCtinfo(lab: Lab): Record<string, number> {
  const save = inNs(lab.router, ['iptables-legacy-save', '-c', '-t', 'mangle'])
  inNs(lab.router, ['iptables-legacy', '-t', 'mangle', '-Z', 'PREROUTING'])
  const counts = save
    .split('\n')
    .filter((l) => l.includes('-A PREROUTING'))
    .map((l) => Number(/^\[([0-9]+):/.exec(l)?.[1] ?? 'NaN'))
  const out: Record<string, number> = {}
  counts.forEach((n, i) => {
    const label = CTINFO_LABELS[i]
    if (label === undefined || Number.isNaN(n)) throw new Error('unexpected mangle table')
    if (n > 0) out[label] = n
  })
  return out
}

function listing(lab: Lab): string {
  return inNs(lab.router, ['conntrack', '-L'])
}

export function runStep(lab: Lab, step: LabStep, withListing = true): LabStep {
  if (step.delayBefore) sleep(step.delayBefore * 1000)
  for (const [k, v] of Object.entries(step.sysctls ?? {}))
    inNs(lab.router, ['sysctl', '-qw', `${k}=${v}`])
  step.at = Math.round((Date.now() - scenarioStart) / 10) / 100
  inNs(lab.hosts[step.from], ['python3', INJECT, 'send', JSON.stringify(step.packet)])
  sleep(150)
  step.ctinfo = readCtinfo(lab)
  if (withListing) step.listing = listing(lab)
  return step
}

let scenarioStart = Date.now()

export function resetRouter(lab: Lab): void {
  inNs(lab.router, ['conntrack', '-F'])
  readCtinfo(lab)
  scenarioStart = Date.now()
}

export function saveScenario(name: string, description: string, steps: readonly LabStep[]): void {
  write(`lab/${name}.json`, `${JSON.stringify({ scenario: name, description, steps }, null, 2)}\n`)
}

function tcp(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  flags: string[],
  seq = 0,
  ack = 0,
  payload = 0,
): LabPacket {
  return { proto: 6, src, dst, sport, dport, flags, seq, ack, payload }
}

/** The port the router mapped a connection's source to, read off its reply tuple. */
export function mappedPort(text: string, sport: number, dport: number): number {
  const re = new RegExp(
    `sport=${sport} dport=${dport} .*?src=\\S+ dst=\\S+ sport=\\d+ dport=(\\d+)`,
  )
  const m = re.exec(text)
  if (!m?.[1]) throw new Error(`no connection ${sport}->${dport} in:\n${text}`)
  return Number(m[1])
}

function scenarioTcpFlow(lab: Lab): void {
  resetRouter(lab)
  const C = '10.0.1.2'
  const VIP = '10.0.8.100'
  const S = '10.0.9.2'
  const M = '10.0.9.1'
  const steps: LabStep[] = []
  const step = (s: LabStep) => steps.push(runStep(lab, s))
  step({
    note: 'client SYN to the VIP',
    from: 'client1',
    packet: tcp(C, VIP, 40001, 80, ['SYN'], 1000),
  })
  const port = mappedPort(steps[0]?.listing ?? '', 40001, 80)
  if (port !== 40001) throw new Error(`MASQUERADE moved port 40001 to ${port}`)
  const s = (flags: string[], seq: number, ack: number, payload = 0) =>
    tcp(S, M, 8080, port, flags, seq, ack, payload)
  const c = (flags: string[], seq: number, ack: number, payload = 0) =>
    tcp(C, VIP, 40001, 80, flags, seq, ack, payload)
  step({ note: 'server SYN/ACK', from: 'server', packet: s(['SYN', 'ACK'], 5000, 1001) })
  step({ note: 'client ACK: handshake done', from: 'client1', packet: c(['ACK'], 1001, 5001) })
  step({ note: 'client data', from: 'client1', packet: c(['PSH', 'ACK'], 1001, 5001, 5) })
  step({ note: 'server ACKs the data', from: 'server', packet: s(['ACK'], 5001, 1006) })
  step({ note: 'server data', from: 'server', packet: s(['PSH', 'ACK'], 5001, 1006, 6) })
  step({ note: 'client ACKs the data', from: 'client1', packet: c(['ACK'], 1006, 5007) })
  step({ note: 'client FIN', from: 'client1', packet: c(['FIN', 'ACK'], 1006, 5007) })
  step({ note: 'server ACKs the FIN', from: 'server', packet: s(['ACK'], 5007, 1007) })
  step({ note: 'server FIN', from: 'server', packet: s(['FIN', 'ACK'], 5007, 1007) })
  step({ note: 'client last ACK', from: 'client1', packet: c(['ACK'], 1007, 5008) })
  step({
    note: 'client SYN reopens from TIME_WAIT',
    from: 'client1',
    packet: c(['SYN'], 2000000, 0),
  })
  step({
    note: 'server refuses with RST: killed',
    from: 'server',
    packet: s(['RST', 'ACK'], 0, 2000001),
  })
  saveScenario(
    'tcp-flow',
    'one TCP connection through DNAT (VIP 10.0.8.100:80 -> 10.0.9.2:8080) and MASQUERADE, from SYN to TIME_WAIT, then a reopening SYN refused with RST',
    steps,
  )
}

function scenarioTcpReset(lab: Lab): void {
  resetRouter(lab)
  const C = '10.0.1.2'
  const S = '10.0.9.2'
  const M = '10.0.9.1'
  const c = (flags: string[], seq: number, ack = 0) => tcp(C, S, 40002, 8080, flags, seq, ack)
  const s = (flags: string[], seq: number, ack = 0) => tcp(S, M, 8080, 40002, flags, seq, ack)
  const steps = [
    runStep(lab, { note: 'client SYN', from: 'client1', packet: c(['SYN'], 100) }),
    runStep(lab, { note: 'server SYN/ACK', from: 'server', packet: s(['SYN', 'ACK'], 700, 101) }),
    runStep(lab, { note: 'client ACK', from: 'client1', packet: c(['ACK'], 101, 701) }),
    runStep(lab, {
      note: 'server RST: CLOSE',
      from: 'server',
      packet: s(['RST', 'ACK'], 701, 101),
    }),
    runStep(lab, {
      note: 'client SYN on the closed connection: ignored',
      from: 'client1',
      packet: c(['SYN'], 3000),
    }),
    runStep(lab, {
      note: 'server SYN/ACK to it: resynchronised',
      from: 'server',
      packet: s(['SYN', 'ACK'], 9000, 3001),
    }),
    runStep(lab, { note: 'client ACK', from: 'client1', packet: c(['ACK'], 3001, 9001) }),
  ]
  saveScenario(
    'tcp-reset',
    'a connection (MASQUERADE only) reset by the server, then reopened by a SYN the tracker first ignores',
    steps,
  )
}

function scenarioTcpPickup(lab: Lab): void {
  resetRouter(lab)
  const C = '10.0.1.2'
  const S = '10.0.9.2'
  const steps = [
    runStep(lab, {
      note: 'ACK with no connection, tcp_loose=1: picked up',
      from: 'client1',
      packet: tcp(C, S, 40100, 8080, ['ACK'], 7000, 9000),
    }),
    runStep(lab, {
      note: 'server ACK back',
      from: 'server',
      packet: tcp(S, '10.0.9.1', 8080, 40100, ['ACK'], 9000, 7000),
    }),
    runStep(lab, {
      note: 'client ACK: assured',
      from: 'client1',
      packet: tcp(C, S, 40100, 8080, ['ACK'], 7000, 9000),
    }),
    runStep(lab, {
      note: 'ACK with no connection, tcp_loose=0: invalid',
      from: 'client1',
      packet: tcp(C, S, 40101, 8080, ['ACK'], 7000, 9000),
      sysctls: { 'net.netfilter.nf_conntrack_tcp_loose': '0' },
    }),
  ]
  inNs(lab.router, ['sysctl', '-qw', 'net.netfilter.nf_conntrack_tcp_loose=1'])
  saveScenario(
    'tcp-pickup',
    'mid-stream pickup of a connection by an ACK (nf_conntrack_tcp_loose)',
    steps,
  )
}

function scenarioTcpInvalid(lab: Lab): void {
  resetRouter(lab)
  const C = '10.0.1.2'
  const S = '10.0.9.2'
  const c = (sport: number, flags: string[], seq = 1, ack = 0) =>
    tcp(C, S, sport, 8080, flags, seq, ack)
  const steps = [
    runStep(lab, {
      note: 'FIN/ACK with no connection',
      from: 'client1',
      packet: c(40200, ['FIN', 'ACK'], 1, 1),
    }),
    runStep(lab, {
      note: 'SYN/ACK with no connection',
      from: 'client1',
      packet: c(40201, ['SYN', 'ACK'], 1, 1),
    }),
    runStep(lab, { note: 'RST with no connection', from: 'client1', packet: c(40202, ['RST']) }),
    runStep(lab, { note: 'SYN+FIN', from: 'client1', packet: c(40203, ['SYN', 'FIN']) }),
    runStep(lab, { note: 'no flags at all', from: 'client1', packet: c(40204, []) }),
    runStep(lab, { note: 'bare FIN', from: 'client1', packet: c(40205, ['FIN']) }),
    runStep(lab, { note: 'SYN', from: 'client1', packet: c(40206, ['SYN'], 500) }),
    runStep(lab, {
      note: 'client ACK before any SYN/ACK',
      from: 'client1',
      packet: c(40206, ['ACK'], 501, 1),
    }),
    runStep(lab, {
      note: 'client SYN/ACK on its own connection',
      from: 'client1',
      packet: c(40206, ['SYN', 'ACK'], 500, 1),
    }),
    runStep(lab, {
      note: 'client FIN before any reply',
      from: 'client1',
      packet: c(40206, ['FIN', 'ACK'], 501, 1),
    }),
  ]
  saveScenario(
    'tcp-invalid',
    'segments the TCP tracker refuses: INVALID, and no connection made or changed',
    steps,
  )
}

function scenarioUdp(lab: Lab): void {
  resetRouter(lab)
  const q = (payload: number) =>
    ({ proto: 17, src: '10.0.1.2', dst: '10.0.8.100', sport: 5000, dport: 53, payload }) as const
  const steps = [
    runStep(lab, { note: 'query to the VIP', from: 'client1', packet: q(10) }),
    runStep(lab, {
      note: 'answer',
      from: 'server',
      packet: {
        proto: 17,
        src: '10.0.9.2',
        dst: '10.0.9.1',
        sport: 5353,
        dport: 5000,
        payload: 20,
      },
    }),
    runStep(lab, {
      note: 'second query at once: not yet a stream',
      from: 'client1',
      packet: q(11),
    }),
    runStep(lab, {
      note: 'third query 2.5 s later: a stream, ASSURED',
      from: 'client1',
      packet: q(12),
      delayBefore: 2.5,
    }),
  ]
  saveScenario(
    'udp',
    'a UDP exchange through DNAT (10.0.8.100:53 -> 10.0.9.2:5353) and MASQUERADE',
    steps,
  )
}

function scenarioIcmp(lab: Lab): void {
  resetRouter(lab)
  const steps = [
    runStep(lab, {
      note: 'echo request; the server kernel answers',
      from: 'client1',
      packet: {
        proto: 1,
        src: '10.0.1.2',
        dst: '10.0.9.2',
        icmpType: 8,
        icmpCode: 0,
        icmpId: 4660,
      },
    }),
    runStep(lab, {
      note: 'echo reply with no connection',
      from: 'client1',
      packet: {
        proto: 1,
        src: '10.0.1.2',
        dst: '10.0.9.2',
        icmpType: 0,
        icmpCode: 0,
        icmpId: 17185,
      },
    }),
    runStep(lab, {
      note: 'ICMP type 42 (above NR_ICMP_TYPES)',
      from: 'client1',
      packet: { proto: 1, src: '10.0.1.2', dst: '10.0.9.2', icmpType: 42, icmpCode: 0, icmpId: 1 },
    }),
    runStep(lab, {
      note: 'port unreachable quoting an unknown flow',
      from: 'client1',
      packet: {
        proto: 1,
        src: '10.0.1.2',
        dst: '10.0.9.2',
        icmpType: 3,
        icmpCode: 3,
        inner: { proto: 17, src: '10.0.9.2', dst: '10.0.1.2', sport: 7777, dport: 6666 },
      },
    }),
  ]
  saveScenario('icmp', 'ICMP echo through MASQUERADE, and ICMP the tracker refuses', steps)
}

/** Poll a file until `done` accepts its text (the script is synchronous; no event loop). */
function pollFile(path: string, done: (text: string) => boolean, ms: number): string {
  const deadline = Date.now() + ms
  for (;;) {
    const text = readFileSync(path, 'utf8')
    if (done(text) || Date.now() > deadline) return text
    sleep(50)
  }
}

function scenarioRelated(lab: Lab): void {
  resetRouter(lab)
  const file = join(tmpdir(), `${PREFIX}-capture.txt`)
  const fd = openSync(file, 'w')
  const cap = spawn(
    'ip',
    ['netns', 'exec', lab.hosts.client1, 'python3', INJECT, 'capture', '4', '2'],
    {
      stdio: ['ignore', fd, 'inherit'],
    },
  )
  try {
    pollFile(file, (t) => t.startsWith('ready'), 3000)
    const lines = (n: number) => (t: string) => t.split('\n').filter(Boolean).length > n
    const viaDnat = runStep(lab, {
      note: 'UDP to a closed port behind DNAT and MASQUERADE; the server kernel answers port unreachable',
      from: 'client1',
      packet: { proto: 17, src: '10.0.1.2', dst: '10.0.8.100', sport: 5001, dport: 54, payload: 4 },
    })
    viaDnat.captured = JSON.parse(pollFile(file, lines(1), 4000).split('\n')[1] || 'null')
    const viaMasq = runStep(lab, {
      note: 'UDP to a closed port through MASQUERADE only',
      from: 'client1',
      packet: { proto: 17, src: '10.0.1.2', dst: '10.0.9.2', sport: 5002, dport: 9998, payload: 4 },
      delayBefore: 1.1,
    })
    viaMasq.captured = JSON.parse(pollFile(file, lines(2), 4000).split('\n')[2] || 'null')
    saveScenario(
      'related',
      'ICMP errors RELATED to NATed UDP flows, and what the client receives after un-NAT',
      [viaDnat, viaMasq],
    )
  } finally {
    if (cap.pid !== undefined && cap.exitCode === null) process.kill(cap.pid, 'SIGKILL')
    closeSync(fd)
    rmSync(file, { force: true })
  }
}

function scenarioClash(lab: Lab): void {
  resetRouter(lab)
  const syn = (src: string, sport: number, dport: number) =>
    tcp(src, '10.0.9.2', sport, dport, ['SYN'], 1)
  const steps = [
    runStep(lab, {
      note: 'client1 :40500 -> :8080 keeps its port',
      from: 'client1',
      packet: syn('10.0.1.2', 40500, 8080),
    }),
    runStep(lab, {
      note: 'client2 :40500 -> :8080 clashes: new port in 1024-65535',
      from: 'client2',
      packet: syn('10.0.2.2', 40500, 8080),
    }),
    runStep(lab, {
      note: 'client2 :40500 -> :8081 reuses its mapping',
      from: 'client2',
      packet: syn('10.0.2.2', 40500, 8081),
    }),
    runStep(lab, {
      note: 'client1 :40500 -> :8081 reuses its own mapping',
      from: 'client1',
      packet: syn('10.0.1.2', 40500, 8081),
    }),
    runStep(lab, {
      note: 'client1 :700 -> :8080',
      from: 'client1',
      packet: syn('10.0.1.2', 700, 8080),
    }),
    runStep(lab, {
      note: 'client2 :700 -> :8080 clashes: new port in 600-1023',
      from: 'client2',
      packet: syn('10.0.2.2', 700, 8080),
    }),
    runStep(lab, {
      note: 'client1 :100 -> :8080',
      from: 'client1',
      packet: syn('10.0.1.2', 100, 8080),
    }),
    runStep(lab, {
      note: 'client2 :100 -> :8080 clashes: new port in 1-511',
      from: 'client2',
      packet: syn('10.0.2.2', 100, 8080),
    }),
  ]
  saveScenario(
    'snat-clash',
    'two clients behind one MASQUERADE using the same source port towards the same server',
    steps,
  )
}

function scenarioRanges(lab: Lab): void {
  resetRouter(lab)
  const steps: LabStep[] = []
  const add = (src: string, sport: number, dst: string, dport: number, last: boolean) =>
    steps.push(
      runStep(
        lab,
        {
          note: `${src}:${sport} -> ${dst}:${dport}`,
          from: 'client1',
          packet: tcp(src, dst, sport, dport, ['SYN'], 1),
        },
        last,
      ),
    )
  for (let i = 0; i < 32; i++) add(`10.0.1.${10 + i}`, 41000, '10.0.8.200', 80, false)
  for (let i = 0; i < 16; i++) add(`10.0.1.${64 + i}`, 42000, '10.0.9.2', 8080, false)
  for (let i = 0; i < 16; i++) add(`10.0.1.${128 + i}`, 42001, '10.0.9.2', 8080 + (i % 3), i === 15)
  saveScenario(
    'nat-ranges',
    'address choice from DNAT and SNAT ranges (plain and --persistent) for many sources',
    steps,
  )
}

export function genLab(lab: Lab): void {
  scenarioTcpFlow(lab)
  scenarioTcpReset(lab)
  scenarioTcpPickup(lab)
  scenarioTcpInvalid(lab)
  scenarioUdp(lab)
  scenarioIcmp(lab)
  scenarioRelated(lab)
  scenarioClash(lab)
  scenarioRanges(lab)
}
