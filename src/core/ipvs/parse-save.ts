/**
 * @module core/ipvs/parse-save
 * `ipvsadm -Sn` (what `ipvsadm-restore` reads) back to an {@link IpvsState}: `-A` lines add a
 * virtual service, `-a` lines a real server to a service defined above. Options and forms are
 * ipvsadm 1.31's (ipvsadm.c parse_options): `-t|-u|--sctp-service ADDR:PORT` or `-f MARK [-6]`,
 * `-s SCHED`, `-p [TIMEOUT]`, `-M MASK`, `--pe NAME`, `-o`, `-b FLAGS`; `-r ADDR[:PORT]`,
 * `-m|-g|-i`, `-w WEIGHT`, `-x`/`-y` thresholds, `--tun-type`, `--tun-port`, `--tun-*csum`.
 */
import type {
  IpvsDestination,
  IpvsForward,
  IpvsService,
  IpvsServiceKey,
  IpvsState,
} from './model.js'
import { ipvsEndpoint } from './order.js'
import { endpoint, fail, type Line, netmask, schedFlags, scheduler, uint } from './parse-util.js'

/** ipvsadm's default persistence timeout for a bare `-p` (DEF_PERSISTENCE_TIMEOUT). */
const DEFAULT_PERSISTENCE = 300

type Opts = Map<string, string | true>

const WITH_ARG = new Set([
  '-t',
  '-u',
  '--sctp-service',
  '-f',
  '-s',
  '-M',
  '--pe',
  '-b',
  '-r',
  '-w',
  '-x',
  '-y',
  '--tun-type',
  '--tun-port',
])
const FLAGS = new Set(['-6', '-o', '-m', '-g', '-i', '--tun-nocsum', '--tun-csum', '--tun-remcsum'])

function options(l: Line, words: readonly string[]): Opts {
  const o: Opts = new Map()
  for (let i = 1; i < words.length; i++) {
    const w = words[i] ?? ''
    if (o.has(w)) throw fail(l, `option ${w} given twice`, w)
    if (w === '-p') {
      // -p takes an optional timeout (popt's optional argument).
      const next = words[i + 1]
      o.set(w, next !== undefined && /^\d+$/.test(next) ? next : String(DEFAULT_PERSISTENCE))
      if (next !== undefined && /^\d+$/.test(next)) i++
    } else if (WITH_ARG.has(w)) {
      const v = words[++i]
      if (v === undefined) throw fail(l, `option ${w} needs a value`, w)
      o.set(w, v)
    } else if (FLAGS.has(w)) o.set(w, true)
    else throw fail(l, `unknown ipvsadm option "${w}"`, w, 'kpath reads what ipvsadm -Sn prints')
  }
  return o
}

function serviceKey(l: Line, o: Opts): IpvsServiceKey {
  const kinds = ['-t', '-u', '--sctp-service', '-f'].filter((k) => o.has(k))
  if (kinds.length !== 1)
    throw fail(l, 'exactly one of -t, -u, --sctp-service or -f is required', undefined)
  const k = kinds[0] ?? ''
  const v = String(o.get(k))
  if (k === '-f')
    return { kind: 'fwmark', family: o.has('-6') ? 6 : 4, mark: uint(l, v, 'firewall mark') }
  const e = endpoint(l, v)
  const protocol = k === '-t' ? 'tcp' : k === '-u' ? 'udp' : 'sctp'
  return { kind: 'addr', protocol, family: e.family, address: e.address, port: e.port }
}

function keyId(k: IpvsServiceKey): string {
  return k.kind === 'fwmark'
    ? `f${k.family}/${k.mark}`
    : `${k.protocol}/${ipvsEndpoint(k.address, k.port)}`
}

function only(l: Line, o: Opts, allowed: readonly string[]): void {
  for (const k of o.keys())
    if (!allowed.includes(k)) throw fail(l, `option ${k} does not belong on this line`, k)
}

function addService(l: Line, o: Opts): IpvsService {
  only(l, o, ['-t', '-u', '--sctp-service', '-f', '-6', '-s', '-p', '-M', '--pe', '-o', '-b'])
  const key = serviceKey(l, o)
  const sched = scheduler(l, String(o.get('-s') ?? 'wlc'))
  const p = o.get('-p')
  const m = o.get('-M')
  if (m !== undefined && p === undefined) throw fail(l, '-M needs a persistent service (-p)', '-M')
  const b = o.get('-b')
  return {
    key,
    scheduler: sched,
    ...(b === undefined ? {} : { schedFlags: schedFlags(l, sched, String(b)) }),
    ...(p === undefined
      ? {}
      : {
          persistence: {
            timeout: uint(l, String(p), 'persistence timeout'),
            ...(m === undefined ? {} : { netmask: netmask(l, key.family, String(m)) }),
          },
        }),
    ...(o.has('--pe') ? { persistenceEngine: String(o.get('--pe')) } : {}),
    ...(o.has('-o') ? { onePacket: true } : {}),
    destinations: [],
  }
}

