/**
 * `labUp` and `labDown` without a kernel: every command goes to a FakeExecer, which states the
 * exact sequence, and the lab daemon to a fake LabdControl (the one process the lab starts
 * outside the Execer). The cluster is one node with one pod; kpath's default world adds the
 * underlay and external segments, the router and the external client: six namespaces.
 *
 * Built with `parallel: 1`, so that the per-namespace phases run in the plan's order (with more
 * lanes the same commands interleave). Records go to a temporary KPATH_LAB_DIR.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LabdConfig } from '../../../core/lab/daemons.js'
import type { IptablesBackend, LabPlan } from '../../../core/lab/plan.js'
import { type ExpectedCommand, FakeExecer } from '../fake-execer.js'
import { type LabdControl, serverScript } from './daemon.js'
import { labDown } from './down.js'
import { planFor } from './index.js'
import type { LabRecord } from './registry.js'
import { labUp } from './up.js'
import { loadWorld } from './world.js'

const CLUSTER = `apiVersion: v1
kind: Node
metadata: {name: n1}
status:
  addresses:
  - {type: InternalIP, address: 10.39.0.11}
---
apiVersion: v1
kind: Pod
metadata: {name: p1, namespace: default}
spec:
  nodeName: n1
  containers:
  - {name: c, image: nginx, ports: [{containerPort: 8080}]}
`
const inputs = [{ file: 'one.yaml', text: CLUSTER }]
const world = loadWorld(inputs)

const NAMES = [
  'kpath-t1-seg-underlay',
  'kpath-t1-seg-external',
  'kpath-t1-rtr-gw',
  'kpath-t1-ext-client',
  'kpath-t1-node-n1',
  'kpath-t1-pod-default-p1',
]
const LABD_PID = 4242

/** A labd that records what it is told. */
function fakeLabd(o: { failConfigure?: boolean } = {}) {
  const stopped: number[] = []
  const configured: LabdConfig[] = []
  const logs: string[] = []
  const control: LabdControl = {
    spawn(logFile) {
      logs.push(logFile)
      return {
        pid: LABD_PID,
        configure: async (config) => {
          configured.push(config)
          if (o.failConfigure) throw new Error('the lab daemon did not start: bind failed')
          return LABD_PID
        },
      }
    },
    stop: async (pid) => {
      stopped.push(pid)
    },
  }
  return { control, stopped, configured, logs }
}

const nsBatch = (ns: string): ExpectedCommand => ({ argv: ['ip', '-n', ns, '-batch', '-'] })
const sysctlRun: ExpectedCommand = { argv: ['python3', '-S', serverScript('sysctl.py')] }
const exec = (ns: string, ...argv: string[]): ExpectedCommand => ({
  argv: ['ip', 'netns', 'exec', ns, ...argv],
})

/** The build, command by command, up to and including the restores of the last namespace. */
function buildCommands(plan: LabPlan, backend: IptablesBackend): ExpectedCommand[] {
  const node = plan.namespaces.find((n) => n.name === 'kpath-t1-node-n1')
  return [
    { argv: ['ip', 'netns', 'list'], result: { stdout: 'kpath-other-x (id: 0)\n' } },
    {
      argv: ['ip', '-batch', '-'],
      stdin: `${NAMES.map((n) => `netns add ${n}`).join('\n')}\n`,
    },
    sysctlRun,
    // Links: every namespace but the pod, whose veth end the node creates.
    ...NAMES.slice(0, 5).map(nsBatch),
    sysctlRun,
    ...NAMES.slice(0, 4).map(nsBatch),
    nsBatch('kpath-t1-node-n1'),
    exec('kpath-t1-node-n1', 'nfacct', 'add', 'ct_state_invalid_dropped_pkts'),
    { ...exec('kpath-t1-node-n1', `iptables-${backend}-restore`), stdin: node?.iptables4 ?? '?' },
    { ...exec('kpath-t1-node-n1', `ip6tables-${backend}-restore`), stdin: node?.iptables6 ?? '?' },
    nsBatch('kpath-t1-pod-default-p1'),
  ]
}

