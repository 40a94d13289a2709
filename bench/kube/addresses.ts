/**
 * @module bench/kube/addresses
 * Deterministic addresses for the synthetic cluster: ClusterIPs from the default service range
 * 10.96.0.0/12 and pod IPs from the default pod range 10.244.0.0/16, split into one /24 per
 * node as the node IPAM controller does (`--node-cidr-mask-size=24`).
 */
import { KpathError } from '../../src/core/errors.js'
import { formatIPv4, parseIPv4 } from '../../src/core/net/ip.js'

export const SERVICE_CIDR = '10.96.0.0/12'
export const POD_CIDR = '10.244.0.0/16'

const SERVICE_BASE = parseIPv4('10.96.0.0') ?? 0
const POD_BASE = parseIPv4('10.244.0.0') ?? 0

/**
 * .0 is the range's network address and .1 is taken by `default/kubernetes` (the apiserver
 * always gets the first usable IP), so services start at 10.96.0.2. The last address of the
 * /12 is its broadcast address and is not used either.
 */
const FIRST_SERVICE_OFFSET = 2
export const MAX_SERVICES = 2 ** 20 - FIRST_SERVICE_OFFSET - 1

/** Node 0's /24 holds the client pod; endpoints live on nodes 1…255. */
const HOSTS_PER_NODE = 253 // .2 … .254: .0 is the network, .1 the node's bridge, .255 broadcast
const ENDPOINT_NODES = 255
export const MAX_ENDPOINTS = HOSTS_PER_NODE * ENDPOINT_NODES

/** The ClusterIP of service `index` (0-based). */
export function clusterIp(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_SERVICES) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `service index ${index} is outside ${SERVICE_CIDR}`,
      {
        hint: `use at most ${MAX_SERVICES} services`,
      },
    )
  }
  return formatIPv4(SERVICE_BASE + FIRST_SERVICE_OFFSET + index)
}

/** The pod IP of endpoint `index` (0-based, counted over all services). */
export function endpointIp(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_ENDPOINTS) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `endpoint index ${index} is outside ${POD_CIDR}`,
      {
        hint: `use at most ${MAX_ENDPOINTS} endpoints in all (services × endpoints per service)`,
      },
    )
  }
  const node = 1 + Math.floor(index / HOSTS_PER_NODE)
  const host = 2 + (index % HOSTS_PER_NODE)
  return formatIPv4(POD_BASE + node * 256 + host)
}

/** A client pod on node 0, which is never an endpoint: the source of the trace benchmark. */
export const CLIENT_POD_IP = formatIPv4(POD_BASE + 2)
