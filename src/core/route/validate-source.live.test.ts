/**
 * Live check of source validation with real packets: a sender namespace S sends one UDP
 * datagram per case through a veth to router namespace R (`kpath-h12-<pid>-<n>` both), from a
 * chosen source address to a local or a forwarded destination, under rp_filter 0/1/2 (all and
 * per device) and accept_local. R's counters tell what happened: `TcpExtIPReversePathFilter`
 * (rp_filter drop), `UdpNoPorts` (delivered locally), `IpExtInNoRoutes`/`IpForwDatagrams`
 * (forwarded). kpath predicts the same from R's state with lookupRoute (input) and
 * validateSource. Skipped when not root, or ip/nstat are missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeExecer } from '../../adapters/node/execer.js'
import { ScratchNetns } from '../../adapters/node/scratch-netns.js'
import type { NetnsState } from '../model/netns.js'
import { lookupRoute } from './lookup.js'
import { node } from './testing/build.js'
import { buildState } from './testing/live-harness.js'

const execer = new NodeExecer()

async function unavailable(): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root'
  for (const tool of ['ip', 'nstat', 'sysctl'])
    if (!(await execer.lookPath(tool))) return `${tool} is not installed`
  return undefined
}
const why = await unavailable()

/** Router R: eth0 towards S, r1 (a veth pair inside R) towards 172.16/16 and 10.9/24. */
function router(sysctls: Record<string, string | number>): NetnsState {
  return node({
    links: [
      {
        index: 2,
        name: 'eth0',
        kind: 'veth',
        mtu: 1500,
        up: true,
        mac: '02:00:00:00:aa:01',
        peer: { netns: 'S', name: 'eth0' },
      },
      {
        index: 3,
        name: 'r1',
        kind: 'veth',
        mtu: 1500,
        up: true,
        mac: '02:00:00:00:aa:02',
        peer: { netns: '', name: 'r1p' },
      },
      {
        index: 4,
        name: 'r1p',
        kind: 'veth',
        mtu: 1500,
        up: true,
        mac: '02:00:00:00:aa:03',
        peer: { netns: '', name: 'r1' },
      },
    ],
    addrs: ['eth0 10.0.0.1/24', 'r1 10.9.0.1/24'],
    routes: ['172.16.0.0/16 via 10.9.0.2 dev r1'],
    sysctls: {
      'net.ipv4.ip_forward': 1,
      'net.ipv4.conf.all.rp_filter': 0,
      'net.ipv4.conf.default.rp_filter': 0,
      'net.ipv4.conf.all.accept_local': 0,
      'net.ipv4.conf.default.accept_local': 0,
      'net.ipv6.conf.all.disable_ipv6': 1,
      'net.ipv6.conf.default.disable_ipv6': 1,
      ...sysctls,
    },
  })
}

const SOURCES = ['10.0.0.2', '172.16.0.5', '8.8.8.8', '10.9.0.1'] as const
const DESTS = ['10.0.0.1', '10.9.0.77'] as const
const CONFIGS: Record<string, string | number>[] = [
  {},
  { 'net.ipv4.conf.all.rp_filter': 1 },
  { 'net.ipv4.conf.all.rp_filter': 2 },
  { 'net.ipv4.conf.eth0.rp_filter': 1 },
  { 'net.ipv4.conf.all.rp_filter': 2, 'net.ipv4.conf.eth0.rp_filter': 1 },
  { 'net.ipv4.conf.all.accept_local': 1, 'net.ipv4.conf.all.rp_filter': 1 },
]

type Outcome = 'rp_filter' | 'local' | 'forward' | 'dropped'

function predict(state: NetnsState, src: string, dst: string): Outcome {
  const r = lookupRoute(state, { dst, src, iif: 'eth0', input: true })
  if (r.error === 'rp_filter') return 'rp_filter'
  if (r.error !== undefined) return 'dropped'
  return r.type === 'local' ? 'local' : 'forward'
}

