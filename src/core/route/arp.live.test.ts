/**
 * Live check of answersArp: a pod namespace asks (by sending a UDP datagram to an on-link
 * target) and a node namespace answers or not; the pod's neighbour entry shows the outcome and
 * the MAC. Scenarios follow kernel-lab §3 (Calico's 169.254.1.1 needs a route out of another
 * interface), arp_ignore, arp_filter, proxy entries, medium_id, forwarding and rp_filter.
 * Namespaces are `kpath-h12-<pid>-<n>`. Skipped when not root or ip is missing.
 */
import { describe, expect, it } from 'vitest'
import { NodeExecer } from '../../adapters/node/execer.js'
import { ScratchNetns } from '../../adapters/node/scratch-netns.js'
import type { Link, Neighbour } from '../model/netns.js'
import { answersArp, arpSource } from './arp.js'
import { node } from './testing/build.js'
import { buildState } from './testing/live-harness.js'

const execer = new NodeExecer()
const why =
  typeof process.getuid === 'function' && process.getuid() !== 0
    ? 'not root'
    : (await execer.lookPath('ip'))
      ? undefined
      : 'ip is not installed'

const POD = '10.234.64.10'

interface Scenario {
  readonly name: string
  readonly target: string
  readonly routes?: string[]
  readonly addrs?: string[]
  readonly sysctls?: Record<string, number>
  readonly neighbours?: Neighbour[]
  /** Leave out the pod's /32 route on the node. */
  readonly noPodRoute?: boolean
}

const CALICO = { 'net.ipv4.conf.cali1.proxy_arp': 1 }
const DEFAULT = 'default via 192.168.50.1 dev eth1'
const SCENARIOS: Scenario[] = [
  {
    name: 'calico with a default route',
    target: '169.254.1.1',
    routes: [DEFAULT],
    sysctls: CALICO,
  },
  { name: 'calico without a default route', target: '169.254.1.1', sysctls: CALICO },
  {
    name: 'calico with only a host route',
    target: '169.254.1.1',
    routes: ['169.254.1.1 dev eth1'],
    sysctls: CALICO,
  },
  { name: 'no proxy_arp', target: '169.254.1.1', routes: [DEFAULT] },
  {
    name: 'no forwarding',
    target: '169.254.1.1',
    routes: [DEFAULT],
    sysctls: { ...CALICO, 'net.ipv4.ip_forward': 0 },
  },
  {
    name: 'proxy entry',
    target: '169.254.1.1',
    routes: [DEFAULT],
    neighbours: [{ dst: '169.254.1.1', dev: 'cali1', state: 'PERMANENT', proxy: true }],
  },
  {
    name: 'proxy entry for another address',
    target: '169.254.1.1',
    routes: [DEFAULT],
    neighbours: [{ dst: '169.254.1.2', dev: 'cali1', state: 'PERMANENT', proxy: true }],
  },
  {
    name: 'medium_id equal',
    target: '169.254.1.1',
    routes: [DEFAULT],
    sysctls: { ...CALICO, 'net.ipv4.conf.cali1.medium_id': 1, 'net.ipv4.conf.eth1.medium_id': 1 },
  },
  {
    name: 'medium_id different',
    target: '169.254.1.1',
    routes: [DEFAULT],
    sysctls: { ...CALICO, 'net.ipv4.conf.cali1.medium_id': 1, 'net.ipv4.conf.eth1.medium_id': 2 },
  },
  {
    name: 'strict rp_filter, no route back',
    target: '169.254.1.1',
    routes: [DEFAULT],
    noPodRoute: true,
    sysctls: { ...CALICO, 'net.ipv4.conf.all.rp_filter': 1 },
  },
  {
    name: 'no rp_filter, no route back',
    target: '169.254.1.1',
    routes: [DEFAULT],
    noPodRoute: true,
    sysctls: CALICO,
  },
  { name: 'local on another interface, arp_ignore 0', target: '192.168.50.50' },
  {
    name: 'local on another interface, arp_ignore 1',
    target: '192.168.50.50',
    sysctls: { 'net.ipv4.conf.all.arp_ignore': 1 },
  },
  {
    name: 'local on cali1, arp_ignore 1',
    target: '10.234.65.1',
    addrs: ['cali1 10.234.65.1/32'],
    sysctls: { 'net.ipv4.conf.cali1.arp_ignore': 1 },
  },
  {
    name: 'arp_ignore 2, sender in the subnet',
    target: '10.234.64.1',
    addrs: ['cali1 10.234.64.1/24'],
    sysctls: { 'net.ipv4.conf.cali1.arp_ignore': 2 },
  },
  {
    name: 'arp_ignore 2, sender outside',
    target: '10.234.65.1',
    addrs: ['cali1 10.234.65.1/32'],
    sysctls: { 'net.ipv4.conf.cali1.arp_ignore': 2 },
  },
  {
    name: 'arp_ignore 8',
    target: '192.168.50.50',
    sysctls: { 'net.ipv4.conf.cali1.arp_ignore': 8 },
  },
  {
    name: 'arp_filter, route back through cali1',
    target: '192.168.50.50',
    sysctls: { 'net.ipv4.conf.cali1.arp_filter': 1 },
  },
  {
    name: 'arp_filter, route back elsewhere',
    target: '192.168.50.50',
    routes: [DEFAULT],
    noPodRoute: true,
    sysctls: { 'net.ipv4.conf.cali1.arp_filter': 1 },
  },
  {
    name: 'calico with the default proxy_delay',
    target: '169.254.1.1',
    routes: [DEFAULT],
    sysctls: { ...CALICO, 'net.ipv4.neigh.cali1.proxy_delay': 80 },
  },
]

