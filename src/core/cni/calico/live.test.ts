/**
 * Ground truth from the REAL kernel and tools, in throw-away namespaces (`kpath-h14-<pid>-<n>`):
 *
 * - every scenario's ipsets and iptables payload load with `ipset restore` and
 *   `iptables-legacy-restore --noflush`, and read back as kpath prints them;
 * - a node and a pod wired exactly as the fragments say (seed 004's master and pod1): the kernel
 *   takes every route, and the pod reaches its node through 169.254.1.1, whose MAC
 *   (ee:ee:ee:ee:ee:ee) it learns by ARP from the host veth's proxy ARP, as the write-up shows;
 * - vxlan.calico with its neighbours and FDB entries (the VXLAN scenario) reads back as modelled;
 * - tunl0: this kernel has no IPIP; the test says so and skips.
 *
 * Skips with the reason when not root or a tool is missing. Nothing touches the root namespace.
 */
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../../adapters/node/execer.js'
import { ScratchNetns } from '../../../adapters/node/scratch-netns.js'
import { parseIpsetSave, printIpsetSave } from '../../ipset/index.js'
import type { Link, Route } from '../../model/netns.js'
import { parseIptablesSave, printIptablesSave } from '../../netfilter/iptables-save/index.js'
import { calicoPlugin } from './plugin.js'
import { renderScenario, SCENARIOS } from './testkit.js'

const execer = new NodeExecer()
const TOOLS = [
  'ip',
  'bridge',
  'ipset',
  'python3',
  'iptables-legacy-restore',
  'iptables-legacy-save',
]

async function canRun(): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const t of TOOLS) if (!(await execer.lookPath(t))) return `${t} is not installed`
  return undefined
}

const scenario = (name: string) => {
  const s = SCENARIOS.find((x) => x.name === name)
  if (!s) throw new Error(name)
  return renderScenario(s, readFileSync(new URL(`./testdata/${s.file}`, import.meta.url), 'utf8'))
}

/** `ip route add` for a modelled route. */
function routeArgs(r: Route): string[] {
  const a = ['ip', 'route', 'add', ...(r.type === 'blackhole' ? ['blackhole'] : []), r.dst]
  if (r.via) a.push('via', r.via)
  if (r.dev) a.push('dev', r.dev)
  if (r.proto) a.push('proto', r.proto)
  if (r.scope) a.push('scope', r.scope)
  if (r.onlink) a.push('onlink')
  return a
}

interface JsonRoute {
  type?: string
  dst: string
  gateway?: string
  dev?: string
  protocol?: string
  scope?: string
  flags?: string[]
}

/** A route as `ip -j route` and the model can both state it. */
const fromKernel = (r: JsonRoute) => ({
  type: r.type ?? 'unicast',
  dst: r.dst === 'default' || r.dst.includes('/') ? r.dst : `${r.dst}/32`,
  via: r.gateway,
  dev: r.dev,
  proto: r.protocol ?? 'boot',
  scope: r.scope ?? 'global',
  onlink: (r.flags ?? []).includes('onlink'),
})
const fromModel = (r: Route) => ({
  type: r.type,
  dst: r.dst,
  via: r.via,
  dev: r.dev,
  proto: r.proto ?? 'boot',
  scope: r.type === 'blackhole' ? 'global' : (r.scope ?? 'global'),
  onlink: r.onlink ?? false,
})

/**
 * Open a TCP connection from `ns` to `ip` port 9, where nothing listens: "refused" means the SYN
 * got there and the RST came back (a round trip), "timeout" that something was lost.
 */
async function reach(ns: ScratchNetns, ip: string): Promise<string> {
  const py = [
    'import socket',
    's = socket.socket()',
    's.settimeout(2)',
    'try:',
    `    s.connect(("${ip}", 9)); print("open")`,
    'except ConnectionRefusedError: print("refused")',
    'except OSError as e: print("timeout" if isinstance(e, TimeoutError) else e)',
  ].join('\n')
  return (await ns.exec(['python3', '-c', py])).stdout.trim()
}

async function sysctls(ns: ScratchNetns, values: Readonly<Record<string, string>>): Promise<void> {
  for (const [k, v] of Object.entries(values)) await ns.exec(['sysctl', '-qw', `${k}=${v}`])
}

async function kernelRoutes(ns: ScratchNetns, model: readonly Route[]) {
  const all: JsonRoute[] = JSON.parse((await ns.exec(['ip', '-j', 'route', 'show'])).stdout)
  const wanted = new Set(model.map((r) => r.dst))
  return all.map(fromKernel).filter((r) => wanted.has(r.dst))
}

