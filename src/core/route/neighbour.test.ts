/** resolveNeighbour: arp_constructor's special cases, then the neighbour table. */
import { describe, expect, it } from 'vitest'
import type { Link } from '../model/netns.js'
import { resolveNeighbour } from './neighbour.js'
import { node } from './testing/build.js'

const flannel: Link = {
  index: 3,
  name: 'flannel.1',
  kind: 'vxlan',
  mtu: 1450,
  up: true,
  mac: '0e:00:00:00:00:01',
}
const tun: Link = {
  index: 4,
  name: 'flannel0',
  kind: 'tun',
  mtu: 1472,
  up: true,
  noarp: true,
  tun: { mode: 'tun' },
}

const s = node({
  links: ['eth0', flannel, tun],
  addrs: ['eth0 10.0.0.2/24', 'flannel.1 10.244.1.0/32', 'flannel0 10.245.1.0/16'],
  neighbours: [
    { dst: '10.244.2.0', dev: 'flannel.1', lladdr: '0e:00:00:00:00:02', state: 'PERMANENT' },
    { dst: '10.0.0.1', dev: 'eth0', lladdr: '02:00:00:00:00:99', state: 'STALE' },
    { dst: '10.0.0.7', dev: 'eth0', state: 'FAILED' },
    { dst: '10.0.0.8', dev: 'eth0', state: 'PERMANENT', proxy: true },
  ],
})

describe('resolveNeighbour', () => {
  it('uses static and learnt entries (flannel programs PERMANENT ones for VXLAN)', () => {
    expect(resolveNeighbour(s, 'flannel.1', '10.244.2.0')).toEqual({
      kind: 'entry',
      lladdr: '0e:00:00:00:00:02',
      state: 'PERMANENT',
    })
    expect(resolveNeighbour(s, 'eth0', '10.0.0.1')).toEqual({
      kind: 'entry',
      lladdr: '02:00:00:00:00:99',
      state: 'STALE',
    })
  })

  it('needs a request for unknown or failed entries, with the source arp_solicit picks', () => {
    expect(resolveNeighbour(s, 'eth0', '10.0.0.9')).toEqual({
      kind: 'unresolved',
      solicitSource: '10.0.0.2',
    })
    expect(resolveNeighbour(s, 'eth0', '10.0.0.7')).toEqual({
      kind: 'unresolved',
      state: 'FAILED',
      solicitSource: '10.0.0.2',
    })
    // Proxy entries answer others; they do not resolve our own next hops.
    expect(resolveNeighbour(s, 'eth0', '10.0.0.8').kind).toBe('unresolved')
  })

  it('computes broadcast and multicast MACs', () => {
    expect(resolveNeighbour(s, 'eth0', '10.0.0.255')).toEqual({
      kind: 'computed',
      lladdr: 'ff:ff:ff:ff:ff:ff',
      why: 'broadcast',
    })
    expect(resolveNeighbour(s, 'eth0', '255.255.255.255').kind).toBe('computed')
    expect(resolveNeighbour(s, 'eth0', '239.129.2.3')).toEqual({
      kind: 'computed',
      lladdr: '01:00:5e:01:02:03',
      why: 'multicast',
    })
    expect(resolveNeighbour(s, 'eth0', 'ff02::1:ff00:1')).toEqual({
      kind: 'computed',
      lladdr: '33:33:ff:00:00:01',
      why: 'multicast',
    })
  })

  it('needs nothing on NOARP and loopback devices', () => {
    expect(resolveNeighbour(s, 'flannel0', '10.245.2.0').kind).toBe('noarp')
    expect(resolveNeighbour(s, 'lo', '127.0.0.1').kind).toBe('noarp')
  })
})