function forwardOf(l: Line, o: Opts): IpvsForward {
  const f = (['-m', '-g', '-i'] as const).filter((k) => o.has(k))
  if (f.length > 1) throw fail(l, 'more than one forwarding method', f[1])
  return f[0] === '-m' ? 'masq' : f[0] === '-i' ? 'tunnel' : 'route'
}

function tunnel(l: Line, o: Opts): IpvsDestination['tunnel'] {
  const type = o.get('--tun-type')
  if (type === undefined) return undefined
  if (type !== 'ipip' && type !== 'gue' && type !== 'gre')
    throw fail(l, `unknown tunnel type "${String(type)}"`, String(type), 'ipip, gue or gre')
  const csum = (['nocsum', 'csum', 'remcsum'] as const).find((c) => o.has(`--tun-${c}`))
  const port = o.get('--tun-port')
  return {
    type,
    ...(port === undefined ? {} : { port: uint(l, String(port), 'tunnel port', 65535) }),
    ...(csum === undefined || type === 'ipip' ? {} : { csum }),
  }
}

/** `-r ADDR[:PORT]`; without a port the real server takes the service's (0 for fwmark). */
function realServer(l: Line, text: string, svc: IpvsService): { address: string; port: number } {
  const bare = /^\[([^\]]+)\]$/.exec(text)?.[1] ?? (text.includes(':') ? undefined : text)
  if (bare === undefined) return endpoint(l, text)
  const port = svc.key.kind === 'fwmark' ? 0 : svc.key.port
  return endpoint(l, ipvsEndpoint(bare, 0).replace(/:0$/, `:${port}`))
}

function addDest(l: Line, o: Opts, svc: IpvsService): IpvsDestination {
  const r = o.get('-r')
  if (r === undefined) throw fail(l, '-a needs -r ADDR[:PORT]', '-a')
  const e = realServer(l, String(r), svc)
  const forward = forwardOf(l, o)
  const t = forward === 'tunnel' ? tunnel(l, o) : undefined
  if (forward !== 'tunnel' && o.has('--tun-type'))
    throw fail(l, '--tun-type needs -i', '--tun-type')
  return {
    address: e.address,
    port: e.port,
    weight: uint(l, String(o.get('-w') ?? '1'), 'weight', 65535),
    forward,
    ...(o.has('-x') ? { upperThreshold: uint(l, String(o.get('-x')), 'upper threshold') } : {}),
    ...(o.has('-y') ? { lowerThreshold: uint(l, String(o.get('-y')), 'lower threshold') } : {}),
    ...(t === undefined ? {} : { tunnel: t }),
  }
}

/**
 * Parse `ipvsadm -Sn` output (or any `ipvsadm-restore` input in that form).
 *
 * @example
 * parseIpvsSave('-A -t 10.96.0.1:443 -s rr\n-a -t 10.96.0.1:443 -r 192.168.0.101:6443 -m -w 1\n')
 */
export function parseIpvsSave(text: string): IpvsState {
  const services = new Map<string, IpvsService>()
  const dests = new Map<string, IpvsDestination[]>()
  const lines = text.split('\n')
  lines.forEach((raw, i) => {
    const l: Line = { no: i + 1, text: raw }
    const words = raw.trim().split(/\s+/)
    if (raw.trim() === '') {
      if (i !== lines.length - 1) throw fail(l, 'empty line inside ipvsadm -S output')
      return
    }
    const cmd = words[0]
    if (cmd !== '-A' && cmd !== '-a')
      throw fail(
        l,
        `expected -A or -a, not "${cmd ?? ''}"`,
        cmd,
        'ipvsadm -Sn prints only -A and -a lines',
      )
    const o = options(l, words)
    if (cmd === '-A') {
      const svc = addService(l, o)
      const id = keyId(svc.key)
      if (services.has(id)) throw fail(l, 'service already exists', cmd)
      services.set(id, svc)
      dests.set(id, [])
      return
    }
    only(l, o, [
      '-t',
      '-u',
      '--sctp-service',
      '-f',
      '-6',
      '-r',
      '-m',
      '-g',
      '-i',
      '-w',
      '-x',
      '-y',
      '--tun-type',
      '--tun-port',
      '--tun-nocsum',
      '--tun-csum',
      '--tun-remcsum',
    ])
    const id = keyId(serviceKey(l, o))
    const svc = services.get(id)
    const list = dests.get(id)
    if (!svc || !list)
      throw fail(
        l,
        'real server for a service not defined above',
        cmd,
        'the -A line must come first',
      )
    const d = addDest(l, o, svc)
    if (list.some((x) => x.address === d.address && x.port === d.port))
      throw fail(l, 'destination already exists', '-r')
    list.push(d)
  })
  return {
    services: [...services].map(([id, s]) => ({ ...s, destinations: dests.get(id) ?? [] })),
    connections: [],
  }
}
