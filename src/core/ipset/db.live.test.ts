/**
 * Ground truth for IpSetDb: random sets are loaded into the REAL kernel in a scratch network
 * namespace and asked about random packets, twice over:
 *
 * 1. `ipset test NAME ELEM` with the element a packet stands for (the userspace test walks the
 *    same hash lookup, prefix order and nomatch rules as the packet path);
 * 2. real packets (sent with a raw socket from python3, looped back over `lo`) through
 *    iptables-legacy rules `-m length --length L -m set --match-set S dirs [--return-nomatch]`
 *    in raw OUTPUT and raw PREROUTING, read back from the rule counters. This covers what
 *    `ipset test` cannot: list:set, --return-nomatch, directions, interfaces, fragments,
 *    protocol 0.
 *
 * Skips (with the reason) when not root or a tool is missing. The seed is printed on failure;
 * set KPATH_SEED to replay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../adapters/node/execer.js'
import { ScratchNetns } from '../../adapters/node/scratch-netns.js'
import type { Packet } from '../model/packet.js'
import { createIpSetDb, type SetDir } from './db.js'
import type { IpSet, IpSetType } from './model.js'
import { parseIpsetSave, printIpsetSave } from './save.js'

const SEED = Number(process.env.KPATH_SEED ?? Date.now() % 1_000_000)
const execer = new NodeExecer()

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T
  return { next, int, pick, chance: (p: number) => next() < p }
}
type Rng = ReturnType<typeof rng>

// Small pools, so that random members overlap and random packets hit them.
const V4_LENS = [8, 16, 24, 28, 30, 32]
const V6_LENS = [32, 48, 64, 120, 128]
const IFACES = ['eth0', 'lo', 'lo', 'veth+']
const PORTS = [53, 80, 443, 8080]

function v4(r: Rng): string {
  return `10.${r.int(3)}.${r.int(3)}.${r.int(6)}`
}
function v6(r: Rng): string {
  return `2001:db8:${r.int(3)}::${r.int(3)}:${r.int(6)}`
}
function addr(r: Rng, f: 4 | 6): string {
  return f === 4 ? v4(r) : v6(r)
}
function net(r: Rng, f: 4 | 6): string {
  return `${addr(r, f)}/${r.pick(f === 4 ? V4_LENS : V6_LENS)}`
}
function portElem(r: Rng, f: 4 | 6): string {
  const kind = r.int(5)
  if (kind === 0) return `udp:${r.pick(PORTS)}`
  if (kind === 1)
    return f === 4
      ? `icmp:${r.pick(['8/0', '0/0', '3/3'])}`
      : `icmpv6:${r.pick(['128/0', '129/0', '1/4'])}`
  if (kind === 2) return 'gre:0'
  return `tcp:${r.pick(PORTS)}`
}

interface SetSpec {
  readonly type: IpSetType
  readonly family: 4 | 6
  readonly create: string
}

const SPECS: readonly SetSpec[] = [
  { type: 'hash:ip', family: 4, create: '' },
  { type: 'hash:ip', family: 4, create: 'netmask 30' },
  { type: 'hash:ip', family: 6, create: '' },
  { type: 'hash:net', family: 4, create: '' },
  { type: 'hash:net', family: 6, create: '' },
  { type: 'hash:ip,port', family: 4, create: '' },
  { type: 'hash:ip,port', family: 6, create: '' },
  { type: 'hash:ip,port,ip', family: 4, create: '' },
  { type: 'hash:ip,port,net', family: 4, create: '' },
  { type: 'hash:ip,port,net', family: 6, create: '' },
  { type: 'hash:net,port', family: 4, create: '' },
  { type: 'hash:net,port', family: 6, create: '' },
  { type: 'hash:net,iface', family: 4, create: '' },
  { type: 'hash:net,iface', family: 6, create: '' },
  { type: 'bitmap:port', family: 4, create: 'range 0-9000' },
]

function randomElem(r: Rng, s: SetSpec): string {
  const f = s.family
  switch (s.type) {
    case 'hash:ip':
      return addr(r, f)
    case 'hash:net':
      return net(r, f)
    case 'hash:ip,port':
      return `${addr(r, f)},${portElem(r, f)}`
    case 'hash:ip,port,ip':
      return `${addr(r, f)},${portElem(r, f)},${addr(r, f)}`
    case 'hash:ip,port,net':
      return `${addr(r, f)},${portElem(r, f)},${net(r, f)}`
    case 'hash:net,port':
      return `${net(r, f)},${portElem(r, f)}`
    case 'hash:net,iface':
      return `${net(r, f)},${r.chance(0.15) ? 'physdev:' : ''}${r.pick(IFACES)}`
    default:
      return String(r.pick(PORTS))
  }
}

const NOMATCH_TYPES = new Set(['hash:net', 'hash:ip,port,net', 'hash:net,port', 'hash:net,iface'])

/** Restore input for random sets named s0, s1, …; duplicates are dropped with -exist. */
function randomSets(r: Rng, specs: readonly SetSpec[], size: number): IpSet[] {
  const lines: string[] = []
  for (const [i, s] of specs.entries()) {
    const family = s.type === 'bitmap:port' ? '' : ` family inet${s.family === 6 ? '6' : ''}`
    lines.push(`create s${i} ${s.type}${family} ${s.create}`)
    for (let k = 0; k < size; k++) {
      const nomatch = NOMATCH_TYPES.has(s.type) && r.chance(0.3) ? ' nomatch' : ''
      lines.push(`add s${i} ${randomElem(r, s)}${nomatch}`)
    }
  }
  return parseIpsetSave(`${lines.join('\n')}\n`, { exist: true })
}

