/**
 * Live check of withKernelRoutes: configure links and addresses (no routes) in a scratch
 * namespace `kpath-h12-<pid>-<n>` and compare `ip -j route show table all` (IPv4 and IPv6) with
 * the routes kpath derives, including their order among routes to the same prefix, and the
 * kernel's address order with kpath's. The kernel's own link-local IPv6 addresses are read back
 * into the state first (kpath does not invent them). Skipped when not root or ip is missing.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../adapters/node/execer.js'
import { ScratchNetns } from '../../adapters/node/scratch-netns.js'
import type { Address, NetnsState, Route } from '../model/netns.js'
import { TABLE_LOCAL, TABLE_MAIN } from '../model/netns.js'
import { parseRouteDst } from './fib-alias.js'
import { compileAddresses } from './ifaddr.js'
import { withKernelRoutes } from './kernel-routes.js'
import { keyText, prefixText } from './key.js'
import { buildState } from './testing/live-harness.js'
import { randomState } from './testing/random-states.js'
import { Rng } from './testing/rng.js'

const execer = new NodeExecer()
const why =
  typeof process.getuid === 'function' && process.getuid() !== 0
    ? 'not root'
    : (await execer.lookPath('ip'))
      ? undefined
      : 'ip is not installed'

interface KernelRoute {
  type?: string
  dst: string
  dev?: string
  table?: string
  prefsrc?: string
  metric?: number
}

const tableOf = (t: string | undefined) =>
  t === undefined || t === 'main' ? TABLE_MAIN : t === 'local' ? TABLE_LOCAL : Number(t)

/**
 * One comparable line per route. IPv4 keeps the alias order among routes to one prefix (a
 * stable sort by table, prefix and metric); IPv6 is compared as a set, because the kernel
 * files equal routes of several links in the order their carriers came up.
 */
function lines(
  rs: {
    family: number
    table: number
    type: string
    dst: string
    dev: string
    src: string
    metric: number
  }[],
): string[] {
  return rs
    .map((r) => ({
      ...r,
      k: `${r.family} ${r.table} ${r.dst}`,
      text: `${r.type} dev ${r.dev} src ${r.src} metric ${r.metric}`,
    }))
    .sort((a, b) =>
      a.k < b.k
        ? -1
        : a.k > b.k
          ? 1
          : a.metric - b.metric ||
            (a.family === 6 ? (a.text < b.text ? -1 : a.text > b.text ? 1 : 0) : 0),
    )
    .map((r) => `${r.k} ${r.text}`)
}

function mine(routes: readonly Route[]): string[] {
  return lines(
    routes.map((r) => {
      const { net, len } = parseRouteDst(r)
      return {
        family: r.family,
        table: r.table,
        type: r.type,
        dst: prefixText(r.family, net, len),
        dev: r.dev ?? '',
        src: r.src ?? '',
        metric: r.metric ?? 0,
      }
    }),
  )
}

async function kernel(ns: string): Promise<string[]> {
  const out = []
  for (const family of [4, 6] as const) {
    const r = await execer.run([
      'ip',
      '-n',
      ns,
      `-${family}`,
      '-j',
      'route',
      'show',
      'table',
      'all',
    ])
    for (const k of JSON.parse(r.stdout) as KernelRoute[]) {
      out.push({
        family,
        table: tableOf(k.table),
        type: k.type ?? 'unicast',
        dst: k.dst,
        dev: k.dev ?? '',
        src: k.prefsrc ?? '',
        metric: k.metric ?? 0,
      })
    }
  }
  return lines(out)
}

/**
 * Addresses and routes once IPv6 autoconfiguration has settled: link-local addresses appear
 * (and their routes with them) asynchronously after a link comes up, later on a loaded machine,
 * so read until no address is tentative and two readings agree.
 */
