/**
 * What-if edits: each kind parsed, applied and refused with a located error; merge patches
 * against RFC 7386 Appendix A; and a trace that changes because of an edit (seed 003).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../../test/support/shared.js'
import { traceBetween } from '../app/cluster-trace.js'
import { assembleCluster } from '../cluster/index.js'
import { loadCluster } from '../kube/load/index.js'
import type { NetnsState } from '../model/netns.js'
import { thrown } from '../testing/errors.js'
import {
  addRoute,
  applyEdits,
  applyObjectEdits,
  applyRule,
  formatEdit,
  mergePatch,
  parsePatchFile,
  parseRouteArgs,
  parseRouteEdit,
  parseRuleEdit,
  parseSetEdit,
  writeSysctl,
} from './index.js'

const SEED3 = join(REPO_ROOT, 'examples/seeds/003-flannel-udp-rp-filter.yaml')
const inputs = [{ file: 'seed-003.yaml', text: readFileSync(SEED3, 'utf8') }]
const state = assembleCluster(loadCluster(inputs))
const slave1 = state.namespaces.find((n) => n.name === 'node-slave1') as NetnsState

describe('--set', () => {
  it('reads a sysctl of a namespace, and an object field with a YAML-typed value', () => {
    expect(parseSetEdit('node/slave2:sysctl.net.ipv4.conf.all.rp_filter=2')).toMatchObject({
      kind: 'sysctl',
      target: { ref: 'node/slave2', netns: 'node-slave2' },
      name: 'net.ipv4.conf.all.rp_filter',
      value: '2',
    })
    expect(parseSetEdit('pod/kube-system/dns:sysctl.net.ipv4.ip_forward=1')).toMatchObject({
      target: { netns: 'pod-kube-system-dns' },
    })
    expect(parseSetEdit('svc/default/web:spec.externalTrafficPolicy=Cluster')).toMatchObject({
      kind: 'field',
      target: { kind: 'service', namespace: 'default', name: 'web' },
      path: ['spec', 'externalTrafficPolicy'],
      value: 'Cluster',
    })
    expect(parseSetEdit('deploy/web:spec.replicas=3')).toMatchObject({
      target: { kind: 'deployment', namespace: 'default', name: 'web' },
      value: 3,
    })
    expect(parseSetEdit('svc/web:spec.selector["app.kubernetes.io/name"]=web')).toMatchObject({
      path: ['spec', 'selector', 'app.kubernetes.io/name'],
    })
    expect(parseSetEdit('topology:spec.cniConfig.plugins[0].hairpinMode=true')).toMatchObject({
      target: { kind: 'topology' },
      path: ['spec', 'cniConfig', 'plugins', 0, 'hairpinMode'],
      value: true,
    })
  })

  it.each([
    ['node/a', 'expected TARGET:PATH=VALUE', 1],
    ['node/a:sysctl.net.ipv4.ip_forward', 'expected PATH=VALUE', 34],
    ['node/a:sysctl.kernel.pid_max=3', 'is not a net.* sysctl', 15],
    ['node/a:sysctl.net.ipv4.ip_forward=on', 'is not a number', 35],
    ['nod/a:sysctl.net.ipv4.ip_forward=1', 'cannot read the target nod/a', 1],
    ['svc/default/web:spec..type=x', 'unexpected', 22],
    ['svc/default/web:spec.type=', 'no value after =', 27],
  ])('refuses %s, located in the option', (text, message, column) => {
    const e = thrown(() => parseSetEdit(text))
    expect(e.code).toBe('KPATH_INVALID_ARGUMENT')
    expect(e.message).toContain(message)
    expect(e.location).toMatchObject({ file: '--set', line: 1, column, text })
    expect(e.hint === undefined || e.hint.length > 0).toBe(true)
  })
})

describe('sysctl edits (sysctl -w)', () => {
  it('ip_forward=0 turns forwarding off on all, default and every device (inet_forward_change)', () => {
    const n = writeSysctl(slave1, 'net.ipv4.ip_forward', '0')
    for (const dev of ['all', 'default', ...slave1.links.map((l) => l.name)])
      expect(n.sysctls[`net.ipv4.conf.${dev}.forwarding`], dev).toBe('0')
    expect(slave1.sysctls['net.ipv4.conf.eth0.forwarding']).toBe('1')
  })

  it('a per-device knob of an existing device is written alone', () => {
    const n = writeSysctl(slave1, 'net.ipv4.conf.flannel0.rp_filter', '2')
    expect(n.sysctls['net.ipv4.conf.flannel0.rp_filter']).toBe('2')
    expect(n.sysctls['net.ipv4.conf.all.rp_filter']).toBe(
      slave1.sysctls['net.ipv4.conf.all.rp_filter'],
    )
  })

  it('refuses a sysctl the namespace does not have, naming its devices', () => {
    const e = thrown(() => writeSysctl(slave1, 'net.ipv4.conf.eth9.rp_filter', '2'))
    expect(e.message).toBe('node-slave1 has no sysctl net.ipv4.conf.eth9.rp_filter')
    expect(e.hint).toContain('devices: lo, eth0, flannel0')
  })
})

describe('--add-route (ip route add)', () => {
  it('gives a device route scope link and proto boot, as `ip route add 10.96.0.0/12 dev eth0`', () => {
    expect(parseRouteArgs('10.96.0.0/12 dev eth0')).toEqual({
      family: 4,
      type: 'unicast',
      table: 254,
      dst: '10.96.0.0/12',
      dev: 'eth0',
      proto: 'boot',
      scope: 'link',
    })
    expect(parseRouteArgs('blackhole 10.0.0.0/8 metric 5')).toMatchObject({
      type: 'blackhole',
      metric: 5,
      scope: 'global',
    })
    expect(parseRouteArgs('local 10.9.9.9 dev lo table local')).toMatchObject({
      type: 'local',
      dst: '10.9.9.9/32',
      table: 255,
      scope: 'host',
    })
  })

  it('finds the device of a gateway route, as the kernel does (fib_check_nh)', () => {
    const n = addRoute(slave1, '10.96.0.0/12 via 10.39.0.1')
    expect(n.routes.at(-1)).toMatchObject({ dst: '10.96.0.0/12', via: '10.39.0.1', dev: 'eth0' })
    expect(n.routes).toHaveLength(slave1.routes.length + 1)
  })

  it.each([
    ['10.96.0.1/12 dev eth0', 'invalid prefix for given prefix length', 1],
    ['10.96.0.0/12 dev eth0 weight 3', 'unknown word "weight"', 23],
    ['10.96.0.0/12 via 10.39.0.x', 'expected a gateway address', 18],
  ])('refuses the arguments %s, located', (text, message, column) => {
    const e = thrown(() => parseRouteArgs(text))
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.message).toContain(message)
    expect(e.location).toMatchObject({ line: 1, column, text })
  })

  it.each([
    ['default via 10.39.0.1', 'File exists'],
    ['10.96.0.0/12 dev eth7', 'Cannot find device "eth7"'],
    ['10.96.0.0/12 via 172.16.0.1', 'Nexthop has invalid gateway'],
  ])('refuses %s as the kernel does', (text, message) => {
    const e = thrown(() => addRoute(slave1, text))
    expect(e.code).toBe('KPATH_INVALID_ARGUMENT')
    expect(e.message).toContain(message)
  })
})

describe('--add-rule (iptables)', () => {
  const nat = (n: NetnsState, chain: string) =>
    n.iptables.ipv4?.tables.find((t) => t.name === 'nat')?.chains.find((c) => c.name === chain)
      ?.rules ?? []

  it('-A appends, -I inserts at the head or a position, -D deletes the same rule', () => {
    const before = nat(slave1, 'POSTROUTING').length
    const a = applyRule(slave1, '-t nat -A POSTROUTING -s 10.39.0.17/32 -j MASQUERADE')
    expect(nat(a, 'POSTROUTING')).toHaveLength(before + 1)
    expect(nat(a, 'POSTROUTING').at(-1)?.target?.name).toBe('MASQUERADE')
    const i = applyRule(a, 'iptables -t nat -I POSTROUTING 1 -d 10.0.0.0/8 -j RETURN')
    expect(nat(i, 'POSTROUTING')[0]?.target?.name).toBe('RETURN')
    const d = applyRule(i, '-D POSTROUTING -s 10.39.0.17/32 -j MASQUERADE --table nat')
    expect(nat(d, 'POSTROUTING')).toHaveLength(before + 1)
    const masq = (n: NetnsState) =>
      nat(n, 'POSTROUTING').filter((r) => r.target?.name === 'MASQUERADE' && r.src !== undefined)
    expect(masq(a)).toHaveLength(1)
    expect(masq(d)).toHaveLength(0)
  })

  it('without -t works on the filter table', () => {
    const f = applyRule(slave1, '-I FORWARD -j DROP')
    const fwd = f.iptables.ipv4?.tables
      .find((t) => t.name === 'filter')
      ?.chains.find((c) => c.name === 'FORWARD')
    expect(fwd?.rules[0]?.target?.name).toBe('DROP')
  })

  it('refuses what iptables refuses, located in the option text', () => {
    const e = thrown(() =>
      applyEdits(inputs, [parseRuleEdit('node/slave1:-t nat -A POSTROUTING -j DROP')]).finish(
        state,
      ),
    )
    expect(e.message).toContain('--add-rule: node-slave1:')
    expect(e.location).toMatchObject({ file: '--add-rule', line: 1 })
    expect(e.location?.column).toBeGreaterThan('node/slave1:'.length)
    const t = thrown(() => applyRule(slave1, '-t natt -A POSTROUTING -j ACCEPT'))
    expect(t.message).toBe('no table natt')
  })
})

describe('object edits', () => {
  const list = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec: {ports: [{port: 80}], selector: {app: web}}
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: default}
  spec: {ports: [{port: 80}], selector: {app: web}}
`

  it('edits the addressed item of a List only, and keeps other files byte for byte', () => {
    const other = {
      file: 'other.yaml',
      text: '# untouched\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
    }
    const out = applyObjectEdits(
      [{ file: 'svc.yaml', text: list }, other],
      [parseSetEdit('svc/shop/web:spec.selector.app=shop-web')],
    )
    expect(out[1]).toBe(other)
    expect(out[0]?.file).toBe('svc.yaml (what-if)')
    const c = loadCluster(out)
    const sel = (ns: string) =>
      c.services.find((s) => s.metadata.namespace === ns && s.metadata.name === 'web')?.spec
        .selector
    expect(sel('shop')).toEqual({ app: 'shop-web' })
    expect(sel('default')).toEqual({ app: 'web' })
  })

  it('refuses an edit naming no object, listing those of its kind', () => {
    const e = thrown(() =>
      applyObjectEdits(inputs, [parseSetEdit('svc/default/nope:spec.type=NodePort')]),
    )
    expect(e.message).toBe('--set: no service default/nope in the input')
    expect(e.hint).toBe('objects of that kind: Service default/heapster')
    expect(e.location).toMatchObject({ file: '--set', column: 1 })
  })

  it('refuses a field path a list or scalar cannot hold', () => {
    const e = thrown(() =>
      applyObjectEdits(inputs, [parseSetEdit('svc/default/heapster:spec.ports[3].port=81')]),
    )
    expect(e.message).toContain('spec.ports[3] cannot hold a value')
  })
})

describe('merge patches (RFC 7386)', () => {
  // Appendix A of RFC 7386, every example.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patch, result) => {
    expect(mergePatch(target, patch)).toEqual(result)
  })

  it('reads a patch file addressed by kind, name and namespace, and applies it', () => {
    const text = `kind: Service
metadata: {name: heapster, namespace: default}
spec: {type: NodePort, externalTrafficPolicy: Local}
---
{"kind": "KubeProxyConfiguration", "clusterCIDR": "192.168.0.0/16"}
`
    const edits = parsePatchFile(text, 'fix.yaml')
    expect(edits.map((e) => e.kind === 'merge-patch' && e.patch)).toEqual([
      { spec: { type: 'NodePort', externalTrafficPolicy: 'Local' } },
      { clusterCIDR: '192.168.0.0/16' },
    ])
    const c = loadCluster(applyEdits(inputs, edits).inputs)
    expect(c.services.find((s) => s.metadata.name === 'heapster')?.spec).toMatchObject({
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
    })
    expect(c.kubeProxy.clusterCIDR).toBe('192.168.0.0/16')
  })

  it('refuses a patch without kind, located in the file', () => {
    const e = thrown(() => parsePatchFile('---\nmetadata: {name: x}\nspec: {}\n', 'p.yaml'))
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.location).toMatchObject({ file: 'p.yaml', line: 2, column: 1 })
    expect(e.message).toContain('needs `kind`')
  })
})

describe('edits on a trace (seed 003)', () => {
  const trace = (edits: ReturnType<typeof parseSetEdit>[]) =>
    traceBetween({ inputs, from: 'node/slave1', to: 'svc/default/heapster', edits }).trace
      .branches[0]

  it('rp_filter=2 on both nodes turns the drop into an answered connection', () => {
    expect(trace([])?.outcome).toMatchObject({ kind: 'dropped', reason: 'rp_filter' })
    const fixed = trace([
      parseSetEdit('node/slave1:sysctl.net.ipv4.conf.all.rp_filter=2'),
      parseSetEdit('node/slave2:sysctl.net.ipv4.conf.all.rp_filter=2'),
    ])
    expect(fixed?.outcome).toMatchObject({ kind: 'delivered', serverSaw: { src: '10.39.0.17' } })
    expect(fixed?.reply?.outcome.kind).toBe('delivered')
  })

  it('a route through flannel0 makes the socket pick 192.168.82.0 (curl --interface flannel0)', () => {
    const b = trace([parseRouteEdit('node/slave1:"10.254.51.153 dev flannel0"')])
    expect(b?.outcome).toMatchObject({ kind: 'delivered', serverSaw: { src: '192.168.82.0' } })
  })

  it('formats every edit back as the option that makes it', () => {
    const edits = [
      parseSetEdit('node/slave2:sysctl.net.ipv4.conf.all.rp_filter=2'),
      parseSetEdit('svc/default/web:spec.selector["app.kubernetes.io/name"]=web'),
      parseRouteEdit('node/a:10.96.0.0/12 dev eth0'),
      parseRuleEdit('node/a:-t nat -A POSTROUTING -j MASQUERADE'),
    ]
    expect(edits.map(formatEdit)).toEqual([
      '--set node/slave2:sysctl.net.ipv4.conf.all.rp_filter=2',
      `--set 'svc/default/web:spec.selector["app.kubernetes.io/name"]=web'`,
      `--add-route 'node/a:10.96.0.0/12 dev eth0'`,
      `--add-rule 'node/a:-t nat -A POSTROUTING -j MASQUERADE'`,
    ])
  })
})