function randomPacket(r: Rng, family: 4 | 6): Packet {
  const base = { family, src: addr(r, family), dst: addr(r, family), ttl: 64, length: 100, mark: 0 }
  const kind = r.int(8)
  if (kind <= 2) return { ...base, proto: 6, sport: r.pick(PORTS), dport: r.pick(PORTS) }
  if (kind === 3) return { ...base, proto: 17, sport: r.pick(PORTS), dport: r.pick(PORTS) }
  if (kind === 4) {
    const [t, c] =
      family === 4
        ? r.pick([
            [8, 0],
            [0, 0],
            [3, 3],
          ])
        : r.pick([
            [128, 0],
            [129, 0],
            [1, 4],
          ])
    return { ...base, proto: family === 4 ? 1 : 58, icmpType: t, icmpCode: c }
  }
  if (kind === 5) return { ...base, proto: family === 4 && r.chance(0.2) ? 0 : 47 }
  if (kind === 6) return { ...base, proto: 132, sport: r.pick(PORTS), dport: r.pick(PORTS) }
  // A non-first fragment: no ports to read (and, in IPv4, fine for protocols without ports).
  const proto = r.pick([6, 17, 47])
  return proto === 47
    ? { ...base, proto, fragment: true }
    : { ...base, proto, sport: r.pick(PORTS), dport: r.pick(PORTS), fragment: true }
}

function randomDirs(r: Rng, n: number): SetDir[] {
  return Array.from({ length: n }, () => (r.chance(0.5) ? 'src' : 'dst'))
}

const DIMS: Record<string, number> = {
  'hash:ip': 1,
  'hash:net': 1,
  'hash:ip,port': 2,
  'hash:ip,port,ip': 3,
  'hash:ip,port,net': 3,
  'hash:net,port': 2,
  'hash:net,iface': 2,
  'bitmap:port': 1,
  'list:set': 1,
}

async function canRun(tools: readonly string[]): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const t of tools) if (!(await execer.lookPath(t))) return `${t} is not installed`
  return undefined
}

