/**
 * ip_vs_service_find through the hash maps (service-index.ts): the firewall mark first, then
 * protocol/address/port, then the address's port-0 service; the first service of a key wins;
 * clones share the index and find the same services.
 */
import { describe, expect, it } from 'vitest'
import type { Packet } from '../model/packet.js'
import type { IpvsService } from './model.js'
import { IpvsTable, ipvsConfig } from './table.js'

const addr = (address: string, port: number, protocol: 'tcp' | 'udp' = 'tcp'): IpvsService => ({
  key: { kind: 'addr', protocol, family: 4, address, port },
  scheduler: 'rr',
  destinations: [],
})
const fwm = (mark: number): IpvsService => ({
  key: { kind: 'fwmark', family: 4, mark },
  scheduler: 'rr',
  destinations: [],
})

const pkt = (dst: string, dport: number, more: Partial<Packet> = {}): Packet => ({
  family: 4,
  src: '192.168.0.50',
  dst,
  proto: 6,
  sport: 40000,
  dport,
  ttl: 64,
  length: 60,
  mark: 0,
  ...more,
})

const services = [
  addr('10.96.0.1', 443),
  addr('10.96.0.1', 443), // a duplicate key: the first one is found
  addr('10.96.0.1', 53, 'udp'),
  addr('10.96.0.2', 0),
  fwm(0x10),
]
const table = IpvsTable.from({ services, connections: [] }, ipvsConfig())

describe('IpvsTable.findService', () => {
  it('protocol, address and port; the first of equal keys', () => {
    expect(table.findService(pkt('10.96.0.1', 443))).toBe(0)
    expect(table.findService(pkt('10.96.0.1', 53, { proto: 17 }))).toBe(2)
    expect(table.findService(pkt('10.96.0.1', 53))).toBeUndefined()
    expect(table.findService(pkt('10.96.0.1', 80))).toBeUndefined()
  })

  it('falls back to the address’s port-0 service', () => {
    expect(table.findService(pkt('10.96.0.2', 8080))).toBe(3)
  })

  it('a packet carrying a service’s firewall mark finds that service first', () => {
    expect(table.findService(pkt('10.96.0.1', 443, { mark: 0x10 }))).toBe(4)
    expect(table.findService(pkt('10.96.0.1', 443, { mark: 0x11 }))).toBe(0)
    expect(table.findService(pkt('10.96.0.1', 443, { family: 6, mark: 0x10 }))).toBe(0)
  })

  it('a clone finds the same services', () => {
    const c = table.clone()
    expect(c.findService(pkt('10.96.0.2', 1))).toBe(3)
    expect(c.findService(pkt('10.96.0.1', 443))).toBe(0)
  })
})
