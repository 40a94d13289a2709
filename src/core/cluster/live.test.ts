/**
 * Ground truth from the real kernel, live: assembled namespaces are built in throw-away
 * namespaces (`kpath-h13-<pid>-<n>`) with `ip`/`bridge` commands (testing/lab.ts), and what the
 * kernel then shows must equal the assembled state, including the routes kpath says the
 * kernel adds by itself and the MAC a bridge takes from its ports (bridges are created without
 * one). Traffic crosses the built cluster (pod → pod across nodes, external client → node). The
 * CNI's iptables fragments go through iptables-legacy-restore --noflush and iptables-legacy-save.
 * fixtures.test.ts checks the same cases against recorded kernel output where this cannot run.
 *
 * Skips (with the reason) when not root or when ip/bridge/iptables-legacy are missing.
 */
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { parseIptablesSave, printIptablesSave } from '../netfilter/iptables-save/index.js'
import type { AssembledCluster } from './index.js'
import { applyAll } from './netfilter.js'
import { cniRuleTexts, LAB_CASES, tableBlocks } from './testing/cases.js'
import { assemble } from './testing/clusters.js'
import { labPlan } from './testing/lab.js'
import { kernelQueries, kernelView, modelView, type View } from './testing/views.js'

const run = promisify(execFile)
const skipReason = await whyNot()
const created: string[] = []
let counter = 0

async function whyNot(): Promise<string | undefined> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'not root: network namespaces need CAP_SYS_ADMIN'
  for (const tool of ['ip', 'bridge', 'iptables-legacy-restore', 'iptables-legacy-save'])
    try {
      await run('sh', ['-c', `command -v ${tool}`])
    } catch {
      return `${tool} is not installed`
    }
  return undefined
}

afterAll(async () => {
  for (const ns of created) await run('ip', ['netns', 'del', ns]).catch(() => undefined)
})

async function sh(argv: readonly string[]): Promise<string> {
  const [cmd = '', ...args] = argv
  return (await run(cmd, args, { encoding: 'utf8' })).stdout
}

function fresh(): string {
  const ns = `kpath-h13-${process.pid}-${++counter}`
  created.push(ns)
  return ns
}

/** Build `names` (all when undefined) of `state` for real; returns state name → lab namespace. */
async function build(state: AssembledCluster, names?: readonly string[]) {
  const states = state.namespaces.filter((n) => names === undefined || names.includes(n.name))
  const plan = labPlan(states, fresh)
  for (const c of [...plan.create, ...plan.setup]) await sh(c)
  return plan.names
}

async function viewOf(ns: string): Promise<View> {
  const q = kernelQueries(ns)
  const out = async (argv: readonly string[]) =>
    JSON.parse(await sh(argv)) as Record<string, unknown>[]
  return kernelView({
    addresses: await out(q.addresses),
    routes: await out(q.routes),
    links: await out(q.links),
    neigh: await out(q.neigh),
    fdb: await out(q.fdb),
  })
}

/** A TCP server on `ip`:8080 answering each connection with the peer's address, and its client. */
const server = (ip: string) =>
  `require('net').createServer((c) => c.end(c.remoteAddress)).listen(8080, '${ip}', () => console.log('up'))`
const client = (ip: string) =>
  `const c = require('net').connect(8080, '${ip}'); c.setTimeout(3000, () => process.exit(2)); c.pipe(process.stdout)`

/** Connect from namespace `from` to a server in `to` on `ip`; returns the address the server saw. */
async function connect(names: ReadonlyMap<string, string>, from: string, to: string, ip: string) {
  const child = spawn(
    'ip',
    ['netns', 'exec', names.get(to) ?? '', process.execPath, '-e', server(ip)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  try {
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    return (
      await sh(['ip', 'netns', 'exec', names.get(from) ?? '', process.execPath, '-e', client(ip)])
    ).trim()
  } finally {
    child.kill()
  }
}

function restore(ns: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'ip',
      ['netns', 'exec', ns, 'iptables-legacy-restore', '--noflush'],
      (err) => (err ? reject(err) : resolve()),
    )
    child.stdin?.end(text)
  })
}

describe.skipIf(skipReason !== undefined)(
  `assembled namespaces in the kernel${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    for (const c of LAB_CASES)
      it(`${c.name}: the namespaces read back as assembled`, async () => {
        const state = c.state()
        const names = await build(state, c.build)
        for (const model of state.namespaces.filter((n) =>
          (c.compare ?? [...names.keys()]).includes(n.name),
        ))
          expect({ name: model.name, ...(await viewOf(names.get(model.name) ?? '')) }).toEqual({
            name: model.name,
            ...modelView(model),
          })
      })

    it('bridge: the external client reaches a node through the gateway router', async () => {
      const names = await build(assemble({}))
      expect(await connect(names, 'ext-client', 'node-alpha', '10.39.0.11')).toBe('203.0.113.10')
    })

    for (const c of LAB_CASES.filter(
      (x) => x.name === 'flannel-vxlan' || x.name === 'flannel-host-gw',
    ))
      it(`${c.name}: a pod reaches a pod on another node over the assembled underlay`, async () => {
        const names = await build(c.state())
        // The server sees the client pod's own address: routed, not NATed (the lab has no iptables).
        expect(
          await connect(names, 'pod-default-web-alpha-1', 'pod-default-web-gamma-1', '10.244.2.2'),
        ).toBe('10.244.0.2')
      })

    it('flannel and bridge ipMasq rules: iptables-legacy-save prints them as kpath does', async () => {
      const texts = cniRuleTexts()
      const ns = fresh()
      await sh(['ip', 'netns', 'add', ns])
      for (const text of texts) await restore(ns, text)
      const saved = await sh(['ip', 'netns', 'exec', ns, 'iptables-legacy-save'])
      const ours = applyAll(
        undefined,
        texts.map((text) => ({ text, from: 'test' })),
        4,
      )
      expect(tableBlocks(printIptablesSave(ours ?? parseIptablesSave('', { family: 4 })))).toEqual(
        tableBlocks(saved),
      )
    })
  },
)