/** Teardown: list, then delete exactly the lab's namespaces among those listed. */
function teardownCommands(
  listed: readonly string[],
  deleted: readonly string[],
): ExpectedCommand[] {
  return [
    { argv: ['ip', 'netns', 'list'], result: { stdout: listed.map((n) => `${n}\n`).join('') } },
    {
      argv: ['ip', '-force', '-batch', '-'],
      stdin: deleted.map((n) => `netns del ${n}\n`).join(''),
    },
  ]
}

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kpath-lab-unit-'))
  process.env.KPATH_LAB_DIR = dir
})
afterEach(async () => {
  delete process.env.KPATH_LAB_DIR
  await rm(dir, { recursive: true, force: true })
})

const recordFile = () => join(dir, 't1.json')
const readRecordFile = async () => JSON.parse(await readFile(recordFile(), 'utf8')) as LabRecord

describe('labUp and labDown through the Execer', () => {
  for (const backend of ['legacy', 'nft'] as const)
    it(`builds a 1-node 1-pod cluster with ${backend} iptables, then tears it down`, async () => {
      const plan = planFor(world, 't1', backend)
      expect(plan.namespaces.map((n) => n.name)).toEqual(NAMES)
      const labd = fakeLabd()
      const fake = new FakeExecer(buildCommands(plan, backend))
      const { record } = await labUp(plan, {
        execer: fake,
        inputs,
        parallel: 1,
        labd: labd.control,
      })
      expect(fake.pending()).toEqual([])

      // Every namespace gets its sysctls, before any link exists (the first python3 run).
      const sysctls = JSON.parse(fake.calls[2]?.stdin ?? '[]') as [string, [string, string][]][]
      expect(sysctls.map(([ns]) => ns)).toEqual(NAMES)
      const forward = Object.fromEntries(
        sysctls.map(([ns, kv]) => [ns, kv.find(([k]) => k === 'net/ipv4/ip_forward')?.[1]]),
      )
      expect(forward).toMatchObject({
        'kpath-t1-seg-underlay': '0',
        'kpath-t1-node-n1': '1',
        'kpath-t1-rtr-gw': '1',
      })
      // … all of the plan's global and all/default sysctls, as /proc/sys paths.
      sysctls.forEach(([, kv], i) => {
        expect(kv).toEqual(
          plan.namespaces[i]?.batch.sysctls.map(([k, v]) => [k.replaceAll('.', '/'), v]),
        )
      })
      // Links are made inside lab namespaces, the pod's veth end placed by the node.
      const nodeLinks = fake.calls.find(
        (c) => c.argv.join(' ') === 'ip -n kpath-t1-node-n1 -batch -',
      )?.stdin
      expect(nodeLinks).toMatch(
        /link add \S+ .*type veth peer name eth0 .*netns kpath-t1-pod-default-p1/,
      )
      // Every command is scoped to a lab namespace (or creates one by batch).
      for (const c of fake.calls.slice(3))
        expect(c.argv.join(' ')).toMatch(/^(ip (-n|netns exec) kpath-t1-|python3 -S )/)

      expect(labd.logs).toEqual([join(dir, 't1.log')])
      expect(labd.configured).toEqual([plan.labd])
      expect(labd.configured[0]?.listeners).toEqual([
        { netns: 'kpath-t1-pod-default-p1', pod: 'default/p1', port: 8080, proto: 'tcp' },
      ])
      expect(record).toMatchObject({ name: 't1', backend, phase: 'up', labdPid: LABD_PID })
      expect(await readRecordFile()).toEqual(record)

      // Down: the daemon by its PID, then only this lab's namespaces, then the record.
      const down = new FakeExecer(
        teardownCommands(['kpath-other-x (id: 0)', ...NAMES, 'kpath-t1x-node (id: 7)'], NAMES),
      )
      await labDown(down, 't1', labd.control)
      expect(down.pending()).toEqual([])
      expect(labd.stopped).toEqual([LABD_PID])
      expect(existsSync(recordFile())).toBe(false)
    })

  it('refuses to build over an existing namespace, creating nothing', async () => {
    const plan = planFor(world, 't1', 'legacy')
    const labd = fakeLabd()
    const fake = new FakeExecer([
      { argv: ['ip', 'netns', 'list'], result: { stdout: 'kpath-t1-rtr-gw (id: 3)\n' } },
    ])
    await expect(
      labUp(plan, { execer: fake, inputs, parallel: 1, labd: labd.control }),
    ).rejects.toMatchObject({ code: 'KPATH_INVALID_ARGUMENT', message: /kpath-t1-rtr-gw exists/ })
    expect(fake.pending()).toEqual([])
    expect(labd.logs).toEqual([])
    expect(existsSync(recordFile())).toBe(false)
  })

  it('tears down what it made when a command fails midway', async () => {
    const plan = planFor(world, 't1', 'legacy')
    const labd = fakeLabd()
    const build = buildCommands(plan, 'legacy')
    const failing = build.findIndex((c) => c.argv.includes('iptables-legacy-restore'))
    const fake = new FakeExecer([
      ...build.slice(0, failing),
      { ...build[failing], argv: build[failing]?.argv ?? [], result: { code: 1 } },
      // Namespaces made so far, as `ip netns list` shows them, all deleted.
      ...teardownCommands(NAMES, NAMES),
    ])
    await expect(
      labUp(plan, { execer: fake, inputs, parallel: 1, labd: labd.control }),
    ).rejects.toThrow(/iptables-legacy-restore exited 1/)
    expect(fake.pending()).toEqual([])
    // Nothing ran after the failure but the teardown; the daemon was never configured.
    expect(fake.calls.map((c) => c.argv.join(' ')).slice(failing + 1)).toEqual([
      'ip netns list',
      'ip -force -batch -',
    ])
    expect(labd.configured).toEqual([])
    expect(new Set(labd.stopped)).toEqual(new Set([LABD_PID]))
    expect(existsSync(recordFile())).toBe(false)
  })

  it('tears down when the lab daemon fails to start', async () => {
    const plan = planFor(world, 't1', 'nft')
    const labd = fakeLabd({ failConfigure: true })
    const fake = new FakeExecer([...buildCommands(plan, 'nft'), ...teardownCommands(NAMES, NAMES)])
    await expect(
      labUp(plan, { execer: fake, inputs, parallel: 1, labd: labd.control }),
    ).rejects.toThrow(/bind failed/)
    expect(fake.pending()).toEqual([])
    expect(new Set(labd.stopped)).toEqual(new Set([LABD_PID]))
    expect(existsSync(recordFile())).toBe(false)
  })

  it('stops at the next command when aborted, and removes only what exists', async () => {
    const plan = planFor(world, 't1', 'legacy')
    const labd = fakeLabd()
    const abort = new AbortController()
    const build = buildCommands(plan, 'legacy')
    const linksEnd = 3 + 5 // list, netns add, sysctls, five link batches
    const fake = new FakeExecer([
      ...build.slice(0, linksEnd),
      // Say one namespace vanished meanwhile: the teardown deletes the other five only.
      ...teardownCommands(NAMES.slice(1), NAMES.slice(1)),
    ])
    await expect(
      labUp(plan, {
        execer: fake,
        inputs,
        parallel: 1,
        labd: labd.control,
        onPhase: (p) => {
          if (p === 'links') abort.abort()
        },
        signal: abort.signal,
      }),
    ).rejects.toMatchObject({ code: 'KPATH_EXEC', message: /interrupted/ })
    expect(fake.pending()).toEqual([])
    expect(new Set(labd.stopped)).toEqual(new Set([LABD_PID]))
    expect(existsSync(recordFile())).toBe(false)
  })
})
