/**
 * Bad input: every rejection is a KpathError with a stable code, the file, line and column of
 * the offending value, the field path in the message, and a hint.
 */
import { describe, expect, it } from 'vitest'
import { formatError, isKpathError, type KpathError } from '../../errors.js'
import { loadCluster } from './index.js'

function fail(text: string, file = 'bad.yaml'): KpathError {
  try {
    loadCluster([{ file, text }])
  } catch (e) {
    if (isKpathError(e)) return e
    throw e
  }
  throw new Error('expected loadCluster to fail')
}

const service = (spec: string) => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
${spec}`

describe('located errors', () => {
  it('an invalid IP names the field, its line and column', () => {
    const e = fail(service('  clusterIP: 10.0.0.300\n  ports:\n  - port: 80\n'))
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.message).toBe('spec.clusterIP: "10.0.0.300" is not a valid IP address')
    expect(e.location).toMatchObject({ file: 'bad.yaml', line: 7, column: 14 })
    expect(e.location?.text).toBe('  clusterIP: 10.0.0.300')
    expect(e.hint).toMatch(/IPv4 dotted quad/)
  })

  it('an externalIP that is not an address', () => {
    const e = fail(
      service('  ports:\n  - port: 80\n  externalIPs:\n  - 192.168.1.1\n  - example.com\n'),
    )
    expect(e.message).toBe('spec.externalIPs[1]: "example.com" is not a valid IP address')
    expect(e.location).toMatchObject({ line: 11, column: 5 })
  })

  it('a port out of range', () => {
    const e = fail(service('  ports:\n  - name: http\n    port: 70000\n'))
    expect(e.message).toBe('spec.ports[0].port: 70000 is out of range 1-65535')
    expect(e.location).toMatchObject({ line: 9, column: 11 })
    expect(e.hint).toMatch(/1 to 65535/)
  })

  it('a port that is not a number', () => {
    const e = fail(service('  ports:\n  - port: "80"\n'))
    expect(e.message).toBe('spec.ports[0].port: "80" must be a port number')
  })

  it('a nodePort of 0 and a targetPort of 65536', () => {
    expect(
      fail(service('  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 0\n')).message,
    ).toBe('spec.ports[0].nodePort: 0 is out of range 1-65535')
    expect(fail(service('  ports:\n  - port: 80\n    targetPort: 65536\n')).message).toMatch(
      /^spec\.ports\[0\]\.targetPort: 65536/,
    )
  })

  it('an unknown protocol', () => {
    const e = fail(service('  ports:\n  - port: 80\n    protocol: HTTP\n'))
    expect(e.message).toBe('spec.ports[0].protocol: "HTTP" is not a known protocol')
    expect(e.hint).toBe('use TCP, UDP or SCTP (upper case)')
    expect(e.location?.line).toBe(9)
  })

  it('lower-case protocol is rejected as the API server rejects it', () => {
    expect(fail(service('  ports:\n  - port: 53\n    protocol: udp\n')).code).toBe('KPATH_PARSE')
  })

  it('an unknown Service type and traffic policy', () => {
    expect(fail(service('  type: Foo\n  ports: []\n')).message).toBe(
      'spec.type: "Foo" is not a Service type',
    )
    expect(fail(service('  externalTrafficPolicy: Global\n')).message).toBe(
      'spec.externalTrafficPolicy: "Global" is not a traffic policy',
    )
  })

  it('a duplicate object names both places', () => {
    const one = service('  ports:\n  - port: 80\n')
    const e = fail(`${one}---\n${one}`)
    expect(e.code).toBe('KPATH_INVALID_ARGUMENT')
    expect(e.message).toBe('duplicate Service "web" in namespace shop')
    expect(e.location).toMatchObject({ line: 13, column: 9 })
    expect(e.hint).toMatch(/^first defined at bad\.yaml:4:9/)
  })

  it('a duplicate across two files', () => {
    const one = service('  ports:\n  - port: 80\n')
    let caught: unknown
    try {
      loadCluster([
        { file: 'a.yaml', text: one },
        { file: 'b.yaml', text: one },
      ])
    } catch (e) {
      caught = e
    }
    expect(isKpathError(caught) && caught.location?.file).toBe('b.yaml')
    expect(isKpathError(caught) && caught.hint).toMatch(/a\.yaml:4:9/)
  })

  it('the same name in two namespaces, or of two kinds, is not a duplicate', () => {
    const a = service('  ports:\n  - port: 80\n')
    const b = a.replace('namespace: shop', 'namespace: other')
    const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: c\n`
    const c = loadCluster([{ file: 'x', text: `${a}---\n${b}---\n${pod}` }], {
      apiServerService: false,
    })
    expect(c.services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual([
      'shop/web',
      'other/web',
    ])
    expect(c.pods.map((p) => p.metadata.name)).toEqual(['web'])
  })

  it('YAML syntax errors are KPATH_PARSE at the offending line', () => {
    const e = fail('apiVersion: v1\nkind: Service\nmetadata:\n  name: [web\n')
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.message).toMatch(/^YAML: /)
    expect(e.location?.file).toBe('bad.yaml')
    expect(e.location?.line).toBeGreaterThanOrEqual(4)
  })

  it('a duplicate YAML key is a syntax error', () => {
    const e = fail('apiVersion: v1\nkind: Service\nkind: Pod\n')
    expect(e.message).toMatch(/unique/)
    expect(e.location?.line).toBe(3)
  })

  it('a document that is not a mapping', () => {
    const e = fail('- a\n- b\n')
    expect(e.message).toMatch(/must be a Kubernetes object/)
  })

  it('missing apiVersion or kind', () => {
    expect(fail('kind: Service\nmetadata: {name: a}\n').message).toBe('apiVersion: is required')
    expect(fail('apiVersion: v1\nmetadata: {name: a}\n').message).toBe('kind: is required')
  })

  it('a missing metadata.name', () => {
    const e = fail('apiVersion: v1\nkind: Service\nmetadata:\n  namespace: x\nspec: {}\n')
    expect(e.message).toBe('metadata.name: is required')
    expect(e.location?.line).toBe(4)
  })

  it('a version of a group kpath reads, but not that version, is unsupported', () => {
    const e = fail('apiVersion: apps/v1beta2\nkind: Deployment\nmetadata: {name: a}\n')
    expect(e.code).toBe('KPATH_UNSUPPORTED')
    expect(e.hint).toBe('write it as apps/v1 Deployment')
    expect(
      fail('apiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata: {name: a}\n').code,
    ).toBe('KPATH_UNSUPPORTED')
    expect(
      fail('apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata: {name: a}\n').code,
    ).toBe('KPATH_UNSUPPORTED')
  })

  it('an endpoint address of the wrong family for its slice', () => {
    const e = fail(`apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: s
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
endpoints:
- addresses: [10.0.0.1]
- addresses: ["fd00::1"]
`)
    expect(e.message).toBe('endpoints[1].addresses[0]: "fd00::1" is not a valid IPv4 address')
    expect(e.location).toMatchObject({ line: 9, column: 15 })
  })

  it('a Node InternalIP that is not an address; a Hostname may be anything', () => {
    const node = (t: string, a: string) =>
      `apiVersion: v1\nkind: Node\nmetadata: {name: n}\nstatus:\n  addresses:\n  - type: ${t}\n    address: ${a}\n`
    expect(fail(node('InternalIP', 'n1.local')).message).toBe(
      'status.addresses[0].address: "n1.local" is not a valid IP address',
    )
    expect(loadCluster([{ file: 'x', text: node('Hostname', 'n1.local') }]).nodes).toHaveLength(1)
  })

  it('a bad podCIDR and a bad clusterCIDR', () => {
    expect(
      fail('apiVersion: v1\nkind: Node\nmetadata: {name: n}\nspec: {podCIDR: 10.244.1.0}\n')
        .message,
    ).toBe('spec.podCIDR: "10.244.1.0" is not a valid CIDR')
    const kp = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clusterCIDR: 10.0.0.0/33
`
    expect(fail(kp).message).toBe(
      'clusterCIDR: "10.0.0.0/33" is not a CIDR or a comma-separated list of CIDRs',
    )
  })

  it('two KubeProxyConfigurations are ambiguous', () => {
    const kp = 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n'
    const e = fail(`${kp}---\n${kp}`)
    expect(e.code).toBe('KPATH_INVALID_ARGUMENT')
    expect(e.location?.line).toBe(4)
  })

  it('formats like a compiler diagnostic', () => {
    const e = fail(service('  ports:\n  - port: 80\n    protocol: HTTP\n'))
    expect(formatError(e)).toBe(
      [
        'bad.yaml:9:15: error: spec.ports[0].protocol: "HTTP" is not a known protocol [KPATH_PARSE]',
        '    9 |     protocol: HTTP',
        '      |               ^',
        'hint: use TCP, UDP or SCTP (upper case)',
      ].join('\n'),
    )
  })

  it('errors in a List item are located inside the List', () => {
    const list = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: a}
  spec:
    ports:
    - port: 99999
`
    const e = fail(list)
    expect(e.message).toBe('spec.ports[0].port: 99999 is out of range 1-65535')
    expect(e.location).toMatchObject({ line: 9, column: 13 })
  })
})
