/**
 * The underlay model against the REAL kernel. Seed 000 is built in throw-away namespaces
 * (`kpath-h15-<pid>-<n>`: a segment with its switch, the router 192.168.0.1, the worker and its
 * pods) from the links, addresses and routes kpath renders, then the kernel's own view is read:
 *
 * - the routes the kernel derives in the pods and on the node equal kpath's (with the kernel
 *   routes kpath derives from the addresses);
 * - mybr0 takes the NIC's MAC, and the router resolves the worker's IP to it (the seed's ARP
 *   reply "is-at 00:0c:29:4b:22:09" from mybr0);
 * - a pod resolves its gateway, the router, across the bridge (bridge mode) or its macvlan.
 *
 * Skips (with the reason) when not root, or without ip or python3 (which sends the probes).
 */
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../../adapters/node/execer.js'
import { ScratchNetns } from '../../../adapters/node/scratch-netns.js'
import type { Route } from '../../model/netns.js'
import { withKernelRoutes } from '../../route/kernel-routes.js'
import { contextFor, load, podNamed, podState } from '../kube-router/testkit.js'
import type { CniContext } from '../types.js'
import { underlayNetwork, underlayPlugin } from './index.js'

const execer = new NodeExecer()
const SEED = readFileSync(new URL('./testdata/seed-000.yaml', import.meta.url), 'utf8')
const NIC_MAC = '00:0c:29:4b:22:09'
const PODS = ['coredns-67c766df46-vclqc', 'coredns-67c766df46-bm7qn']

function seedCtx(edit: (t: string) => string = (t) => t): CniContext {
  return contextFor(load(edit(SEED)), {
    iface: 'eth0',
    prefixLen: 24,
    macs: { 'k8s-worker-02': NIC_MAC },
  }).ctx
}

async function whyNot(): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const t of ['ip', 'python3']) if (!(await execer.lookPath(t))) return `${t} is not installed`
  return undefined
}

/** A model route as `ip -j route` shows it (proto boot and scope global are not printed). */
function asJson(r: Route): Record<string, string> {
  return {
    dst: r.dst,
    ...(r.via === undefined ? {} : { gateway: r.via }),
    dev: r.dev ?? '',
    ...(r.proto === undefined || r.proto === 'boot' ? {} : { protocol: r.proto }),
    ...(r.scope === undefined || r.scope === 'global' ? {} : { scope: r.scope }),
    ...(r.src === undefined ? {} : { prefsrc: r.src }),
  }
}

function mainRoutes(routes: readonly Route[]) {
  return routes.filter((r) => r.table === 254 && r.type === 'unicast').map(asJson)
}

