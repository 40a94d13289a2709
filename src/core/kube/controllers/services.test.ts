/** ClusterIP and NodePort allocation, and the `kubernetes` Service. */
import { describe, expect, it } from 'vitest'
import { isKpathError, type KpathError } from '../../errors.js'
import { addApiServerService } from './api-server-service.js'
import { allocateClusterIPs } from './cluster-ips.js'
import { allocateNodePorts } from './node-ports.js'
import { draftOf, kubeadm, node, OPTIONS } from './test-drafts.js'
import type { ClusterDraft } from './types.js'

const svc = (name: string, spec: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n${spec}`

const byName = (d: ClusterDraft) => new Map(d.services.map((s) => [s.metadata.name, s.spec]))

function throws(f: () => unknown): KpathError {
  try {
    f()
  } catch (e) {
    if (isKpathError(e)) return e
    throw e
  }
  throw new Error('expected a KpathError')
}

describe('ClusterIP allocation', () => {
  it('lowest free address of the service CIDR; given addresses reserved', () => {
    const d = allocateClusterIPs(
      draftOf(
        kubeadm('10.244.0.0/16', '10.96.0.0/12'),
        svc('a', '  ports: [{port: 80}]\n'),
        svc('b', '  clusterIP: 10.96.0.2\n  ports: [{port: 80}]\n'),
        svc('c', '  clusterIP: ""\n  ports: [{port: 80}]\n'),
      ),
    )
    const s = byName(d)
    expect(s.get('a')).toMatchObject({
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    })
    expect(s.get('b')?.clusterIPs).toEqual(['10.96.0.2'])
    expect(s.get('c')?.clusterIP).toBe('10.96.0.3')
  })

  it('defaults to kubeadm’s 10.96.0.0/12', () => {
    const d = allocateClusterIPs(draftOf(svc('a', '  ports: [{port: 80}]\n')))
    expect(d.networking.serviceSubnet).toBe('10.96.0.0/12')
    expect(byName(d).get('a')?.clusterIP).toBe('10.96.0.1')
  })

  it('dual-stack: families follow ipFamilyPolicy and ipFamilies', () => {
    const d = allocateClusterIPs(
      draftOf(
        kubeadm('10.244.0.0/16', '10.96.0.0/16,fd00:10:96::/112'),
        svc('single', '  ports: [{port: 80}]\n'),
        svc('prefer', '  ipFamilyPolicy: PreferDualStack\n  ports: [{port: 80}]\n'),
        svc(
          'v6first',
          '  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv6, IPv4]\n  ports: [{port: 80}]\n',
        ),
        svc('v6', '  ipFamilies: [IPv6]\n  ports: [{port: 80}]\n'),
      ),
    )
    const s = byName(d)
    expect(s.get('single')?.clusterIPs).toEqual(['10.96.0.1'])
    expect(s.get('prefer')).toMatchObject({
      clusterIPs: ['10.96.0.2', 'fd00:10:96::1'],
      ipFamilies: ['IPv4', 'IPv6'],
      ipFamilyPolicy: 'PreferDualStack',
    })
    expect(s.get('v6first')).toMatchObject({
      clusterIP: 'fd00:10:96::2',
      clusterIPs: ['fd00:10:96::2', '10.96.0.3'],
    })
    expect(s.get('v6')?.clusterIPs).toEqual(['fd00:10:96::3'])
  })

  it('headless keeps None and gets a family; ExternalName gets nothing', () => {
    const d = allocateClusterIPs(
      draftOf(
        svc('h', '  clusterIP: None\n  selector: {app: h}\n  ports: [{port: 80}]\n'),
        svc('x', '  type: ExternalName\n  externalName: example.com\n'),
      ),
    )
    expect(byName(d).get('h')).toMatchObject({
      clusterIP: 'None',
      clusterIPs: ['None'],
      ipFamilies: ['IPv4'],
    })
    expect(byName(d).get('x')?.clusterIP).toBeUndefined()
  })

  it('a stored Service keeps its address (even outside the range) and gets its family', () => {
    const d = allocateClusterIPs(
      draftOf(svc('a', '  clusterIP: fd00:172:30::41\n  ports: [{port: 80}]\n')),
    )
    expect(byName(d).get('a')).toMatchObject({
      clusterIPs: ['fd00:172:30::41'],
      ipFamilies: ['IPv6'],
    })
  })

  it('errors: the same address twice, RequireDualStack on single stack, a family not configured', () => {
    const dup = throws(() =>
      allocateClusterIPs(
        draftOf(
          svc('a', '  clusterIP: 10.96.0.5\n  ports: [{port: 80}]\n'),
          svc('b', '  clusterIP: 10.96.0.5\n  ports: [{port: 80}]\n'),
        ),
      ),
    )
    expect(dup.message).toBe('clusterIP 10.96.0.5 is already used by Service default/a')
    expect(dup.location).toMatchObject({ line: 12, column: 14 })
    expect(
      throws(() =>
        allocateClusterIPs(
          draftOf(svc('a', '  ipFamilyPolicy: RequireDualStack\n  ports: [{port: 80}]\n')),
        ),
      ).message,
    ).toMatch(/RequireDualStack on a single-stack cluster/)
    expect(
      throws(() =>
        allocateClusterIPs(draftOf(svc('a', '  ipFamilies: [IPv6]\n  ports: [{port: 80}]\n'))),
      ).message,
    ).toMatch(/IPv6 is not configured/)
  })

  it('a full service range is an error', () => {
    const d = draftOf(
      kubeadm('10.244.0.0/16', '10.96.0.0/30'),
      svc('a', '  ports: [{port: 80}]\n'),
      svc('b', '  ports: [{port: 80}]\n'),
      svc('c', '  ports: [{port: 80}]\n'),
    )
    expect(throws(() => allocateClusterIPs(d)).message).toMatch(
      /default\/c: the service CIDR 10.96.0.0\/30 is full/,
    )
  })
})

describe('NodePort allocation', () => {
  it('lowest free port from 30000 for new NodePort and LoadBalancer Services', () => {
    const d = allocateNodePorts(
      draftOf(
        svc(
          'given',
          '  type: NodePort\n  clusterIP: 10.96.0.9\n  ports: [{port: 80, nodePort: 30001}]\n',
        ),
        svc(
          'np',
          '  type: NodePort\n  ports: [{port: 80, name: a}, {port: 443, name: b, nodePort: 30000}]\n',
        ),
        svc('lb', '  type: LoadBalancer\n  externalTrafficPolicy: Local\n  ports: [{port: 80}]\n'),
        svc(
          'lbnone',
          '  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  ports: [{port: 80}]\n',
        ),
        svc('cip', '  ports: [{port: 80}]\n'),
      ),
    )
    const s = byName(d)
    expect(s.get('np')?.ports.map((p) => p.nodePort)).toEqual([30002, 30000])
    expect(s.get('lb')?.ports[0]?.nodePort).toBe(30003)
    expect(s.get('lb')?.healthCheckNodePort).toBe(30004)
    expect(s.get('lbnone')?.ports[0]?.nodePort).toBeUndefined()
    expect(s.get('lbnone')?.healthCheckNodePort).toBeUndefined()
    expect(s.get('cip')?.ports[0]?.nodePort).toBeUndefined()
  })

  it('TCP and UDP of one port number share a nodePort', () => {
    const d = allocateNodePorts(
      draftOf(
        svc(
          'dns',
          '  type: NodePort\n  ports: [{name: u, port: 53, protocol: UDP}, {name: t, port: 53}]\n',
        ),
      ),
    )
    expect(
      byName(d)
        .get('dns')
        ?.ports.map((p) => p.nodePort),
    ).toEqual([30000, 30000])
  })

  it('a stored Service (with a clusterIP) is kept as given: no nodePort added', () => {
    const d = allocateNodePorts(
      draftOf(svc('svc4', '  type: NodePort\n  clusterIP: 172.30.0.44\n  ports: [{port: 80}]\n')),
    )
    expect(byName(d).get('svc4')?.ports[0]?.nodePort).toBeUndefined()
  })
})

describe('the kubernetes Service', () => {
  const cp = node('cp', '172.18.0.2', '  labels: {node-role.kubernetes.io/control-plane: ""}\n')

  it('is created first, gets .1, and an EndpointSlice to the control plane on 6443', () => {
    const base = draftOf(
      kubeadm('10.244.0.0/16'),
      node('w', '172.18.0.3'),
      cp,
      svc('web', '  ports: [{port: 80}]\n'),
    )
    const d = allocateClusterIPs(
      addApiServerService(base, { ...OPTIONS, apiServerService: 'auto' }),
    )
    const k = d.services[0]
    expect(k?.metadata).toMatchObject({ name: 'kubernetes', namespace: 'default' })
    expect(k?.spec).toMatchObject({
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }],
    })
    expect(byName(d).get('web')?.clusterIP).toBe('10.96.0.2')
    expect(d.endpointSlices).toEqual([
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'kubernetes',
          namespace: 'default',
          labels: { 'kubernetes.io/service-name': 'kubernetes' },
        },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['172.18.0.2'], conditions: { ready: true } }],
        ports: [{ name: 'https', protocol: 'TCP', port: 6443 }],
      },
    ])
  })

  it('auto: not added to an API server’s stored state (every Service has its clusterIP)', () => {
    const stored = draftOf(
      node('n', '10.0.0.1'),
      svc('a', '  clusterIP: 172.30.0.41\n  ports: [{port: 80}]\n'),
    )
    expect(
      addApiServerService(stored, { ...OPTIONS, apiServerService: 'auto' }).services,
    ).toHaveLength(1)
    expect(
      addApiServerService(draftOf(node('n', '10.0.0.1')), { ...OPTIONS, apiServerService: 'auto' })
        .services,
    ).toHaveLength(0)
    expect(
      addApiServerService(stored, { ...OPTIONS, apiServerService: true }).services,
    ).toHaveLength(2)
  })

  it('a given kubernetes Service wins', () => {
    const given = svc('kubernetes', '  ports: [{port: 443, name: https}]\n')
    const d = addApiServerService(draftOf(given), { ...OPTIONS, apiServerService: true })
    expect(d.services).toHaveLength(1)
    expect(d.endpointSlices).toHaveLength(0)
  })
})
