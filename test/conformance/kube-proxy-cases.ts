/**
 * Loading kube-proxy's conformance cases (../shared/conformance/kube-proxy/cases).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { KUBE_PROXY_CONFORMANCE } from '../support/shared.js'

export interface Flow {
  readonly name: string
  readonly sourceIP: string
  readonly destIP: string
  readonly destPort: number
  readonly protocol: 'tcp' | 'udp' | 'sctp'
  readonly expect: {
    readonly endpoints: readonly string[]
    readonly masquerade: boolean
    readonly verdict: 'ACCEPT' | 'DROP' | 'REJECT'
    readonly tracerOutput: string
  }
}

export interface NodeInfo {
  readonly nodeName: string
  readonly interfaces: Readonly<Record<string, readonly string[]>>
  readonly localAddresses: readonly string[]
  readonly fakeProxier: { readonly ipFamily: 'IPv4' | 'IPv6'; readonly masqueradeMark?: string }
}

export interface IptablesCase {
  readonly slug: string
  readonly dir: string
  readonly dump: string
  readonly flows: readonly Flow[]
  readonly node: NodeInfo
}

export function iptablesCases(): IptablesCase[] {
  const root = join(KUBE_PROXY_CONFORMANCE, 'cases')
  return readdirSync(root)
    .filter((slug) => existsSync(join(root, slug, 'iptables-save.txt')))
    .sort()
    .map((slug) => {
      const dir = join(root, slug)
      const read = (f: string) => readFileSync(join(dir, f), 'utf8')
      return {
        slug,
        dir,
        dump: read('iptables-save.txt'),
        flows: JSON.parse(read('flows.json')) as Flow[],
        node: JSON.parse(read('node.json')) as NodeInfo,
      }
    })
}
