/**
 * The kube-proxy conformance folders (../shared/conformance/kube-proxy) as render inputs: the
 * loaded cluster.yaml and a {@link ProxyNodeContext} holding node.json's fake-proxier settings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadCluster } from '../../src/core/kube/load/index.js'
import type { Cluster, IPFamily } from '../../src/core/kube/model.js'
import { type ProxyNodeContext, proxyNodeContext } from '../../src/core/kube/proxy/index.js'
import { KUBE_PROXY_CONFORMANCE } from '../support/shared.js'

export interface FakeProxier {
  readonly ipFamily: IPFamily
  readonly nodeIP: string
  readonly masqueradeMark: string
  readonly hasRandomFully: boolean
  readonly nfacctCounters?: readonly string[]
  readonly sysctlNfConntrackTcpBeLiberal?: number
  readonly serviceCIDRs?: readonly string[]
}

export interface NodeJson {
  readonly nodeName: string
  readonly interfaces: Readonly<Record<string, readonly string[]>>
  readonly localAddresses: readonly string[]
  readonly fakeProxier: FakeProxier
  readonly nftablesRun?: {
    readonly nodePortAddresses: readonly string[]
    readonly serviceCIDRs: readonly string[]
    readonly localAddresses: readonly string[]
  }
}

export interface RenderCase {
  readonly slug: string
  readonly dir: string
  readonly cluster: Cluster
  readonly node: NodeJson
  readonly ctx: ProxyNodeContext
  /** iptables-save.txt or nft-list.txt */
  readonly expected: string
  readonly kind: 'iptables' | 'nftables'
}

export function readText(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8')
}

export function loadClusterFile(dir: string): Cluster {
  return loadCluster([{ text: readText(dir, 'cluster.yaml'), file: join(dir, 'cluster.yaml') }])
}

/** The context kube-proxy's fake proxier runs with (one family, no canaries). */
export function fakeContext(
  cluster: Cluster,
  node: NodeJson,
  extra: Partial<ProxyNodeContext> = {},
) {
  const f = node.fakeProxier
  const base = proxyNodeContext(cluster, { nodeName: node.nodeName })
  return proxyNodeContext(cluster, {
    nodeName: node.nodeName,
    families: [f.ipFamily],
    nodeIPs: { ...base.nodeIPs, [f.ipFamily]: f.nodeIP },
    interfaces: node.interfaces,
    hasRandomFully: f.hasRandomFully,
    nfacctCounters: f.nfacctCounters ?? [],
    masqueradeMark: f.masqueradeMark,
    tcpBeLiberal: (f.sysctlNfConntrackTcpBeLiberal ?? 0) !== 0,
    serviceCIDRs: f.serviceCIDRs ?? [],
    canaryChains: false,
    ...extra,
  })
}

export function renderCases(): RenderCase[] {
  const root = join(KUBE_PROXY_CONFORMANCE, 'cases')
  return readdirSync(root)
    .filter((slug) => existsSync(join(root, slug, 'cluster.yaml')))
    .sort()
    .map((slug) => {
      const dir = join(root, slug)
      const nft = existsSync(join(dir, 'nft-list.txt'))
      const cluster = loadClusterFile(dir)
      const node = JSON.parse(readText(dir, 'node.json')) as NodeJson
      return {
        slug,
        dir,
        cluster,
        node,
        ctx: fakeContext(cluster, node),
        expected: readText(dir, nft ? 'nft-list.txt' : 'iptables-save.txt'),
        kind: nft ? 'nftables' : 'iptables',
      }
    })
}
