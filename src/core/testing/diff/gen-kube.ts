/**
 * @module core/testing/diff/gen-kube
 * kube-proxy-shaped rulesets for the differential tests: a random small cluster (one to three
 * Services, ClusterIP or NodePort, TCP or UDP, zero to three endpoints behind the router's
 * server interfaces) rendered by the real renderer (core/kube/proxy, iptables mode), as the node
 * view on the router: node IP 10.1.0.1, cluster CIDR 10.2.0.0/16, no nfacct, no
 * `--random-fully` (its port choice cannot be predicted packet by packet).
 */

import { proxyNodeContext } from '../../kube/proxy/context.js'
import { renderKubeProxy } from '../../kube/proxy/index.js'
import { cluster, endpoint, node, proxyConfig, service, slice } from '../../kube/proxy/testkit.js'
import { printIptablesSave } from '../../netfilter/iptables-save/index.js'
import type { Rng } from '../../route/testing/rng.js'
import { SUBNET_HOSTS } from './topology.js'

/** A Service's address and port, for aiming packets at it. */
export interface KubeTarget {
  readonly ip: string
  readonly port: number
  readonly proto: 'TCP' | 'UDP'
}

export interface KubeRuleset {
  readonly payload: string
  readonly targets: readonly KubeTarget[]
}

const CLUSTER_IPS = ['10.96.0.10', '10.96.0.20', '10.96.0.30'] as const

/** A random small cluster rendered for the router. */
export function kubeRuleset(rng: Rng): KubeRuleset {
  const services = []
  const slices = []
  const targets: KubeTarget[] = []
  const count = 1 + rng.int(3)
  for (let i = 0; i < count; i++) {
    const name = `svc${i}`
    const protocol = rng.chance(0.75) ? 'TCP' : 'UDP'
    const port = rng.pick([80, 53, 443])
    const nodePort = 30080 + i
    const type = rng.chance(0.4) ? 'NodePort' : 'ClusterIP'
    const clusterIP = CLUSTER_IPS[i] as string
    services.push(
      service('default', name, {
        type,
        clusterIP,
        clusterIPs: [clusterIP],
        ipFamilies: ['IPv4'],
        ports: [
          {
            name: 'p',
            protocol,
            port,
            targetPort: 8080,
            ...(type === 'NodePort' ? { nodePort } : {}),
          },
        ],
        ...(type === 'NodePort' ? { externalTrafficPolicy: 'Cluster' as const } : {}),
      }),
    )
    const hosts = [...SUBNET_HOSTS.r1, ...SUBNET_HOSTS.r2]
    const eps = [...new Set(Array.from({ length: rng.int(4) }, () => rng.pick(hosts)))]
    slices.push(
      slice(
        'default',
        name,
        eps.map((ip) =>
          endpoint(
            ip,
            rng.chance(0.1)
              ? { conditions: { ready: false, serving: false, terminating: false } }
              : {},
          ),
        ),
        { port: 8080, portName: 'p', protocol },
      ),
    )
    targets.push({ ip: clusterIP, port, proto: protocol })
    if (type === 'NodePort') targets.push({ ip: '10.1.0.1', port: nodePort, proto: protocol })
  }
  const c = cluster(
    services,
    slices,
    proxyConfig({ clusterCIDR: '10.2.0.0/16', hostnameOverride: 'router' }),
    [node('router', ['10.1.0.1'])],
  )
  const ctx = proxyNodeContext(c, {
    families: ['IPv4'],
    hasRandomFully: false,
    nfacctCounters: [],
    interfaces: {
      lo: ['127.0.0.1/8', '10.9.9.9/32'],
      r0: ['10.1.0.1/24'],
      r1: ['10.2.0.1/24'],
      r2: ['10.3.0.1/24'],
    },
  })
  const rs = renderKubeProxy(c, ctx).iptables?.ipv4?.ruleset
  if (!rs) throw new Error('kube-proxy rendered no IPv4 ruleset')
  const text = printIptablesSave(rs, { backend: 'legacy' })
  return {
    payload: text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n'),
    targets,
  }
}
