/**
 * @module core/kube/controllers/cluster-ips
 * The API server's ClusterIP allocator over the service CIDR (`networking.serviceSubnet`,
 * default 10.96.0.0/12 as kubeadm's): new Services (see service-alloc.ts) get one address per
 * IP family, and every Service gets clusterIPs, ipFamilies and ipFamilyPolicy defaulted from
 * what it has, as the API server stores them.
 *
 * - Families: ipFamilies if given; else SingleStack takes the cluster's primary (first) family,
 *   PreferDualStack and RequireDualStack take every configured family. RequireDualStack on a
 *   single-stack cluster, or a family the cluster has no range for, is an error (the API server
 *   rejects the Service).
 * - The network address (and the IPv4 broadcast address) is never handed out. The API server
 *   picks at random; kpath takes the lowest free address, so the `kubernetes` Service, which is
 *   allocated first, gets the range's first address (.1), as kube-apiserver gives it.
 * - A given clusterIP is reserved, even outside the range (kube-proxy tests use such inputs);
 *   the same address given to two Services is an error, as the API server's "provided IP is
 *   already allocated".
 */
import { KpathError } from '../../errors.js'
import type { IPFamily, Service, ServiceSpec } from '../model.js'
import { addressAt, familyOf, parseRanges, type Range, rangeSize } from './ranges.js'
import { isNewService } from './service-alloc.js'
import { type ClusterDraft, originOf } from './types.js'

const FAMILY: Record<4 | 6, IPFamily> = { 4: 'IPv4', 6: 'IPv6' }

interface Allocator {
  readonly ranges: readonly Range[]
  readonly used: Map<string, string>
  /** Per range, the lowest offset that may still be free (allocation only moves upwards). */
  readonly cursor: Map<Range, bigint>
}

export function allocateClusterIPs(draft: ClusterDraft): ClusterDraft {
  const alloc: Allocator = {
    ranges: parseRanges(draft.networking.serviceSubnet),
    used: new Map(),
    cursor: new Map(),
  }
  for (const s of draft.services) reserveGiven(draft, alloc, s)
  const services = draft.services.map((s) => {
    if (s.spec.type === 'ExternalName') return s
    return isNewService(s) ? allocate(draft, alloc, s) : withFamilies(alloc, s)
  })
  return { ...draft, services }
}

function reserveGiven(draft: ClusterDraft, alloc: Allocator, s: Service): void {
  const ips = new Set([...(s.spec.clusterIPs ?? []), s.spec.clusterIP ?? ''])
  const me = `${s.metadata.namespace}/${s.metadata.name}`
  for (const ip of ips) {
    if (ip === '' || ip === 'None') continue
    const other = alloc.used.get(ip)
    if (other !== undefined && other !== me)
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `clusterIP ${ip} is already used by Service ${other}`,
        {
          ...located(
            draft,
            s,
            s.spec.clusterIP === ip ? ['spec', 'clusterIP'] : ['spec', 'clusterIPs'],
          ),
          hint: 'each Service needs its own clusterIP; remove the field to have one allocated',
        },
      )
    alloc.used.set(ip, me)
  }
}

/** Families a new Service gets (ipFamilies, or its ipFamilyPolicy over the cluster's ranges). */
function familiesFor(draft: ClusterDraft, alloc: Allocator, s: Service): readonly IPFamily[] {
  const configured = alloc.ranges.map((r) => FAMILY[r.family])
  const policy = s.spec.ipFamilyPolicy ?? 'SingleStack'
  if (policy === 'RequireDualStack' && new Set(configured).size < 2)
    throw serviceError(
      draft,
      s,
      'ipFamilyPolicy RequireDualStack on a single-stack cluster',
      'give the cluster a dual-stack service subnet, or use PreferDualStack',
      ['spec', 'ipFamilyPolicy'],
    )
  const wanted =
    s.spec.ipFamilies ?? (policy === 'SingleStack' ? configured.slice(0, 1) : configured)
  for (const f of wanted)
    if (!configured.includes(f))
      throw serviceError(
        draft,
        s,
        `${f} is not configured on this cluster`,
        `the service subnet is ${draft.networking.serviceSubnet}; add an ${f} range or drop ${f}`,
        ['spec', 'ipFamilies'],
      )
  return policy === 'SingleStack' ? wanted.slice(0, 1) : wanted
}

function allocate(draft: ClusterDraft, alloc: Allocator, s: Service): Service {
  const families = familiesFor(draft, alloc, s)
  const headless = s.spec.clusterIP === 'None'
  const clusterIPs = headless ? ['None'] : families.map((f) => next(draft, alloc, s, f))
  return withSpec(s, { clusterIP: clusterIPs[0], clusterIPs, ipFamilies: families })
}

function next(draft: ClusterDraft, alloc: Allocator, s: Service, family: IPFamily): string {
  const range = alloc.ranges.find((r) => FAMILY[r.family] === family)
  if (range !== undefined) {
    const end = range.family === 4 ? rangeSize(range) - 1n : rangeSize(range)
    for (let i = alloc.cursor.get(range) ?? 1n; i < end; i++) {
      const ip = addressAt(range, i)
      if (alloc.used.has(ip)) continue
      alloc.used.set(ip, `${s.metadata.namespace}/${s.metadata.name}`)
      alloc.cursor.set(range, i + 1n)
      return ip
    }
  }
  throw serviceError(
    draft,
    s,
    `the service CIDR ${draft.networking.serviceSubnet} is full`,
    'widen serviceSubnet or remove Services',
  )
}

/** A stored Service: clusterIPs and ipFamilies follow from its clusterIP. */
function withFamilies(alloc: Allocator, s: Service): Service {
  const clusterIPs = s.spec.clusterIPs ?? (s.spec.clusterIP === undefined ? [] : [s.spec.clusterIP])
  const derived = clusterIPs.flatMap((ip) => {
    const f = familyOf(ip)
    return f === undefined ? [] : [FAMILY[f]]
  })
  const primary = alloc.ranges[0]
  const headlessFamilies = primary === undefined ? [] : [FAMILY[primary.family]]
  const ipFamilies = s.spec.ipFamilies ?? (derived.length > 0 ? derived : headlessFamilies)
  return withSpec(s, { clusterIP: s.spec.clusterIP ?? clusterIPs[0], clusterIPs, ipFamilies })
}

function withSpec(s: Service, fill: Partial<ServiceSpec>): Service {
  const spec: ServiceSpec = {
    ...s.spec,
    ...(fill.clusterIP === undefined ? {} : { clusterIP: fill.clusterIP }),
    clusterIPs: s.spec.clusterIPs ?? fill.clusterIPs ?? [],
    ipFamilies: s.spec.ipFamilies ?? fill.ipFamilies ?? [],
    ipFamilyPolicy:
      s.spec.ipFamilyPolicy ??
      ((fill.clusterIPs ?? []).length > 1 ? 'PreferDualStack' : 'SingleStack'),
  }
  return { ...s, spec }
}

function serviceError(
  draft: ClusterDraft,
  s: Service,
  what: string,
  hint: string,
  path: readonly string[] = [],
): KpathError {
  return new KpathError(
    'KPATH_INVALID_ARGUMENT',
    `Service ${s.metadata.namespace}/${s.metadata.name}: ${what}`,
    { ...located(draft, s, path), hint },
  )
}

function located(draft: ClusterDraft, s: Service, path: readonly string[]) {
  const location = originOf(draft, 'Service', s.metadata, path)
  return location === undefined ? {} : { location }
}
