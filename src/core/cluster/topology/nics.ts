/**
 * @module core/cluster/topology/nics
 * Places NICs on segments: checks that each address lies inside its segment and is used once,
 * and fixes the prefix length and MTU from the segment. Errors name the Topology field.
 */
import type { ExtensionObject } from '../../kube/model.js'
import { parseIPv4 } from '../../net/ip.js'
import { contains4, formatPrefix4 } from '../ipv4.js'
import { topologyError } from './read.js'
import type { Segment, SegmentNic } from './types.js'

/** Where the request was written under `spec`; undefined for kpath's defaults. */
export type Path = readonly (string | number)[] | undefined

export interface NicRequest {
  readonly segment: string
  /** `a.b.c.d` or `a.b.c.d/len` (the length must then be the segment's). */
  readonly address: string
  readonly name: string
  readonly port: string
  readonly mac: string
  readonly mtu?: number
  /** Who asks, for messages: `node worker`, `router gw`. */
  readonly owner: string
}

export class NicPlacer {
  private readonly used = new Map<string, Map<number, string>>()
  private readonly ports = new Map<string, Set<string>>()

  constructor(
    private readonly segments: ReadonlyMap<string, Segment>,
    private readonly source: ExtensionObject | undefined,
  ) {}

  place(req: NicRequest, path: Path): SegmentNic {
    const seg = this.segments.get(req.segment)
    if (seg === undefined)
      throw this.error(
        sub(path, 'segment'),
        `${req.owner}: no segment named "${req.segment}"`,
        `segments: ${[...this.segments.keys()].join(', ') || 'none'}`,
      )
    const [ip = '', lenText] = req.address.split('/')
    const addr = parseIPv4(ip)
    if (
      addr === undefined ||
      !contains4(seg.prefix, addr) ||
      (lenText !== undefined && Number(lenText) !== seg.prefix.len)
    )
      throw this.error(
        sub(path, 'address'),
        `${req.owner}: ${req.address} is not an address of segment ${seg.name} (${formatPrefix4(seg.prefix)})`,
        'give an address inside the segment, with its prefix length or none',
      )
    this.claim(seg, addr, req, path)
    return {
      segment: seg.name,
      name: req.name,
      port: req.port,
      address: ip,
      prefixLen: seg.prefix.len,
      mac: req.mac,
      mtu: req.mtu ?? seg.mtu,
    }
  }

  private claim(seg: Segment, addr: number, req: NicRequest, path: Path): void {
    const used = this.used.get(seg.name) ?? new Map<number, string>()
    const first = used.get(addr)
    if (first !== undefined)
      throw this.error(
        sub(path, 'address'),
        `${req.owner}: address ${req.address} is already used by ${first} on segment ${seg.name}`,
        'every NIC on a segment needs its own address',
      )
    used.set(addr, req.owner)
    this.used.set(seg.name, used)
    const ports = this.ports.get(seg.name) ?? new Set<string>()
    if (ports.has(req.port))
      throw this.error(
        path,
        `${req.owner}: a second interface on segment ${seg.name}`,
        'give a router or host one interface per segment',
      )
    ports.add(req.port)
    this.ports.set(seg.name, ports)
  }

  error(path: Path, message: string, hint: string) {
    return topologyError(this.source, path, message, hint)
  }
}

function sub(path: Path, field: string): Path {
  return path === undefined ? undefined : [...path, field]
}