describe('IpSetDb against the kernel: ipset test', async () => {
  const reason = await canRun(['ip', 'ipset'])
  let ns: ScratchNetns | undefined
  beforeAll(async () => {
    if (reason) return
    const r = await ScratchNetns.create(execer, 'h3')
    if ('ns' in r) ns = r.ns
    else throw new Error(r.reason)
  })
  afterAll(async () => ns?.dispose())

  /** The element `ipset test` takes for a packet, or undefined when a packet has no such element. */
  function elementOf(type: IpSetType, p: Packet, dirs: readonly SetDir[]): string | undefined {
    const a = (d: SetDir | undefined) => (d === 'src' ? p.src : p.dst)
    const port = (d: SetDir | undefined): string | undefined => {
      if (p.fragment) return undefined
      if (p.proto === 1 || p.proto === 58)
        return `${p.proto === 1 ? 'icmp' : 'icmpv6'}:${p.icmpType}/${p.icmpCode}`
      if (p.proto === 47) return 'gre:0'
      if (p.proto === 0) return undefined
      const name = p.proto === 6 ? 'tcp' : p.proto === 17 ? 'udp' : 'sctp'
      return `${name}:${d === 'src' ? p.sport : p.dport}`
    }
    const [d0, d1, d2] = dirs
    switch (type) {
      case 'hash:ip':
      case 'hash:net':
        return a(d0)
      case 'hash:ip,port':
      case 'hash:net,port': {
        const pp = port(d1)
        return pp && `${a(d0)},${pp}`
      }
      case 'hash:ip,port,ip':
      case 'hash:ip,port,net': {
        const pp = port(d1)
        return pp && `${a(d0)},${pp},${a(d2)}`
      }
      case 'hash:net,iface': {
        const iface = d1 === 'src' ? p.inIface : p.outIface
        return iface && `${a(d0)},${iface}`
      }
      case 'bitmap:port':
        return p.proto === 6 || p.proto === 17 ? (port(d0)?.split(':')[1] ?? undefined) : undefined
      default:
        return undefined
    }
  }

  it.skipIf(reason !== undefined)(
    `agrees on hundreds of random elements (seed ${SEED}) ${reason ?? ''}`,
    async () => {
      if (!ns) throw new Error('no namespace')
      const r = rng(SEED)
      const sets = randomSets(r, SPECS, 14)
      const load = await ns.exec(['ipset', 'restore'], {
        stdin: printIpsetSave(sets),
        allowFailure: true,
      })
      expect(load.stderr, `seed ${SEED}`).toBe('')
      // What the kernel holds is what kpath parsed (member order aside).
      const back = parseIpsetSave((await ns.exec(['ipset', 'save'])).stdout)
      for (const s of sets) {
        const k = back.find((b) => b.name === s.name)
        expect(k?.members.map((m) => m.elem).sort(), `${s.name} seed ${SEED}`).toEqual(
          s.members.map((m) => m.elem).sort(),
        )
      }
      const db = createIpSetDb(sets)
      let asked = 0
      let hits = 0
      for (const [i, spec] of SPECS.entries()) {
        for (let k = 0; k < 45; k++) {
          const p = {
            ...randomPacket(r, spec.family),
            inIface: r.pick(IFACES),
            outIface: r.pick(IFACES),
          }
          const dirs = randomDirs(r, DIMS[spec.type] ?? 1)
          const elem = elementOf(spec.type, p, dirs)
          if (elem === undefined) continue
          const res = await ns.exec(['ipset', 'test', `s${i}`, elem], { allowFailure: true })
          const kernel = res.code === 0
          if (!kernel && !/is NOT in set|out of the range/.test(res.stderr))
            throw new Error(`ipset test s${i} ${elem}: ${res.stderr}`)
          const ours = db.test(`s${i}`, p, dirs)
          expect(
            ours === 'match',
            `s${i} ${spec.type} ${elem} dirs ${dirs} kpath ${ours} seed ${SEED}`,
          ).toBe(kernel)
          asked++
          if (kernel) hits++
        }
      }
      expect(asked).toBeGreaterThan(300)
      expect(hits).toBeGreaterThan(30)
    },
  )
})

/** Sends packets given as JSON lines with raw sockets (IPv4 IP_HDRINCL, IPv6 IPPROTO_RAW). */
const SENDER = String.raw`
import json, socket, struct, sys
def l4(p, size):
    proto = p['proto']
    if p.get('frag'):
        body = b''
    elif proto == 6:
        body = struct.pack('!HHIIBBHHH', p['sport'], p['dport'], 1, 0, 0x50, 0x02, 1024, 0, 0)
    elif proto == 17:
        body = struct.pack('!HHHH', p['sport'], p['dport'], size, 0)
    elif proto == 132:
        body = struct.pack('!HHII', p['sport'], p['dport'], 1, 0)
    elif proto in (1, 58):
        body = struct.pack('!BBHHH', p['t'], p['c'], 0, 1, 1)
    else:
        body = b''
    return body + b'\0' * (size - len(body))
s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
for line in sys.stdin:
    p = json.loads(line)
    if p['f'] == 4:
        size = p['len'] - 20
        frag = 100 if p.get('frag') else 0
        hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, p['len'], 0, frag, 64, p['proto'], 0,
                          socket.inet_aton(p['src']), socket.inet_aton(p['dst']))
        s4.sendto(hdr + l4(p, size), (p['dst'], 0))
    else:
        ext = struct.pack('!BBHI', p['proto'], 0, 100 << 3, 7) if p.get('frag') else b''
        size = p['len'] - 40 - len(ext)
        nh = 44 if p.get('frag') else p['proto']
        hdr = struct.pack('!IHBB16s16s', 6 << 28, p['len'] - 40, nh, 64,
                          socket.inet_pton(socket.AF_INET6, p['src']), socket.inet_pton(socket.AF_INET6, p['dst']))
        s6.sendto(hdr + ext + l4(p, size), (p['dst'], 0))
`

