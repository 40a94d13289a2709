import { describe, expect, it } from 'vitest'
import type { EndpointSlice } from '../model.js'
import { allocateClusterIPs } from './cluster-ips.js'
import { MAX_ENDPOINTS_PER_SLICE, runEndpointSlices } from './endpointslices.js'
import { runMirroring } from './mirroring.js'
import { draftOf, OPTIONS } from './test-drafts.js'

const svc = (name: string, spec: string, ns = 'shop') =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}, labels: {team: a}}\nspec:\n${spec}`

interface PodOpts {
  readonly labels?: string
  readonly ips?: readonly string[]
  readonly ready?: boolean
  readonly node?: string
  readonly extraMeta?: string
  readonly ports?: string
  readonly phase?: string
}

function pod(name: string, o: PodOpts = {}): string {
  const ips = (o.ips ?? []).map((ip) => `{ip: "${ip}"}`).join(', ')
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: ${o.labels ?? '{app: web}'}${o.extraMeta ?? ''}}
spec:
  nodeName: ${o.node ?? 'n1'}
  containers: [{name: c, ports: ${o.ports ?? '[{name: http, containerPort: 8080}]'}}]
status:
  phase: ${o.phase ?? 'Running'}
  podIPs: [${ips}]
  conditions: [{type: Ready, status: "${o.ready === false ? 'False' : 'True'}"}]
`
}

const run = (...docs: string[]) => runEndpointSlices(allocateClusterIPs(draftOf(...docs)), OPTIONS)
const made = (d: { endpointSlices: readonly EndpointSlice[] }) => d.endpointSlices