function links(pod: string): Link[] {
  return [
    {
      index: 2,
      name: 'cali1',
      kind: 'veth',
      mtu: 1500,
      up: true,
      mac: 'ee:ee:ee:ee:ee:ee',
      peer: { netns: pod, name: 'eth0' },
    },
    {
      index: 3,
      name: 'eth1',
      kind: 'veth',
      mtu: 1500,
      up: true,
      mac: '02:00:00:00:bb:01',
      peer: { netns: '', name: 'eth1p' },
    },
    {
      index: 4,
      name: 'eth1p',
      kind: 'veth',
      mtu: 1500,
      up: true,
      mac: '02:00:00:00:bb:02',
      peer: { netns: '', name: 'eth1' },
    },
  ]
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const SEND = `const s=require('dgram').createSocket('udp4');s.bind(0,process.argv[1],()=>s.send('x',9,process.argv[2],()=>s.close()))`

/** Ask from the pod; the MAC it learnt, or undefined after 1.5 s. */
async function ask(pod: ScratchNetns, target: string): Promise<string | undefined> {
  await pod.exec([process.execPath, '-e', SEND, POD, target])
  for (let i = 0; i < 30; i++) {
    const r = await pod.exec(['ip', '-j', 'neigh', 'show', target, 'dev', 'eth0'])
    const e = (JSON.parse(r.stdout) as { lladdr?: string; state?: string[] }[])[0]
    if (e?.lladdr && !e.state?.includes('FAILED') && !e.state?.includes('INCOMPLETE'))
      return e.lladdr
    await sleep(50)
  }
  return undefined
}

async function run(s: Scenario): Promise<{ kernel: string; kpath: string }> {
  const p = await ScratchNetns.create(execer, 'h12')
  const n = await ScratchNetns.create(execer, 'h12')
  if ('reason' in p || 'reason' in n) throw new Error('cannot create namespaces')
  try {
    const state = node({
      links: links(p.ns.name),
      addrs: ['eth1 192.168.50.50/24', ...(s.addrs ?? [])],
      routes: [...(s.noPodRoute ? [] : [`${POD} dev cali1 scope link`]), ...(s.routes ?? [])],
      neighbours: s.neighbours ?? [],
      sysctls: {
        'net.ipv4.ip_forward': 1,
        'net.ipv4.conf.all.rp_filter': 0,
        'net.ipv4.conf.default.rp_filter': 0,
        'net.ipv4.neigh.cali1.proxy_delay': 0,
        'net.ipv6.conf.all.disable_ipv6': 1,
        'net.ipv6.conf.default.disable_ipv6': 1,
        ...s.sysctls,
      },
    })
    await buildState(execer, n.ns.name, state)
    for (const argv of [
      ['ip', 'link', 'set', 'lo', 'up'],
      ['ip', 'addr', 'add', `${POD}/32`, 'dev', 'eth0'],
      ['ip', 'link', 'set', 'eth0', 'up'],
      ['ip', 'route', 'add', s.target, 'dev', 'eth0', 'scope', 'link', 'src', POD],
    ]) {
      await p.ns.exec(argv)
    }
    const mac = await ask(p.ns, s.target)
    const a = answersArp(state, 'cali1', s.target, POD)
    return {
      kernel: `${s.name}: ${mac ?? 'no answer'}`,
      kpath: `${s.name}: ${a.answer ? a.mac : 'no answer'}`,
    }
  } finally {
    await n.ns.dispose()
    await p.ns.dispose()
  }
}

describe.skipIf(why !== undefined)(
  `answersArp vs the kernel${why ? ` (skipped: ${why})` : ''}`,
  () => {
    it(`agrees on ${SCENARIOS.length} scenarios`, async () => {
      const results = await Promise.all(SCENARIOS.map(run))
      expect(results.map((r) => r.kpath)).toEqual(results.map((r) => r.kernel))
      expect(results.filter((r) => r.kernel.endsWith('no answer')).length).toBeGreaterThan(5)
      expect(results.filter((r) => r.kernel.endsWith('ee:ee:ee:ee:ee:ee')).length).toBeGreaterThan(
        5,
      )
    }, 60_000)

    it('arpSource picks the sender address the kernel puts in its requests (arp_announce 0, 1, 2)', async () => {
      const got: string[] = []
      const want: string[] = []
      for (const announce of [0, 1, 2]) {
        const p = await ScratchNetns.create(execer, 'h12')
        const n = await ScratchNetns.create(execer, 'h12')
        if ('reason' in p || 'reason' in n) throw new Error('cannot create namespaces')
        try {
          // The asking side: 10.0.0.2/24 on eth0, and 10.99.0.1/32 on lo used as the source.
          const asker = node({
            links: [
              {
                index: 2,
                name: 'eth0',
                kind: 'veth',
                mtu: 1500,
                up: true,
                mac: '02:00:00:00:cc:01',
                peer: { netns: n.ns.name, name: 'eth0' },
              },
            ],
            addrs: ['eth0 10.0.0.2/24', 'lo 10.99.0.1/32'],
            sysctls: {
              'net.ipv4.conf.all.arp_announce': announce,
              'net.ipv6.conf.all.disable_ipv6': 1,
            },
          })
          await buildState(execer, p.ns.name, asker)
          for (const argv of [
            ['ip', 'link', 'set', 'lo', 'up'],
            ['ip', 'addr', 'add', '10.0.0.1/24', 'dev', 'eth0'],
            ['ip', 'link', 'set', 'eth0', 'up'],
          ]) {
            await n.ns.exec(argv)
          }
          await p.ns.exec([process.execPath, '-e', SEND, '10.99.0.1', '10.0.0.1'])
          await sleep(300)
          // The answering side learns the sender of the request it answered.
          const r = await n.ns.exec(['ip', '-j', '-4', 'neigh', 'show', 'dev', 'eth0'])
          const learnt = (JSON.parse(r.stdout) as { dst: string }[]).map((e) => e.dst).sort()
          got.push(`announce ${announce}: ${learnt.join(',')}`)
          want.push(`announce ${announce}: ${arpSource(asker, 'eth0', '10.0.0.1', '10.99.0.1')}`)
        } finally {
          await n.ns.dispose()
          await p.ns.dispose()
        }
      }
      expect(want).toEqual(got)
      expect(new Set(got.map((g) => g.split(': ')[1])).size).toBe(2)
    }, 30_000)
  },
)
