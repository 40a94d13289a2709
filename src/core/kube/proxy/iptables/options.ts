/**
 * @module core/kube/proxy/iptables/options
 * Everything one iptables proxier (one IP family) decides once per sync, resolved from the
 * KubeProxyConfiguration and the node context (pkg/proxy/iptables/proxier.go `NewProxier`).
 */
import type { IPFamily } from '../../model.js'
import type { LocalDetector } from '../local-detector.js'
import type { NodePortAddresses } from '../node-ports.js'

export interface IptablesOptions {
  readonly family: IPFamily
  readonly masqueradeAll: boolean
  /** The mark text written into rules (`0x00004000` in production). */
  readonly mark: string
  readonly hasRandomFully: boolean
  /** After kube-proxy's corrections: IPv4 only, and only if nodePortAddresses cover 127.0.0.1. */
  readonly localhostNodePorts: boolean
  readonly nfacct: ReadonlySet<string>
  readonly tcpBeLiberal: boolean
  readonly detector: LocalDetector
  /** The node IP of the family (a source range containing it also admits the LB IPs). */
  readonly nodeIP: string
  readonly nodePorts: NodePortAddresses
  /** Node addresses inside nodePortAddresses (used unless they match all). */
  readonly nodePortIPs: readonly string[]
  /** More than 1000 endpoints: per-endpoint comments are left out. */
  readonly largeClusterMode: boolean
}