describe('EndpointSlice controller', () => {
  it('selects ready pods, resolves named ports, labels and names the slice', () => {
    const d = run(
      svc('web', '  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]\n'),
      pod('a', { ips: ['10.244.1.5'] }),
      pod('b', { ips: ['10.244.2.5'], node: 'n2' }),
      pod('other', { labels: '{app: db}', ips: ['10.244.1.9'] }),
    )
    const [s] = made(d)
    expect(made(d)).toHaveLength(1)
    expect(s?.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
    expect(s?.metadata.labels).toEqual({
      team: 'a',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    })
    expect(s?.addressType).toBe('IPv4')
    expect(s?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }])
    expect(s?.endpoints).toEqual([
      {
        addresses: ['10.244.1.5'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'n1',
        targetRef: { kind: 'Pod', name: 'a', namespace: 'shop' },
      },
      {
        addresses: ['10.244.2.5'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'n2',
        targetRef: { kind: 'Pod', name: 'b', namespace: 'shop' },
      },
    ])
  })

  it('conditions: not ready; terminating; publishNotReadyAddresses', () => {
    const pods = [
      pod('unready', { ips: ['10.0.0.1'], ready: false }),
      pod('leaving', {
        ips: ['10.0.0.2'],
        extraMeta: ', deletionTimestamp: "2026-01-01T00:00:00Z"',
      }),
    ]
    const conds = (publish: string) =>
      made(
        run(svc('web', `  selector: {app: web}\n${publish}  ports: [{port: 80}]\n`), ...pods),
      )[0]?.endpoints.map((e) => e.conditions)
    expect(conds('')).toEqual([
      { ready: false, serving: false, terminating: false },
      { ready: false, serving: true, terminating: true },
    ])
    expect(conds('  publishNotReadyAddresses: true\n')).toEqual([
      { ready: true, serving: false, terminating: false },
      { ready: true, serving: true, terminating: true },
    ])
  })

  it('leaves out finished pods and pods without an IP', () => {
    const d = run(
      svc('web', '  selector: {app: web}\n  ports: [{port: 80}]\n'),
      pod('done', { ips: ['10.0.0.1'], phase: 'Succeeded' }),
      pod('noip'),
      pod('ok', { ips: ['10.0.0.3'] }),
    )
    expect(made(d)[0]?.endpoints.map((e) => e.targetRef?.name)).toEqual(['ok'])
  })

  it('pods that lack a named port go to a slice with the other port set', () => {
    const d = run(
      svc(
        'web',
        '  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}, {name: raw, port: 9000}]\n',
      ),
      pod('a', { ips: ['10.0.0.1'] }),
      pod('b', { ips: ['10.0.0.2'], ports: '[]' }),
    )
    expect(made(d).map((s) => [s.ports, s.endpoints.map((e) => e.addresses[0])])).toEqual([
      [
        [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'raw', port: 9000, protocol: 'TCP' },
        ],
        ['10.0.0.1'],
      ],
      [[{ name: 'raw', port: 9000, protocol: 'TCP' }], ['10.0.0.2']],
    ])
  })

  it('named port must match protocol too', () => {
    const d = run(
      svc(
        'dns',
        '  selector: {app: web}\n  ports: [{name: dns, port: 53, protocol: UDP, targetPort: dns}]\n',
      ),
      pod('a', { ips: ['10.0.0.1'], ports: '[{name: dns, containerPort: 5353, protocol: TCP}]' }),
    )
    expect(made(d)[0]?.ports).toEqual([])
  })

  it('at most 100 endpoints a slice', () => {
    const pods = Array.from({ length: 250 }, (_, i) =>
      pod(`p${i}`, { ips: [`10.0.${i >> 8}.${(i & 255) + 0}`] }),
    )
    const d = run(svc('web', '  selector: {app: web}\n  ports: [{port: 80}]\n'), ...pods)
    expect(made(d).map((s) => s.endpoints.length)).toEqual([MAX_ENDPOINTS_PER_SLICE, 100, 50])
    expect(new Set(made(d).map((s) => s.metadata.name)).size).toBe(3)
  })

  it('one slice per address type of a dual-stack Service; an empty family gets a placeholder', () => {
    const cfg =
      'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking: {serviceSubnet: "10.96.0.0/16,fd00::/108"}\n'
    const d = run(
      cfg,
      svc(
        'web',
        '  ipFamilyPolicy: RequireDualStack\n  selector: {app: web}\n  ports: [{port: 80}]\n',
      ),
      pod('a', { ips: ['10.0.0.1', 'fd00:10::1'] }),
      pod('b', { ips: ['10.0.0.2'] }),
    )
    expect(made(d).map((s) => [s.addressType, s.endpoints.map((e) => e.addresses[0])])).toEqual([
      ['IPv4', ['10.0.0.1', '10.0.0.2']],
      ['IPv6', ['fd00:10::1']],
    ])
    const empty = run(svc('web', '  selector: {app: nothing}\n  ports: [{port: 80}]\n'))
    expect(made(empty)).toHaveLength(1)
    expect(made(empty)[0]).toMatchObject({ addressType: 'IPv4', endpoints: [], ports: [] })
    expect(empty.warnings[0]?.message).toBe(
      'Service shop/web: selector {"app":"nothing"} matches no pod; it has no endpoints',
    )
    expect(empty.warnings[0]?.location).toMatchObject({ line: 1 })
  })

  it('hostname when the pod’s subdomain names the Service; zone from the node', () => {
    const n =
      'apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {topology.kubernetes.io/zone: z1}}\n'
    const p = pod('db-0', { ips: ['10.0.0.1'] }).replace(
      '  nodeName: n1\n',
      '  nodeName: n1\n  hostname: db-0\n  subdomain: db\n',
    )
    const d = run(
      n,
      svc('db', '  clusterIP: None\n  selector: {app: web}\n  ports: [{port: 5432}]\n'),
      p,
    )
    expect(made(d)[0]?.endpoints[0]).toMatchObject({ hostname: 'db-0', zone: 'z1' })
    expect(made(d)[0]?.metadata.labels?.['service.kubernetes.io/headless']).toBe('')
  })

  it('given slices win; selector-less and ExternalName Services are not touched', () => {
    const given = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-given, namespace: shop, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
endpoints: [{addresses: [10.9.9.9]}]
`
    const d = run(
      svc('web', '  selector: {app: web}\n  ports: [{port: 80}]\n'),
      svc('manual', '  ports: [{port: 80}]\n'),
      svc('ext', '  type: ExternalName\n  externalName: a.example\n  selector: {app: web}\n'),
      given,
      pod('a', { ips: ['10.0.0.1'] }),
    )
    expect(made(d).map((s) => s.metadata.name)).toEqual(['web-given'])
  })
})

describe('EndpointSlice mirroring controller', () => {
  const endpoints = `apiVersion: v1
kind: Endpoints
metadata: {name: ext, namespace: shop, labels: {team: b}}
subsets:
- addresses: [{ip: 192.168.1.10, nodeName: n1}, {ip: "fd00::10"}]
  notReadyAddresses: [{ip: 192.168.1.11}]
  ports: [{name: https, port: 443}]
`
  it('mirrors a selector-less Service’s Endpoints, one slice per address type', () => {
    const d = runMirroring(
      draftOf(svc('ext', '  ports: [{name: https, port: 443}]\n'), endpoints),
      OPTIONS,
    )
    expect(d.endpointSlices.map((s) => ({ ...s, metadata: { ...s.metadata, name: '' } }))).toEqual([
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: '',
          namespace: 'shop',
          generateName: 'ext-',
          labels: {
            team: 'b',
            'kubernetes.io/service-name': 'ext',
            'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
          },
          ownerReferences: [{ kind: 'Endpoints', name: 'ext' }],
        },
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['192.168.1.10'], conditions: { ready: true }, nodeName: 'n1' },
          { addresses: ['192.168.1.11'], conditions: { ready: false } },
        ],
        ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
      },
      expect.objectContaining({
        addressType: 'IPv6',
        endpoints: [{ addresses: ['fd00::10'], conditions: { ready: true } }],
      }),
    ])
    expect(d.endpointSlices[0]?.metadata.name).toMatch(/^ext-[a-z0-9]{5}$/)
  })

  it('skips: a Service with a selector, skip-mirror, a given slice; warns without a Service', () => {
    const withSelector = runMirroring(
      draftOf(svc('ext', '  selector: {a: b}\n  ports: [{port: 443}]\n'), endpoints),
      OPTIONS,
    )
    expect(withSelector.endpointSlices).toHaveLength(0)
    const skip = endpoints.replace('{team: b}', '{endpointslice.kubernetes.io/skip-mirror: "true"}')
    expect(
      runMirroring(draftOf(svc('ext', '  ports: [{port: 443}]\n'), skip), OPTIONS).endpointSlices,
    ).toHaveLength(0)
    const orphan = runMirroring(draftOf(endpoints), OPTIONS)
    expect(orphan.endpointSlices).toHaveLength(0)
    expect(orphan.warnings[0]?.message).toMatch(/^Endpoints shop\/ext has no Service of that name/)
  })
})