async function settled(ns: string) {
  for (let i = 0; ; i++) {
    const dump = await kernelAddresses(ns)
    const routes = await kernel(ns)
    const again = await kernelAddresses(ns)
    const tentative = again.some((d) => d.addr_info.some((a) => a.tentative === true))
    if ((!tentative && JSON.stringify(dump) === JSON.stringify(again)) || i === 60)
      return { dump: again, routes }
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Addresses as `ip -j addr` lists them, per device, in kernel order. */
async function kernelAddresses(ns: string): Promise<
  {
    ifname: string
    addr_info: {
      family: string
      local: string
      prefixlen: number
      scope: string
      secondary?: boolean
      tentative?: boolean
    }[]
  }[]
> {
  return JSON.parse((await execer.run(['ip', '-n', ns, '-j', 'addr', 'show'])).stdout)
}

/** A random state with IPv6 on: global addresses on some links and on lo, forwarding at random. */
function withIpv6(state: NetnsState, seed: number): NetnsState {
  const rng = new Rng(seed * 7919)
  // kpath assumes carrier: both ends of a veth pair go up or stay down together.
  const upOf = (name: string) => state.links.find((l) => l.name === name.replace(/^b/, 'a'))?.up
  const links = state.links.map((l) => (l.kind === 'veth' ? { ...l, up: upOf(l.name) ?? l.up } : l))
  const v6: Address[] = []
  for (const l of links) {
    for (let i = rng.int(3); i > 0; i--) {
      const len = rng.pick([48, 64, 64, 120, 128])
      v6.push({
        iface: l.name,
        family: 6,
        local: `2001:db8:${rng.int(4)}:${rng.int(3)}::${1 + rng.int(300)}`,
        prefixLen: len,
        scope: 'global',
      })
    }
  }
  const fwd = rng.pick(['0', '1'])
  return {
    ...state,
    links,
    routes: [],
    rules: state.rules.filter((r) => r.priority === 0 || r.priority >= 32766),
    addresses: [...state.addresses, ...v6],
    sysctls: {
      ...state.sysctls,
      'net.ipv6.conf.all.disable_ipv6': '0',
      'net.ipv6.conf.default.disable_ipv6': '0',
      'net.ipv6.conf.all.accept_dad': '0',
      'net.ipv6.conf.default.accept_dad': '0',
      'net.ipv6.conf.all.forwarding': fwd,
    },
  }
}

describe.skipIf(why !== undefined)(
  `withKernelRoutes vs the kernel${why ? ` (skipped: ${why})` : ''}`,
  () => {
    const made: ScratchNetns[] = []
    afterAll(async () => {
      for (const ns of made) await ns.dispose()
    })

    it('derives the same routes, in the same order, for 60 random namespaces', async () => {
      let compared = 0
      for (let seed = 1; seed <= 60; seed++) {
        const c = await ScratchNetns.create(execer, 'h12')
        if ('reason' in c) throw new Error(c.reason)
        made.push(c.ns)
        const built = await buildState(execer, c.ns.name, withIpv6(randomState(seed), seed))
        const { dump, routes } = await settled(c.ns.name)
        // Add the link-local addresses the kernel generated from the MACs.
        const linkLocal: Address[] = dump.flatMap((d) =>
          d.addr_info
            .filter((a) => a.family === 'inet6' && a.scope === 'link')
            .map((a) => ({
              iface: d.ifname,
              family: 6 as const,
              local: a.local,
              prefixLen: a.prefixlen,
              scope: 'link' as const,
            })),
        )
        const state = withKernelRoutes({
          ...built.state,
          addresses: [...built.state.addresses, ...linkLocal],
        })
        expect(mine(state.routes), `seed ${seed}`).toEqual(routes)
        // IPv4 address order and secondary flags.
        const order = compileAddresses(state.addresses, 4)
        for (const d of dump) {
          const k = d.addr_info
            .filter((a) => a.family === 'inet')
            .map((a) => `${a.local}${a.secondary ? ' secondary' : ''}`)
          const m = (order.get(d.ifname) ?? []).map(
            (a) => `${keyText(4, a.local)}${a.secondary ? ' secondary' : ''}`,
          )
          expect(m, `seed ${seed} ${d.ifname}`).toEqual(k)
        }
        compared += state.routes.length
        await c.ns.dispose()
        made.pop()
      }
      expect(compared).toBeGreaterThan(1000)
    })
  },
)
