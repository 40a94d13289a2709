/**
 * @module core/kube/load/fields
 * zod schemas for the field types Kubernetes validates: IP addresses, CIDRs, port numbers and
 * names, protocols, label maps. Each failure carries a hint in its `params`, which the loader
 * prints under the located message.
 */
import * as z from 'zod'
import { parseAddr, parseCidr } from '../../net/ip.js'

/** Hints by message: zod keeps custom `params` only on some issue kinds, messages always. */
const HINTS = new Map<string, string>()

/** A zod error option whose message the loader prints with `hint` below it. */
export function hinted(message: string, hint: string): { message: string } {
  HINTS.set(message, hint)
  return { message }
}

export function hintFor(message: string): string | undefined {
  return HINTS.get(message)
}

export function isIP(s: string): boolean {
  return parseAddr(s) !== undefined
}

/** `addr/len` with a numeric prefix length, as Kubernetes' ParseCIDR requires. */
export function isCidr(s: string): boolean {
  return /^[^/]+\/\d{1,3}$/.test(s) && parseCidr(s) !== undefined
}

export const ip = z
  .string()
  .refine(
    isIP,
    hinted(
      'is not a valid IP address',
      'write an IPv4 dotted quad (no leading zeros) or an IPv6 address, e.g. 10.96.0.10 or fd00::10',
    ),
  )

export const cidr = z
  .string()
  .refine(
    isCidr,
    hinted('is not a valid CIDR', 'write address/prefix-length, e.g. 10.244.0.0/16 or fd00::/64'),
  )

/** kube-proxy trims spaces around loadBalancerSourceRanges entries (so does API validation). */
export const trimmedCidr = z
  .string()
  .refine(
    (s) => isCidr(s.trim()),
    hinted('is not a valid CIDR', 'write address/prefix-length, e.g. 203.0.113.0/25'),
  )

/** A comma-separated list of one CIDR per family (`10.244.0.0/16,fd00:10:244::/56`). */
export const cidrList = z
  .string()
  .refine(
    (s) => s.split(',').every((c) => isCidr(c.trim())),
    hinted(
      'is not a CIDR or a comma-separated list of CIDRs',
      'e.g. 10.244.0.0/16, or 10.244.0.0/16,fd00:10:244::/56 for dual-stack',
    ),
  )

const PORT_HINT = 'a port number is an integer from 1 to 65535'

export const port = z
  .number(hinted('must be a port number', PORT_HINT))
  .refine(
    (n) => Number.isInteger(n) && n >= 1 && n <= 65535,
    hinted('is out of range 1-65535', PORT_HINT),
  )

/** IANA_SVC_NAME: at most 15 lower-case letters, digits and inner hyphens, with a letter. */
export function isPortName(s: string): boolean {
  return s.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s) && /[a-z]/.test(s)
}

export const portName = z
  .string()
  .refine(
    isPortName,
    hinted(
      'is not a valid port name',
      'a port name has at most 15 lower-case letters, digits and inner hyphens, and a letter',
    ),
  )

/** A DNS-1123 label (a Service port name): at most 63 lower-case alphanumerics and hyphens. */
export const dnsLabel = z
  .string()
  .refine(
    (s) => s.length <= 63 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s),
    hinted(
      'is not a valid DNS-1123 label',
      'at most 63 lower-case letters, digits and inner hyphens, e.g. http or dns-tcp',
    ),
  )

/** A targetPort: a number (0 means "same as port", as the API server defaults it) or a name. */
export const targetPort = z.union(
  [
    z
      .number()
      .refine(
        (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
        hinted('is out of range 0-65535', 'a targetPort is 1 to 65535, or 0 for "same as port"'),
      ),
    portName,
  ],
  hinted('must be a port number or a port name', 'e.g. 8080 or http'),
)

export const protocol = z.enum(
  ['TCP', 'UDP', 'SCTP'],
  hinted('is not a known protocol', 'use TCP, UDP or SCTP (upper case)'),
)

export const stringMap = z.record(z.string(), z.string(hinted('must be a string', 'quote it')))

export const count = z
  .number()
  .refine((n) => Number.isInteger(n) && n >= 0, hinted('must be a non-negative integer', 'e.g. 3'))

export const metadata = z.looseObject({
  name: z
    .string(hinted('is required', 'every object needs metadata.name'))
    .min(1, hinted('is required', 'every object needs metadata.name')),
  namespace: z.string().min(1).optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  uid: z.string().optional(),
  generateName: z.string().optional(),
  ownerReferences: z
    .array(z.looseObject({ kind: z.string(), name: z.string(), uid: z.string().optional() }))
    .optional(),
  deletionTimestamp: z.string().optional(),
})

/** Object metadata for a namespaced kind: the namespace defaults to `default`. */
export const namespacedMetadata = metadata.transform((m) => ({
  ...m,
  namespace: m.namespace ?? 'default',
}))
