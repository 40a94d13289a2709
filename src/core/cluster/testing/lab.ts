/**
 * @module core/cluster/testing/lab
 * Test support: the `ip`/`bridge` commands that build some assembled namespaces for real (each
 * renamed through `labName`, which must give `kpath-…` names), so the live test can ask the
 * kernel what it made of them. Links are created in index order; a veth pair is created once,
 * from the first side met, with both MACs and MTUs; a veth whose peer namespace is not built is
 * skipped. Routes the kernel adds itself (`proto kernel`, the local table) are left to it.
 */
import type { Link, NetnsState, Route } from '../../model/netns.js'

export type Argv = readonly string[]

export interface LabPlan {
  /** `ip netns add` for each namespace, in order. */
  readonly create: readonly Argv[]
  /** Everything else, in order. */
  readonly setup: readonly Argv[]
  readonly names: ReadonlyMap<string, string>
}

export function labPlan(
  states: readonly NetnsState[],
  labName: (state: string) => string,
): LabPlan {
  const names = new Map(states.map((s) => [s.name, labName(s.name)]))
  const byName = new Map(states.map((s) => [s.name, s]))
  const made = new Set<string>()
  const setup: Argv[] = []
  for (const s of states)
    for (const l of s.links) setup.push(...linkCommands(s, l, names, byName, made))
  for (const s of states) setup.push(...upCommands(s, names, made))
  for (const s of states) setup.push(...stateCommands(s, names.get(s.name) ?? s.name))
  for (const s of states) setup.push(sysctlCommand(s, names.get(s.name) ?? s.name))
  return {
    create: states.map((s) => ['ip', 'netns', 'add', names.get(s.name) ?? s.name]),
    setup,
    names,
  }
}

function linkCommands(
  s: NetnsState,
  l: Link,
  names: Map<string, string>,
  states: Map<string, NetnsState>,
  made: Set<string>,
): Argv[] {
  const ns = names.get(s.name) ?? s.name
  const key = `${s.name}/${l.name}`
  if (made.has(key) || l.kind === 'loopback') return []
  const common = [...(l.mac === undefined ? [] : ['address', l.mac]), 'mtu', String(l.mtu)]
  if (l.kind === 'veth') {
    const peerNs = l.peer === undefined ? undefined : names.get(l.peer.netns)
    const peer = l.peer && states.get(l.peer.netns)?.links.find((p) => p.name === l.peer?.name)
    if (peerNs === undefined || peer === undefined || l.peer === undefined) return []
    made.add(key)
    made.add(`${l.peer.netns}/${l.peer.name}`)
    const peerOpts = [
      ...(peer.mac === undefined ? [] : ['address', peer.mac]),
      'mtu',
      String(peer.mtu),
    ]
    return [
      [
        'ip',
        '-n',
        ns,
        'link',
        'add',
        l.name,
        ...common,
        'type',
        'veth',
        'peer',
        'name',
        peer.name,
        ...peerOpts,
        'netns',
        peerNs,
      ],
    ]
  }
  made.add(key)
  // No address for a bridge: the kernel gives it its lowest port's MAC, which the state must say.
  if (l.kind === 'bridge')
    return [['ip', '-n', ns, 'link', 'add', l.name, 'mtu', String(l.mtu), 'type', 'bridge']]
  if (l.kind === 'vxlan' && l.vxlan) {
    const v = l.vxlan
    const opts = [
      'id',
      String(v.id),
      ...(v.local ? ['local', v.local] : []),
      ...(v.dev ? ['dev', v.dev] : []),
      'dstport',
      String(v.port),
      ...(v.learning ? [] : ['nolearning']),
    ]
    return [['ip', '-n', ns, 'link', 'add', l.name, ...common, 'type', 'vxlan', ...opts]]
  }
  if (l.kind === 'tun')
    return [
      ['ip', '-n', ns, 'tuntap', 'add', 'dev', l.name, 'mode', 'tun'],
      ['ip', '-n', ns, 'link', 'set', l.name, 'mtu', String(l.mtu)],
    ]
  throw new Error(`lab: link kind ${l.kind} is not built by this helper`)
}

function upCommands(s: NetnsState, names: Map<string, string>, made: Set<string>): Argv[] {
  const ns = names.get(s.name) ?? s.name
  const out: Argv[] = []
  for (const l of s.links) {
    if (l.kind !== 'loopback' && !made.has(`${s.name}/${l.name}`)) continue
    if (l.master) out.push(['ip', '-n', ns, 'link', 'set', l.name, 'master', l.master])
    if (l.bridgePort?.hairpin)
      out.push(['ip', '-n', ns, 'link', 'set', l.name, 'type', 'bridge_slave', 'hairpin', 'on'])
    if (l.up) out.push(['ip', '-n', ns, 'link', 'set', l.name, 'up'])
  }
  return out
}

function stateCommands(s: NetnsState, ns: string): Argv[] {
  const out: Argv[] = []
  for (const a of s.addresses) {
    if (a.family !== 4 || a.iface === 'lo') continue
    out.push([
      'ip',
      '-n',
      ns,
      'addr',
      'add',
      `${a.local}/${a.prefixLen}`,
      ...(a.broadcast ? ['broadcast', a.broadcast] : []),
      'scope',
      a.scope,
      'dev',
      a.iface,
    ])
  }
  for (const r of s.routes)
    if (r.family === 4 && r.proto !== 'kernel' && r.table === 254) out.push(routeCommand(ns, r))
  for (const n of s.neighbours)
    out.push([
      'ip',
      '-n',
      ns,
      'neigh',
      'add',
      n.dst,
      ...(n.lladdr ? ['lladdr', n.lladdr] : []),
      'dev',
      n.dev,
      'nud',
      n.state.toLowerCase(),
    ])
  for (const f of s.fdb ?? [])
    out.push([
      'bridge',
      '-n',
      ns,
      'fdb',
      'append',
      f.mac,
      'dev',
      f.dev,
      ...(f.dst ? ['dst', f.dst] : []),
      ...(f.self ? ['self'] : []),
      ...(f.permanent ? ['permanent'] : []),
    ])
  return out
}

function routeCommand(ns: string, r: Route): Argv {
  return [
    'ip',
    '-n',
    ns,
    'route',
    'add',
    r.type,
    r.dst,
    ...(r.via ? ['via', r.via] : []),
    ...(r.dev ? ['dev', r.dev] : []),
    ...(r.onlink ? ['onlink'] : []),
    ...(r.proto ? ['proto', r.proto] : []),
    ...(r.scope ? ['scope', r.scope === 'global' ? 'global' : r.scope] : []),
    ...(r.src ? ['src', r.src] : []),
    ...(r.metric !== undefined ? ['metric', String(r.metric)] : []),
  ]
}

/** Every sysctl of the state in one `sysctl -w` (`-e`: keys of links the lab skipped are absent). */
function sysctlCommand(s: NetnsState, ns: string): Argv {
  return [
    'ip',
    'netns',
    'exec',
    ns,
    'sysctl',
    '-q',
    '-e',
    '-w',
    ...Object.entries(s.sysctls).map(([k, v]) => `${k}=${v}`),
  ]
}
