import { describe, expect, it } from 'vitest'
import { categorizeEndpoints, type NodeTopology, topologyMode } from './categorize.js'
import { epInfo, portInfo } from './testkit.js'

const NODE: NodeTopology = { nodeName: 'node-a', zone: 'zone-a', preferSameNode: false }
const keys = (eps: readonly { key: string }[]) => eps.map((e) => e.key)

describe('CategorizeEndpoints', () => {
  it('Cluster policy uses ready endpoints only, ignoring terminating ones while any is ready', () => {
    const svc = portInfo({
      endpoints: [
        epInfo('10.0.0.1'),
        epInfo('10.0.0.2', { ready: false, terminating: true }),
        epInfo('10.0.0.3', { ready: false, serving: false }),
      ],
    })
    const c = categorizeEndpoints(svc, NODE)
    expect(keys(c.cluster)).toEqual(['10.0.0.1:80'])
    expect(c.local).toEqual([])
    expect(keys(c.allReachable)).toEqual(['10.0.0.1:80'])
    expect(c.hasAnyEndpoints).toBe(true)
  })

  it('falls back to serving+terminating endpoints when none is ready, never to non-serving ones', () => {
    const svc = portInfo({
      endpoints: [
        epInfo('10.0.0.2', { ready: false, terminating: true }),
        epInfo('10.0.0.3', { ready: false, serving: false, terminating: true }),
      ],
    })
    const c = categorizeEndpoints(svc, NODE)
    expect(keys(c.cluster)).toEqual(['10.0.0.2:80'])
    expect(c.hasAnyEndpoints).toBe(true)
  })

  it('has no endpoints when nothing is ready or serving', () => {
    const svc = portInfo({
      endpoints: [epInfo('10.0.0.3', { ready: false, serving: false, terminating: true })],
    })
    const c = categorizeEndpoints(svc, NODE)
    expect(c.cluster).toEqual([])
    expect(c.hasAnyEndpoints).toBe(false)
  })

  it('ITP Local without external access uses only local endpoints', () => {
    const svc = portInfo({
      internalPolicyLocal: true,
      endpoints: [epInfo('10.0.0.1', { isLocal: true }), epInfo('10.0.0.2')],
    })
    const c = categorizeEndpoints(svc, NODE)
    expect(c.cluster).toEqual([])
    expect(keys(c.local)).toEqual(['10.0.0.1:80'])
    expect(keys(c.allReachable)).toEqual(['10.0.0.1:80'])
  })

  it('ITP Local with only remote endpoints still "has endpoints" (→ DROP, not REJECT)', () => {
    const svc = portInfo({ internalPolicyLocal: true, endpoints: [epInfo('10.0.0.2')] })
    const c = categorizeEndpoints(svc, NODE)
    expect(c.local).toEqual([])
    expect(c.hasAnyEndpoints).toBe(true)
  })

  it('ETP Local with a NodePort uses both lists; ready local ⊆ cluster, so allReachable = cluster', () => {
    const svc = portInfo({
      externalPolicyLocal: true,
      nodePort: 30001,
      endpoints: [epInfo('10.0.0.1', { isLocal: true }), epInfo('10.0.0.2')],
    })
    const c = categorizeEndpoints(svc, NODE)
    expect(keys(c.cluster)).toEqual(['10.0.0.1:80', '10.0.0.2:80'])
    expect(keys(c.local)).toEqual(['10.0.0.1:80'])
    expect(keys(c.allReachable)).toEqual(['10.0.0.1:80', '10.0.0.2:80'])
  })

  it('the local list falls back to local serving-terminating endpoints independently', () => {
    const svc = portInfo({
      externalPolicyLocal: true,
      nodePort: 30001,
      endpoints: [
        epInfo('10.0.0.1', { isLocal: true, ready: false, terminating: true }),
        epInfo('10.0.0.2'),
      ],
    })
    const c = categorizeEndpoints(svc, NODE)
    expect(keys(c.cluster)).toEqual(['10.0.0.2:80'])
    expect(keys(c.local)).toEqual(['10.0.0.1:80'])
    // The union: the terminating local endpoint is not in the cluster list.
    expect(keys(c.allReachable)).toEqual(['10.0.0.1:80', '10.0.0.2:80'])
  })
})

describe('topology hints', () => {
  const zoned = [
    epInfo('10.0.0.1', { zoneHints: new Set(['zone-a']) }),
    epInfo('10.0.0.2', { zoneHints: new Set(['zone-b']) }),
  ]

  it('PreferSameZone narrows the cluster list when every ready endpoint has a hint', () => {
    expect(topologyMode(zoned, NODE)).toBe('PreferSameZone')
    const c = categorizeEndpoints(portInfo({ endpoints: zoned }), NODE)
    expect(keys(c.cluster)).toEqual(['10.0.0.1:80'])
    expect(c.hasAnyEndpoints).toBe(true)
  })

  it('is ignored when one ready endpoint lacks a hint, or no hint names this zone', () => {
    expect(topologyMode([...zoned, epInfo('10.0.0.3')], NODE)).toBe('')
    expect(topologyMode(zoned, { ...NODE, zone: 'zone-c' })).toBe('')
    expect(topologyMode(zoned, { ...NODE, zone: undefined })).toBe('')
  })

  it('PreferSameNode needs its feature gate, then beats zones', () => {
    const both = [
      epInfo('10.0.0.1', { zoneHints: new Set(['zone-a']), nodeHints: new Set(['node-b']) }),
      epInfo('10.0.0.2', { zoneHints: new Set(['zone-a']), nodeHints: new Set(['node-a']) }),
    ]
    expect(topologyMode(both, NODE)).toBe('PreferSameZone')
    const gated = { ...NODE, preferSameNode: true }
    expect(topologyMode(both, gated)).toBe('PreferSameNode')
    expect(keys(categorizeEndpoints(portInfo({ endpoints: both }), gated).cluster)).toEqual([
      '10.0.0.2:80',
    ])
  })
})
