/**
 * The standard flows of every CNI model (issue 4 acceptance), table-driven from
 * core/cluster/testing/flows.ts over examples/clusters/flows-*.yaml: delivered or dropped
 * where, TTL at arrival, the source the server sees, the tunnel on the way, and the reply
 * coming back to the sender. Each trace runs as `kpath trace` does (core/app traceBetween).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { traceBetween } from '../app/cluster-trace.js'
import { FLOWS, MODELS } from '../cluster/testing/flows.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const texts = new Map<string, string>()
const text = (file: string) => {
  let t = texts.get(file)
  if (t === undefined) {
    t = readFileSync(join(ROOT, file), 'utf8')
    texts.set(file, t)
  }
  return t
}

describe.each(MODELS.map((m) => [m.model, m.file] as const))('%s (%s)', (model) => {
  const flows = FLOWS.filter((f) => f.model === model)

  it('has the seven standard flows', () => {
    expect(flows.map((f) => f.name)).toEqual([
      'same-node',
      'cross-node',
      'pod-clusterip',
      'node-clusterip',
      'external-nodeport',
      'pod-outside',
      'hairpin',
    ])
  })

  it.each(flows.map((f) => [f.name, f] as const))('%s', (_, f) => {
    const r = traceBetween({
      inputs: [{ file: f.file, text: text(f.file) }],
      from: f.from,
      to: f.to,
      proto: f.proto,
      ...(f.port === undefined ? {} : { port: f.port }),
    })
    // One endpoint per Service: no random branch. (flanneld's encap hop names the tun device it
    // read as inIface.)
    expect(r.trace.branches).toHaveLength(1)
    const b = r.trace.branches[0]
    const e = f.expect
    expect(b?.outcome).toMatchObject({ kind: e.kind, netns: e.netns })
    if (b?.outcome.kind === 'delivered') {
      if (e.ttl !== undefined) expect(b.outcome.ttlAtArrival).toBe(e.ttl)
      if (e.serverSaw !== undefined) expect(b.outcome.serverSaw.src).toBe(e.serverSaw)
      // The answer goes back to the sender's socket through every conntrack on the way.
      expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', netns: r.netns })
    }
    if (b?.outcome.kind === 'dropped' && e.reason !== undefined)
      expect(b.outcome.reason).toMatch(new RegExp(e.reason))
    const encaps = (b?.hops ?? [])
      .filter((h) => h.kind === 'encap')
      .map((h) => h.outIface ?? h.inIface)
    if (e.tunnel === undefined) expect(encaps).toEqual([])
    else expect(encaps).toEqual([e.tunnel])
  })
})