interface Probe {
  readonly id: string
  readonly set: string
  readonly dirs: readonly SetDir[]
  readonly returnNomatch: boolean
  readonly pkt: Packet
  readonly chain: 'OUTPUT' | 'PREROUTING'
}

describe('IpSetDb against the kernel: packets through -m set', async () => {
  const reason = await canRun([
    'ip',
    'ipset',
    'iptables-legacy-restore',
    'ip6tables-legacy-restore',
    'python3',
  ])
  let ns: ScratchNetns | undefined
  beforeAll(async () => {
    if (reason) return
    const r = await ScratchNetns.create(execer, 'h3')
    if (!('ns' in r)) throw new Error(r.reason)
    ns = r.ns
    await ns.exec(['ip', 'link', 'set', 'lo', 'up'])
    // Every destination is local, so each packet goes out through OUTPUT and back in through
    // PREROUTING on lo, where the last rule drops it (no replies, no ICMP errors).
    await ns.exec(['ip', 'route', 'add', 'local', '0.0.0.0/0', 'dev', 'lo', 'table', 'local'])
    await ns.exec(['ip', '-6', 'route', 'add', 'local', '::/0', 'dev', 'lo', 'table', 'local'])
  })
  afterAll(async () => ns?.dispose())

  function withLists(r: Rng, sets: IpSet[]): IpSet[] {
    const names = sets.map((s) => s.name)
    const lists = [0, 1, 2].map((i) => {
      const members = [...new Set(Array.from({ length: 4 }, () => r.pick(names)))]
      return `create l${i} list:set\n${members.map((m) => `add l${i} ${m}`).join('\n')}\n`
    })
    return [
      ...sets,
      ...parseIpsetSave(`${printIpsetSave(sets)}${lists.join('')}`).slice(sets.length),
    ]
  }

  function rulesFor(probes: readonly Probe[], family: 4 | 6): string {
    const lines = ['*raw']
    for (const p of probes.filter((x) => x.pkt.family === family)) {
      const rn = p.returnNomatch ? ' --return-nomatch' : ''
      lines.push(
        `-A ${p.chain} -m length --length ${p.pkt.length} -m set --match-set ${p.set} ${p.dirs.join(',')}${rn} -m comment --comment ${p.id}`,
      )
    }
    lines.push('-A PREROUTING -j DROP', 'COMMIT', '')
    return lines.join('\n')
  }

  async function counters(cmd: string): Promise<Map<string, number>> {
    if (!ns) throw new Error('no namespace')
    const out = (await ns.exec([cmd, '-c', '-t', 'raw'])).stdout
    const hits = new Map<string, number>()
    for (const m of out.matchAll(/^\[(\d+):\d+\] .* --comment (t\d+)$/gm))
      hits.set(m[2] ?? '', Number(m[1]))
    return hits
  }

  it.skipIf(reason !== undefined)(
    `agrees on hundreds of real packets (seed ${SEED}) ${reason ?? ''}`,
    async () => {
      if (!ns) throw new Error('no namespace')
      const r = rng(SEED + 1)
      const sets = withLists(r, randomSets(r, SPECS, 12))
      const load = await ns.exec(['ipset', 'restore'], {
        stdin: printIpsetSave(sets),
        allowFailure: true,
      })
      expect(load.stderr, `seed ${SEED}`).toBe('')
      const db = createIpSetDb(sets)
      const probes: Probe[] = []
      const packets: Packet[] = []
      for (let i = 0; i < 70; i++) {
        const family = i % 2 === 0 ? 4 : 6
        const pkt = { ...randomPacket(r, family), length: 200 + i }
        packets.push(pkt)
        for (const s of sets) {
          const famOk = s.family === undefined || s.family === (family === 4 ? 'inet' : 'inet6')
          if (!famOk || r.chance(0.35)) continue
          const want = DIMS[s.type] ?? 1
          const dirs = randomDirs(
            r,
            r.chance(0.1) ? Math.max(1, want - 1) : s.type === 'list:set' ? 1 + r.int(3) : want,
          )
          const returnNomatch = r.chance(0.3)
          for (const chain of ['OUTPUT', 'PREROUTING'] as const) {
            const at: Packet =
              chain === 'OUTPUT' ? { ...pkt, outIface: 'lo' } : { ...pkt, inIface: 'lo' }
            probes.push({
              id: `t${probes.length}`,
              set: s.name,
              dirs,
              returnNomatch,
              pkt: at,
              chain,
            })
          }
        }
      }
      for (const [cmd, family] of [
        ['iptables-legacy-restore', 4],
        ['ip6tables-legacy-restore', 6],
      ] as const) {
        const res = await ns.exec([cmd], { stdin: rulesFor(probes, family), allowFailure: true })
        expect(res.stderr, `${cmd} seed ${SEED}`).toBe('')
      }
      const lines = packets.map((p) =>
        JSON.stringify({
          f: p.family,
          src: p.src,
          dst: p.dst,
          proto: p.proto,
          sport: p.sport,
          dport: p.dport,
          t: p.icmpType,
          c: p.icmpCode,
          frag: p.fragment === true,
          len: p.length,
        }),
      )
      const sent = await ns.exec(['python3', '-c', SENDER], {
        stdin: `${lines.join('\n')}\n`,
        allowFailure: true,
      })
      expect(sent.stderr, 'packet sender').toBe('')
      const hits = new Map([
        ...(await counters('iptables-legacy-save')),
        ...(await counters('ip6tables-legacy-save')),
      ])
      let matched = 0
      for (const p of probes) {
        const kernel = hits.get(p.id)
        expect(kernel, `${p.id} missing from the counters`).toBeDefined()
        const ours = db.matchSet(p.set, p.pkt, p.dirs, { returnNomatch: p.returnNomatch })
        const what = `${p.chain} ${p.set} ${p.dirs}${p.returnNomatch ? ' --return-nomatch' : ''} ${JSON.stringify(p.pkt)} seed ${SEED}`
        expect(ours, what).toBe((kernel ?? 0) > 0)
        if (ours) matched++
      }
      expect(probes.length).toBeGreaterThan(500)
      expect(matched).toBeGreaterThan(25)
    },
  )
})