describe('seed 000 in real namespaces', async () => {
  const reason = await whyNot()
  const spaces: ScratchNetns[] = []
  afterAll(async () => {
    for (const ns of spaces.reverse()) await ns.dispose()
  })

  async function make(): Promise<ScratchNetns> {
    const r = await ScratchNetns.create(execer, 'h15')
    if (!('ns' in r)) throw new Error(r.reason)
    spaces.push(r.ns)
    return r.ns
  }

  const ip = (ns: ScratchNetns, ...args: string[]) => execer.run(['ip', '-n', ns.name, ...args])
  const json = async (ns: ScratchNetns, ...args: string[]) =>
    JSON.parse((await ip(ns, '-j', ...args)).stdout) as Record<string, unknown>[]
  const routesOf = async (ns: ScratchNetns) =>
    (await json(ns, 'route', 'show', 'table', 'main')).map(({ flags: _flags, ...r }) => r)

  /** Send one UDP datagram from `ns` to `dst`, then wait until `ns` has resolved it. */
  async function resolve(ns: ScratchNetns, dst: string): Promise<string | undefined> {
    const send = `import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'kpath', ('${dst}', 9))`
    await ns.exec(['python3', '-c', send])
    for (let i = 0; i < 40; i++) {
      const n = (await json(ns, 'neigh', 'show', dst))[0]
      if (
        typeof n?.lladdr === 'string' &&
        n.state !== undefined &&
        !(n.state as string[]).includes('INCOMPLETE')
      )
        return n.lladdr
      await new Promise((r) => setTimeout(r, 50))
    }
    return undefined
  }

  /** The segment's switch, the router on it, and an empty worker namespace attached to it. */
  async function underlay(): Promise<{ gw: ScratchNetns; node: ScratchNetns }> {
    const [seg, gw, node] = [await make(), await make(), await make()]
    await ip(seg, 'link', 'add', 'br0', 'type', 'bridge')
    await ip(seg, 'link', 'set', 'br0', 'up')
    for (const [port, ns] of [
      ['p-gw', gw],
      ['p-node', node],
    ] as const) {
      await ip(seg, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.name)
      await ip(seg, 'link', 'set', port, 'master', 'br0', 'up')
    }
    await ip(gw, 'addr', 'add', '192.168.0.1/24', 'dev', 'eth0')
    await ip(gw, 'link', 'set', 'eth0', 'up')
    await ip(node, 'link', 'set', 'eth0', 'address', NIC_MAC)
    return { gw, node }
  }

  it.skipIf(reason !== undefined)(
    `bridge mode: routes, mybr0's MAC and ARP as kpath says ${reason ?? ''}`,
    async () => {
      const ctx = seedCtx()
      const u = ctx.underlay.get('k8s-worker-02')!
      const { gw, node } = await underlay()
      const bridge = underlayPlugin.node(ctx, u).links?.[0]
      if (bridge === undefined) throw new Error('no bridge rendered')
      await ip(node, 'link', 'add', bridge.name, 'type', 'bridge')
      await ip(node, 'link', 'set', 'eth0', 'master', bridge.name, 'up')
      await ip(node, 'addr', 'add', `${u.address}/24`, 'brd', '+', 'dev', bridge.name)
      await ip(node, 'link', 'set', bridge.name, 'up')
      await ip(node, 'route', 'add', 'default', 'via', '192.168.0.1', 'dev', bridge.name)
      const pods = []
      for (const name of PODS) {
        const p = podNamed(ctx, name)
        const w = underlayPlugin.pod(ctx, p, u)
        const host = w.host.links?.[0]
        const eth0 = w.pod.links?.[0]
        if (host === undefined || eth0 === undefined) throw new Error(`${name} not wired`)
        const pns = await make()
        await ip(
          node,
          'link',
          'add',
          host.name,
          'address',
          host.mac ?? '',
          'type',
          'veth',
          'peer',
          'name',
          'eth0',
          'address',
          eth0.mac ?? '',
          'netns',
          pns.name,
        )
        await ip(node, 'link', 'set', host.name, 'master', bridge.name, 'up')
        for (const a of w.pod.addresses ?? [])
          await ip(pns, 'addr', 'add', `${a.local}/${a.prefixLen}`, 'brd', '+', 'dev', 'eth0')
        await ip(pns, 'link', 'set', 'eth0', 'up')
        for (const r of w.pod.routes ?? [])
          await ip(pns, 'route', 'add', r.dst, 'via', r.via ?? '', 'dev', r.dev ?? '')
        pods.push({ ns: pns, model: podState(ctx, underlayPlugin, p) })
      }
      for (const p of pods) expect(await routesOf(p.ns)).toEqual(mainRoutes(p.model.routes))
      const nodeRoutes: Route[] = [
        {
          family: 4,
          table: 254,
          type: 'unicast',
          dst: 'default',
          via: '192.168.0.1',
          dev: bridge.name,
          proto: 'boot',
          scope: 'global',
        },
      ]
      const modelNode = withKernelRoutes({
        name: 'n',
        links: [{ index: 1, name: bridge.name, kind: 'bridge', mtu: 1500, up: true }],
        rules: [],
        neighbours: [],
        sysctls: {},
        iptables: {},
        ipsets: [],
        conntrack: [],
        addresses: [
          {
            iface: bridge.name,
            family: 4,
            local: u.address,
            prefixLen: 24,
            scope: 'global',
            broadcast: '192.168.0.255',
          },
        ],
        routes: nodeRoutes,
      })
      expect(await routesOf(node)).toEqual(mainRoutes(modelNode.routes))
      const shown = await json(node, 'link', 'show', bridge.name)
      const modelled = withBridgeMac(ctx)
      expect(shown[0]?.address).toBe(modelled)
      expect(modelled).toBe(NIC_MAC)
      // The router resolves the worker's IP to mybr0, i.e. to the NIC's MAC (seed 000's ARP reply).
      expect(await resolve(gw, u.address)).toBe(NIC_MAC)
      const gwMac = (await json(gw, 'link', 'show', 'eth0'))[0]?.address
      for (const p of pods) expect(await resolve(p.ns, '192.168.0.1')).toBe(gwMac)
    },
  )

  it.skipIf(reason !== undefined)(
    `macvlan mode: a pod macvlan of the NIC reaches the router ${reason ?? ''}`,
    async () => {
      const ctx = seedCtx((t) =>
        t.replace(
          '    - type: bridge\n      bridge: mybr0\n',
          '    - type: macvlan\n      master: eth0\n      mode: bridge\n',
        ),
      )
      expect(underlayNetwork(ctx).mode).toBe('macvlan')
      const u = ctx.underlay.get('k8s-worker-02')!
      const { gw, node } = await underlay()
      await ip(node, 'addr', 'add', `${u.address}/24`, 'brd', '+', 'dev', 'eth0')
      await ip(node, 'link', 'set', 'eth0', 'up')
      const p = podNamed(ctx, PODS[0] ?? '')
      const w = underlayPlugin.pod(ctx, p, u)
      const eth0 = w.pod.links?.[0]
      if (eth0?.macvlan === undefined) throw new Error('no macvlan rendered')
      const pns = await make()
      await ip(
        node,
        'link',
        'add',
        'mv0',
        'link',
        eth0.macvlan.parent,
        'address',
        eth0.mac ?? '',
        'type',
        'macvlan',
        'mode',
        eth0.macvlan.mode,
      )
      await ip(node, 'link', 'set', 'mv0', 'netns', pns.name)
      await ip(pns, 'link', 'set', 'mv0', 'name', 'eth0')
      for (const a of w.pod.addresses ?? [])
        await ip(pns, 'addr', 'add', `${a.local}/${a.prefixLen}`, 'brd', '+', 'dev', 'eth0')
      await ip(pns, 'link', 'set', 'eth0', 'up')
      for (const r of w.pod.routes ?? [])
        await ip(pns, 'route', 'add', r.dst, 'via', r.via ?? '', 'dev', r.dev ?? '')
      expect(await routesOf(pns)).toEqual(mainRoutes(podState(ctx, underlayPlugin, p).routes))
      const d = (await json(pns, '-d', 'link', 'show', 'eth0'))[0] as {
        mtu: number
        linkinfo: { info_kind: string; info_data: { mode: string } }
      }
      expect([d.linkinfo.info_kind, d.linkinfo.info_data.mode, d.mtu]).toEqual([
        'macvlan',
        eth0.macvlan.mode,
        eth0.mtu,
      ])
      const gwMac = (await json(gw, 'link', 'show', 'eth0'))[0]?.address
      expect(await resolve(pns, '192.168.0.1')).toBe(gwMac)
    },
  )
})

/** mybr0's MAC in kpath's node fragment. */
function withBridgeMac(ctx: CniContext): string | undefined {
  return underlayPlugin.node(ctx, ctx.underlay.get('k8s-worker-02')!).links?.[0]?.mac
}
