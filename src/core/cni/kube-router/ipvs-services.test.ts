/**
 * kube-router's IPVS services. Seed 001 lists, on node2, `ipvsadm`:
 * `TCP  node2:http rr` / `-> 10.233.68.8:http  Masq  1  0  0` (the demo Deployment's pod on
 * node3 behind Service demo, 10.233.5.92:80); the other cases follow
 * pkg/controllers/proxy/service_endpoints_sync.go (v1.6.0) as the module header says.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { IpvsService } from '../../ipvs/model.js'
import type { EndpointSlice, Service } from '../../kube/model.js'
import { endpoint, service, slice } from '../../kube/proxy/testkit.js'
import { kubeRouterPlugin } from './index.js'
import { kubeRouterIpvs } from './ipvs-services.js'
import { contextFor, inetLines, load, nodeState } from './testkit.js'

const SEED = readFileSync(new URL('./testdata/seed-001.yaml', import.meta.url), 'utf8')

/** `PROTO VIP:PORT sched -> dest:port Method weight`, ipvsadm -Ln's content per service. */
function listing(services: readonly IpvsService[]): string[] {
  return services.map((s) => {
    const head =
      s.key.kind === 'addr'
        ? `${s.key.protocol.toUpperCase()} ${s.key.address}:${s.key.port}`
        : `FWM ${s.key.mark}`
    const method = { masq: 'Masq', route: 'Route', tunnel: 'Tunnel' } as const
    const dests = s.destinations.map(
      (d) => `${d.address}:${d.port} ${method[d.forward]} ${d.weight}`,
    )
    const persist = s.persistence === undefined ? '' : ` persistent ${s.persistence.timeout}`
    return [`${head} ${s.scheduler}${persist}`, ...dests].join(' -> ')
  })
}

describe('seed 001: the IPVS services kube-router programs', () => {
  const { ctx } = contextFor(load(SEED), {
    iface: 'enp1s0',
    prefixLen: 24,
    gateway: '192.168.50.1',
  })
  const node2 = ctx.underlay.get('node2')
  if (node2 === undefined) throw new Error('no node2')
  const fragment = kubeRouterPlugin.node(ctx, node2)

  it('demo 10.233.5.92:80 rr -> 10.233.68.8:80 Masq 1, as the seed lists it', () => {
    expect(listing(fragment.ipvs ?? [])).toContain('TCP 10.233.5.92:80 rr -> 10.233.68.8:80 Masq 1')
  })

  it('every ClusterIP port has a service, ClusterIPs first, all on kube-dummy-if', () => {
    const vips = (fragment.ipvs ?? []).map((s) =>
      s.key.kind === 'addr' ? `${s.key.protocol} ${s.key.address}:${s.key.port}` : '',
    )
    expect(vips).toEqual([
      'tcp 10.233.0.1:443',
      'udp 10.233.0.3:53',
      'tcp 10.233.0.3:53',
      'tcp 10.233.0.3:9153',
      'tcp 10.233.5.92:80',
    ])
    const state = nodeState(ctx, kubeRouterPlugin, 'node2')
    expect(inetLines(state, 'kube-dummy-if')).toEqual([
      'inet 10.233.0.1/32 scope link kube-dummy-if',
      'inet 10.233.0.3/32 scope link kube-dummy-if',
      'inet 10.233.5.92/32 scope link kube-dummy-if',
    ])
  })
})

describe('kube-router IPVS passes', () => {
  const np = (extra: Partial<Service['spec']> = {}, annotations: Record<string, string> = {}) => {
    const s = service('default', 'web', {
      type: 'NodePort',
      clusterIP: '10.233.9.9',
      ports: [{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
      ...extra,
    })
    return { ...s, metadata: { ...s.metadata, annotations } }
  }
  const eps: EndpointSlice[] = [
    slice(
      'default',
      'web',
      [
        endpoint('10.233.66.5', { nodeName: 'node2' }),
        endpoint('10.233.68.5', { nodeName: 'node3' }),
        endpoint('10.233.68.6', {
          nodeName: 'node3',
          conditions: { ready: false, serving: false, terminating: false },
        }),
      ],
      { port: 8080 },
    ),
  ]

  it('ClusterIP, then NodePort on the node IP, then sorted external IPs; ready endpoints only', () => {
    const r = kubeRouterIpvs(
      [np({ externalIPs: ['203.0.113.9', '198.51.100.1'] })],
      eps,
      'node2',
      '192.168.50.51',
    )
    expect(listing(r.services)).toEqual([
      'TCP 10.233.9.9:80 rr -> 10.233.66.5:8080 Masq 1 -> 10.233.68.5:8080 Masq 1',
      'TCP 192.168.50.51:30080 rr -> 10.233.66.5:8080 Masq 1 -> 10.233.68.5:8080 Masq 1',
      'TCP 198.51.100.1:80 rr -> 10.233.66.5:8080 Masq 1 -> 10.233.68.5:8080 Masq 1',
      'TCP 203.0.113.9:80 rr -> 10.233.66.5:8080 Masq 1 -> 10.233.68.5:8080 Masq 1',
    ])
    expect(r.externalIPs).toEqual(['198.51.100.1', '203.0.113.9'])
  })

  it('local services use local endpoints, and skip NodePort/external without one', () => {
    const local = np({ externalTrafficPolicy: 'Local', externalIPs: ['203.0.113.9'] })
    expect(listing(kubeRouterIpvs([local], eps, 'node2', '192.168.50.51').services)).toEqual([
      'TCP 10.233.9.9:80 rr -> 10.233.66.5:8080 Masq 1',
      'TCP 192.168.50.51:30080 rr -> 10.233.66.5:8080 Masq 1',
      'TCP 203.0.113.9:80 rr -> 10.233.66.5:8080 Masq 1',
    ])
    expect(listing(kubeRouterIpvs([local], eps, 'node1', '192.168.50.50').services)).toEqual([
      'TCP 10.233.9.9:80 rr -> 10.233.66.5:8080 Masq 1 -> 10.233.68.5:8080 Masq 1',
    ])
  })

  it('annotations: scheduler, mh flags, affinity; DSR makes a firewall-mark tunnel service', () => {
    const svc = np(
      {
        externalIPs: ['203.0.113.9'],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } },
      },
      {
        'kube-router.io/service.scheduler': 'mh',
        'kube-router.io/service.schedflags': 'flag-1,flag-2',
        'kube-router.io/service.dsr': 'tunnel',
      },
    )
    const r = kubeRouterIpvs([svc], eps, 'node2', '192.168.50.51')
    const fwm = r.services.find((s) => s.key.kind === 'fwmark')
    // FNV-1a("203.0.113.9-tcp-80") & 0x3fff, computed independently below.
    expect(fwm?.key).toEqual({
      kind: 'fwmark',
      family: 4,
      mark: fnv('203.0.113.9-tcp-80') & 0x3fff,
    })
    expect(fwm?.destinations.every((d) => d.forward === 'tunnel')).toBe(true)
    expect(r.services[0]?.schedFlags).toEqual(['mh-fallback', 'mh-port'])
    expect(r.services[0]?.persistence).toEqual({ timeout: 300 })
    expect(r.dsr).toEqual(['203.0.113.9'])
    expect(r.externalIPs).toEqual([])
  })
})

/** FNV-1a 32 written out bit by bit (a different route than the module's Math.imul). */
function fnv(text: string): number {
  let h = 2166136261n
  for (const c of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(c)) * 16777619n) % 2n ** 32n
  return Number(h)
}