const COUNTERS = ['TcpExtIPReversePathFilter', 'UdpNoPorts', 'IpForwDatagrams'] as const

async function counters(ns: ScratchNetns): Promise<Record<string, number>> {
  const r = await ns.exec(['nstat', '-asz', '-j'])
  const j = JSON.parse(r.stdout) as { kernel: Record<string, number> }
  return Object.fromEntries(COUNTERS.map((c) => [c, j.kernel[c] ?? 0]))
}

function observe(before: Record<string, number>, after: Record<string, number>): Outcome {
  const d = (c: string) => (after[c] ?? 0) - (before[c] ?? 0)
  if (d('TcpExtIPReversePathFilter') > 0) return 'rp_filter'
  if (d('UdpNoPorts') > 0) return 'local'
  if (d('IpForwDatagrams') > 0) return 'forward'
  return 'dropped'
}

const SEND = `const s=require('dgram').createSocket('udp4');s.bind(0,process.argv[1],()=>s.send('x',9,process.argv[2],()=>s.close()))`

/** One router setting: build R, point S at it, send every case, read R's counters. */
async function runConfig(
  S: ScratchNetns,
  i: number,
  cfg: Record<string, string | number>,
): Promise<{ results: string[]; expected: string[] }> {
  const results: string[] = []
  const expected: string[] = []
  const r = await ScratchNetns.create(execer, 'h12')
  if ('reason' in r) throw new Error(r.reason)
  try {
    const spec = router(cfg)
    const state = {
      ...spec,
      links: spec.links.map((l) =>
        l.peer?.netns === 'S' ? { ...l, peer: { netns: S.name, name: `eth${i}` } } : l,
      ),
    }
    await buildState(execer, r.ns.name, state)
    await S.exec(['ip', 'addr', 'add', '10.0.0.2/24', 'dev', `eth${i}`])
    for (const src of SOURCES.slice(1))
      await S.exec(['ip', 'addr', 'add', `${src}/32`, 'dev', 'lo'], { allowFailure: true })
    await S.exec(['ip', 'link', 'set', 'lo', 'up'])
    await S.exec(['ip', 'link', 'set', `eth${i}`, 'up'])
    await S.exec(['ip', 'route', 'replace', 'default', 'via', '10.0.0.1', 'dev', `eth${i}`])
    for (const src of SOURCES) {
      for (const dst of DESTS) {
        const before = await counters(r.ns)
        await S.exec([process.execPath, '-e', SEND, src, dst])
        await new Promise((res) => setTimeout(res, 30))
        results.push(
          `${JSON.stringify(cfg)} ${src}→${dst}: ${observe(before, await counters(r.ns))}`,
        )
        expected.push(`${JSON.stringify(cfg)} ${src}→${dst}: ${predict(state, src, dst)}`)
      }
    }
  } finally {
    await r.ns.dispose()
  }
  return { results, expected }
}

describe.skipIf(why !== undefined)(
  `validateSource with real packets${why ? ` (skipped: ${why})` : ''}`,
  () => {
    let S: ScratchNetns
    beforeAll(async () => {
      const s = await ScratchNetns.create(execer, 'h12')
      if ('reason' in s) throw new Error(s.reason)
      S = s.ns
    })
    afterAll(async () => {
      await S?.dispose()
    })

    it('agrees on every source × destination × rp_filter setting', async () => {
      const results: string[] = []
      const expected: string[] = []
      for (const [i, cfg] of CONFIGS.entries()) {
        // A fresh router per setting (sysctls of new devices copy default at creation); its
        // end of the veth is S's eth<i>, gone with the router.
        const r = await runConfig(S, i, cfg)
        results.push(...r.results)
        expected.push(...r.expected)
      }
      expect(results).toEqual(expected)
      // The cases must cover every outcome.
      for (const o of ['rp_filter', 'local', 'forward', 'dropped'])
        expect(
          results.some((x) => x.endsWith(o)),
          o,
        ).toBe(true)
    }, 120_000)
  },
)