describe('the Calico model on the real kernel', async () => {
  const reason = await canRun()
  const spaces: ScratchNetns[] = []
  afterAll(async () => {
    for (const ns of spaces) await ns.dispose()
  })
  async function scratch(): Promise<ScratchNetns> {
    const r = await ScratchNetns.create(execer, 'h14')
    if (!('ns' in r)) throw new Error(r.reason)
    spaces.push(r.ns)
    return r.ns
  }

  for (const s of SCENARIOS) {
    it.skipIf(reason !== undefined)(
      `${s.name}: ipsets and iptables load and read back ${reason ?? ''}`,
      async () => {
        const { fragment } = scenario(s.name)
        const ns = await scratch()
        await ns.exec(['ipset', 'restore'], { stdin: printIpsetSave(fragment.ipsets ?? []) })
        const payload = fragment.iptablesRestore?.ipv4 ?? ''
        await ns.exec(['iptables-legacy-restore', '--noflush'], { stdin: payload })
        const saved = (await ns.exec(['iptables-legacy-save'])).stdout
        const ours = printIptablesSave(
          parseIptablesSave(payload, { family: 4, newTables: 'first' }),
        )
        const noDates = (t: string) => t.split('\n').filter((l) => !l.startsWith('#'))
        expect(noDates(saved)).toEqual(noDates(ours))
        const sets = parseIpsetSave(
          (await ns.exec(['ipset', 'save'])).stdout.replace(/ initval 0x[0-9a-f]+/g, ''),
        )
        const sorted = (xs: readonly (typeof sets)[number][]) =>
          xs.map((x) => ({
            ...x,
            members: [...x.members].sort((a, b) => (a.elem < b.elem ? -1 : 1)),
          }))
        expect(sorted(sets)).toEqual(sorted(fragment.ipsets ?? []))
      },
    )
  }

  it.skipIf(reason !== undefined)(
    `seed 004: the wired pod reaches its node and learns 169.254.1.1 by proxy ARP ${reason ?? ''}`,
    async () => {
      const { ctx, u, fragment, cluster } = scenario('seed-004-master')
      const pod = cluster.pods.find((p) => p.metadata.name === 'pod1')
      if (!pod) throw new Error('pod1')
      const w = calicoPlugin.pod(ctx, pod, u)
      const [node, podNs, ext] = [await scratch(), await scratch(), await scratch()]
      // The underlay: ens33 to an outside namespace that plays the gateway (a node has a
      // default route; proxy ARP answers only for destinations routed out of another device).
      await node.exec([
        'ip',
        'link',
        'add',
        'ens33',
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        ext.name,
      ])
      await node.exec(['ip', 'addr', 'add', `${u.address}/${u.prefixLen}`, 'dev', 'ens33'])
      await ext.exec(['ip', 'addr', 'add', '192.168.43.2/24', 'dev', 'eth0'])
      for (const [ns, dev] of [
        [node, 'ens33'],
        [ext, 'eth0'],
        [node, 'lo'],
        [podNs, 'lo'],
      ] as const) {
        await ns.exec(['ip', 'link', 'set', dev, 'up'])
      }
      await node.exec(['ip', 'route', 'add', 'default', 'via', '192.168.43.2'])
      await sysctls(node, {
        'net.ipv4.conf.all.rp_filter': '0',
        'net.ipv4.conf.default.rp_filter': '0',
      })
      await sysctls(node, fragment.sysctls ?? {})
      // The pod's veth, as the CNI plugin makes it.
      const host = w.host.links?.[0] as Link
      const eth0 = w.pod.links?.find((l) => l.name === 'eth0') as Link
      await node.exec([
        'ip',
        'link',
        'add',
        host.name,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        podNs.name,
      ])
      await node.exec([
        'ip',
        'link',
        'set',
        host.name,
        'address',
        host.mac ?? '',
        'mtu',
        String(host.mtu),
        'up',
      ])
      await podNs.exec([
        'ip',
        'link',
        'set',
        'eth0',
        'address',
        eth0.mac ?? '',
        'mtu',
        String(eth0.mtu),
        'up',
      ])
      await sysctls(node, w.host.sysctls ?? {})
      await sysctls(podNs, w.pod.sysctls ?? {})
      for (const a of w.pod.addresses ?? []) {
        await podNs.exec(['ip', 'addr', 'add', `${a.local}/${a.prefixLen}`, 'dev', a.iface])
      }
      for (const r of w.pod.routes ?? []) await podNs.exec(routeArgs(r))
      const nodeRoutes = [...(fragment.routes ?? []), ...(w.host.routes ?? [])]
      for (const r of nodeRoutes) await node.exec(routeArgs(r))

      expect(await kernelRoutes(node, nodeRoutes)).toEqual(
        expect.arrayContaining(nodeRoutes.map(fromModel)),
      )
      expect(await kernelRoutes(podNs, w.pod.routes ?? [])).toEqual(
        expect.arrayContaining((w.pod.routes ?? []).map(fromModel)),
      )
      expect(await reach(podNs, u.address)).toBe('refused')
      const neigh: { dst: string; lladdr?: string; state?: string[] }[] = JSON.parse(
        (await podNs.exec(['ip', '-j', 'neigh', 'show', 'dev', 'eth0'])).stdout,
      )
      const gw = neigh.find((n) => n.dst === '169.254.1.1')
      expect(gw?.lladdr).toBe('ee:ee:ee:ee:ee:ee')
      expect(gw?.state).not.toContain('PERMANENT')
    },
  )

  it.skipIf(reason !== undefined)(
    `vxlan.calico, its neighbours and FDB read back as modelled ${reason ?? ''}`,
    async () => {
      const { fragment, u } = scenario('vxlan-a')
      const ns = await scratch()
      const peer = await scratch()
      const vx = fragment.links?.find((l) => l.name === 'vxlan.calico')
      if (!vx?.vxlan) throw new Error('no vxlan.calico')
      await ns.exec([
        'ip',
        'link',
        'add',
        u.iface,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        peer.name,
      ])
      await ns.exec(['ip', 'addr', 'add', `${u.address}/${u.prefixLen}`, 'dev', u.iface])
      await ns.exec(['ip', 'link', 'set', u.iface, 'up'])
      const v = vx.vxlan
      await ns.exec([
        'ip',
        'link',
        'add',
        vx.name,
        'type',
        'vxlan',
        'id',
        String(v.id),
        'dstport',
        String(v.port),
        'local',
        v.local ?? '',
        'dev',
        v.dev ?? '',
        ...(v.learning ? [] : ['nolearning']),
      ])
      await ns.exec([
        'ip',
        'link',
        'set',
        vx.name,
        'address',
        vx.mac ?? '',
        'mtu',
        String(vx.mtu),
        'up',
      ])
      for (const a of fragment.addresses ?? [])
        await ns.exec(['ip', 'addr', 'add', `${a.local}/${a.prefixLen}`, 'dev', a.iface])
      for (const n of fragment.neighbours ?? []) {
        await ns.exec([
          'ip',
          'neigh',
          'add',
          n.dst,
          'lladdr',
          n.lladdr ?? '',
          'nud',
          n.state.toLowerCase(),
          'dev',
          n.dev,
        ])
      }
      for (const f of fragment.fdb ?? []) {
        await ns.exec([
          'bridge',
          'fdb',
          'append',
          f.mac,
          'dev',
          f.dev,
          'dst',
          f.dst ?? '',
          'self',
          'permanent',
        ])
      }
      for (const r of fragment.routes ?? []) await ns.exec(routeArgs(r))

      const [link] = JSON.parse((await ns.exec(['ip', '-j', '-d', 'link', 'show', vx.name])).stdout)
      expect([link.address, link.mtu, link.linkinfo.info_kind]).toEqual([vx.mac, vx.mtu, 'vxlan'])
      const data = link.linkinfo.info_data
      expect([data.id, data.port, data.local, data.link, data.learning]).toEqual([
        v.id,
        v.port,
        v.local,
        v.dev,
        v.learning,
      ])
      const neigh: { dst: string; lladdr: string; state: string[] }[] = JSON.parse(
        (await ns.exec(['ip', '-j', 'neigh', 'show', 'dev', vx.name])).stdout,
      )
      expect(
        neigh.map((n) => ({ dst: n.dst, dev: vx.name, lladdr: n.lladdr, state: n.state[0] })),
      ).toEqual(expect.arrayContaining([...(fragment.neighbours ?? [])]))
      const fdb: { mac: string; dst?: string; flags: string[]; state: string }[] = JSON.parse(
        (await ns.exec(['bridge', '-j', 'fdb', 'show', 'dev', vx.name])).stdout,
      )
      const unicast = fdb.filter((e) => e.dst !== undefined && e.mac !== '00:00:00:00:00:00')
      // The kernel lists FDB entries in hash order.
      const entries = unicast.map((e) => ({
        mac: e.mac,
        dev: vx.name,
        dst: e.dst,
        self: e.flags.includes('self'),
        permanent: e.state === 'permanent',
      }))
      expect(entries).toHaveLength(fragment.fdb?.length ?? 0)
      expect(entries).toEqual(expect.arrayContaining([...(fragment.fdb ?? [])]))
      expect(await kernelRoutes(ns, fragment.routes ?? [])).toEqual(
        expect.arrayContaining((fragment.routes ?? []).map(fromModel)),
      )
    },
  )

  it.skipIf(reason !== undefined)(
    `tunl0 as the kernel's fallback IPIP device ${reason ?? ''}`,
    async (t) => {
      const ns = await scratch()
      const add = await ns.exec(['ip', 'link', 'add', 'tunl0', 'type', 'ipip'], {
        allowFailure: true,
      })
      if (add.code !== 0) {
        t.skip(
          `this kernel has no IPIP (${add.stderr.trim()}); tunl0 is modelled from Calico's source and seed 002`,
        )
        return
      }
      const [link] = JSON.parse((await ns.exec(['ip', '-j', '-d', 'link', 'show', 'tunl0'])).stdout)
      expect(link.flags).toContain('NOARP')
      expect(link.linkinfo.info_kind).toBe('ipip')
      expect(link.linkinfo.info_data.pmtudisc ?? false).toBe(false)
    },
  )
})