describe('IpSetDb against the kernel: the SET target', async () => {
  const reason = await canRun([
    'ip',
    'ipset',
    'iptables-legacy-restore',
    'ip6tables-legacy-restore',
    'python3',
  ])
  let ns: ScratchNetns | undefined
  beforeAll(async () => {
    if (reason) return
    const r = await ScratchNetns.create(execer, 'h3')
    if (!('ns' in r)) throw new Error(r.reason)
    ns = r.ns
    await ns.exec(['ip', 'link', 'set', 'lo', 'up'])
    await ns.exec(['ip', 'route', 'add', 'local', '0.0.0.0/0', 'dev', 'lo', 'table', 'local'])
    await ns.exec(['ip', '-6', 'route', 'add', 'local', '::/0', 'dev', 'lo', 'table', 'local'])
  })
  afterAll(async () => ns?.dispose())

  interface Op {
    readonly set: string
    readonly dirs: readonly SetDir[]
    readonly del: boolean
    readonly exist: boolean
    readonly timeout: number | undefined
  }

  /** Members as comparable text: timeouts tick in the kernel, so only "has one" is compared. */
  const members = (sets: readonly IpSet[]) =>
    sets.map(
      (s) =>
        `${s.name}: ${printIpsetSave([{ ...s, name: 'x' }])
          .replace(/timeout \d+/g, 'timeout N')
          .split('\n')
          .slice(1)
          .sort()
          .join(' | ')}`,
    )

  it.skipIf(reason !== undefined)(
    `adds and deletes what the kernel does (seed ${SEED}) ${reason ?? ''}`,
    async () => {
      if (!ns) throw new Error('no namespace')
      const r = rng(SEED + 2)
      // Extensions the target fills in: timeouts (--timeout or the default) and counters.
      const specs = SPECS.map((s) =>
        r.chance(0.4) && s.type !== 'bitmap:port'
          ? { ...s, create: `${s.create} timeout 5000 counters` }
          : s,
      )
      const base = randomSets(r, specs, 6)
      const lists = `create l0 list:set\nadd l0 s2\nadd l0 s0\nadd l0 s3\ncreate l1 list:set\nadd l1 s4\nadd l1 s1\n`
      const sets = parseIpsetSave(`${printIpsetSave(base)}${lists}`)
      const load = await ns.exec(['ipset', 'restore'], {
        stdin: printIpsetSave(sets),
        allowFailure: true,
      })
      expect(load.stderr, `seed ${SEED}`).toBe('')
      const db = createIpSetDb(sets)
      const rules: Record<4 | 6, string[]> = { 4: [], 6: [] }
      let applied = 0
      for (let i = 0; i < 60; i++) {
        const family = r.chance(0.5) ? 4 : 6
        const pkt: Packet = { ...randomPacket(r, family), length: 300 + i, outIface: 'lo' }
        const candidates = sets.filter(
          (s) => s.family === undefined || s.family === (family === 4 ? 'inet' : 'inet6'),
        )
        const ops: Op[] = Array.from({ length: 3 }, () => {
          const s = r.pick(candidates)
          const del = r.chance(0.3)
          return {
            set: s.name,
            dirs: randomDirs(r, DIMS[s.type] ?? 1),
            del,
            exist: !del && r.chance(0.4),
            timeout: !del && r.chance(0.4) ? 100 + r.int(900) : undefined,
          }
        })
        for (const op of ops) {
          const how = op.del
            ? `--del-set ${op.set} ${op.dirs}`
            : `--add-set ${op.set} ${op.dirs}${op.exist ? ' --exist' : ''}${op.timeout ? ` --timeout ${op.timeout}` : ''}`
          rules[family].push(`-A OUTPUT -m length --length ${pkt.length} -j SET ${how}`)
          if (op.del) db.del(op.set, pkt, op.dirs)
          else db.add(op.set, pkt, op.dirs, op.timeout, op.exist)
          applied++
        }
        const line = {
          f: family,
          src: pkt.src,
          dst: pkt.dst,
          proto: pkt.proto,
          sport: pkt.sport,
          dport: pkt.dport,
          t: pkt.icmpType,
          c: pkt.icmpCode,
          frag: pkt.fragment === true,
          len: pkt.length,
        }
        // OUTPUT runs in the sender's context, so packet by packet the kernel applies the rules in order.
        rules[family].push(`# ${JSON.stringify(line)}`)
      }
      for (const [cmd, family] of [
        ['iptables-legacy-restore', 4],
        ['ip6tables-legacy-restore', 6],
      ] as const) {
        const body = rules[family].filter((l) => !l.startsWith('#'))
        // Dropped on the way back in, so that no reply or ICMP error reaches OUTPUT with a length
        // that a rule is waiting for.
        const rulesText = ['*raw', ...body, '-A PREROUTING -j DROP', 'COMMIT', ''].join('\n')
        const res = await ns.exec([cmd], { stdin: rulesText, allowFailure: true })
        expect(res.stderr, `${cmd} seed ${SEED}`).toBe('')
      }
      const order = [...rules[4], ...rules[6]]
        .filter((l) => l.startsWith('#'))
        .map((l) => JSON.parse(l.slice(2)) as { len: number })
      order.sort((a, b) => a.len - b.len)
      const sent = await ns.exec(['python3', '-c', SENDER], {
        stdin: `${order.map((o) => JSON.stringify(o)).join('\n')}\n`,
        allowFailure: true,
      })
      expect(sent.stderr, 'packet sender').toBe('')
      const kernel = parseIpsetSave((await ns.exec(['ipset', 'save'])).stdout)
      expect(members(kernel), `seed ${SEED}`).toEqual(members(sets.map((s) => db.get(s.name) ?? s)))
      expect(applied).toBe(180)
    },
  )
})
