/**
 * What-if edits on a cluster built from node dumps: kernel edits change the dumped nodes (and
 * give the outcome the same edits give on the YAML the dumps were captured from), object edits
 * change the objects given beside the dumps, and are refused, located, without them.
 * Scenario: seed 003 (flannel udp, rp_filter=1 drops slave1 → heapster on slave2).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { caseDumps } from '../../../test/support/dump-fixtures.js'
import { type ClusterTraceReport, traceBetween } from '../app/cluster-trace.js'
import { formatError } from '../errors.js'
import { thrown } from '../testing/errors.js'
import { parseSetEdit } from '../whatif/index.js'
import { dumpWorld } from './world.js'

const ROOT = new URL('../../../', import.meta.url).pathname
const EXAMPLE = 'examples/seeds/003-flannel-udp-rp-filter.yaml'
const inputs = [{ file: EXAMPLE, text: readFileSync(join(ROOT, EXAMPLE), 'utf8') }]
const dumps = caseDumps('flannel-udp')
const flow = { inputs, from: 'node/slave1', to: 'svc/default/heapster' }
const LOOSE = ['slave1', 'slave2'].map((n) =>
  parseSetEdit(`node/${n}:sysctl.net.ipv4.conf.all.rp_filter=2`),
)

function ends(r: ClusterTraceReport) {
  return r.trace.branches.map((b) => [b.outcome.kind, b.reply?.outcome.kind])
}

describe('kernel edits on dumps', () => {
  it('rp_filter=2 on both nodes: delivered on dumps as on the YAML; dropped without it', () => {
    const before = traceBetween({ ...flow, world: dumpWorld(dumps, inputs) })
    expect(ends(before)).toEqual(ends(traceBetween(flow)))
    expect(before.trace.branches.every((b) => b.outcome.kind !== 'delivered')).toBe(true)
    const after = traceBetween({ ...flow, world: dumpWorld(dumps, inputs, LOOSE) })
    expect(ends(after)).toEqual(ends(traceBetween({ ...flow, edits: LOOSE })))
    expect(ends(after)).toEqual([['delivered', 'delivered']])
  })

  it('apply to the dumped node without any objects', () => {
    const w = dumpWorld(dumps, [], LOOSE.slice(1))
    const slave2 = w.state.namespaces.find((n) => n.name === 'node-slave2')
    expect(slave2?.sysctls['net.ipv4.conf.all.rp_filter']).toBe('2')
  })

  it('a target not in the dumps is refused, naming the known ones', () => {
    const e = thrown(() =>
      dumpWorld(dumps, [], [parseSetEdit('node/nope:sysctl.net.ipv4.ip_forward=0')]),
    )
    expect(e.message).toBe('--set: no node/nope in the cluster')
    expect(e.hint).toContain('node/slave1, node/slave2')
  })

  it('are refused when a prebuilt world is handed to traceBetween with them', () => {
    const e = thrown(() => traceBetween({ ...flow, world: dumpWorld(dumps, inputs), edits: LOOSE }))
    expect(e.code).toBe('KPATH_INVALID_ARGUMENT')
  })
})

describe('object edits on dumps', () => {
  const edit = parseSetEdit('svc/default/heapster:spec.clusterIP=10.254.51.154')

  it('change the objects given, and say the dumped rules are not re-rendered', () => {
    const w = dumpWorld(dumps, inputs, [edit])
    const svc = w.cluster.services.find((s) => s.metadata.name === 'heapster')
    expect(svc?.spec.clusterIP).toBe('10.254.51.154')
    expect(w.warnings).toContain(
      'what-if: object edits change the objects given with the dumps (pod and Service names, pod addresses), not the nodes’ rules and routes, which are read from the dumps',
    )
    // The node's real KUBE-SERVICES knows only the old address: the moved ClusterIP is not served.
    const r = traceBetween({ ...flow, world: w })
    expect(r.to.addr).toBe('10.254.51.154')
    expect(r.trace.branches.every((b) => b.outcome.kind !== 'delivered')).toBe(true)
  })

  it('without objects: a located error that says to give them', () => {
    const e = thrown(() => dumpWorld(dumps, [], [edit]))
    expect(formatError(e)).toContain(
      '--set: svc/default/heapster is an object edit, and no Kubernetes objects were given with --dump',
    )
    expect(e.location).toMatchObject({ file: '--set', line: 1, column: 1 })
    expect(e.hint).toContain('kubectl get nodes,pods,services,endpointslices -A -o yaml')
  })

  it('naming no object of the input: the loader’s error', () => {
    const e = thrown(() =>
      dumpWorld(dumps, inputs, [parseSetEdit('svc/default/nope:spec.clusterIP=10.254.0.9')]),
    )
    expect(e.message).toContain('no service default/nope in the input')
  })
})
