import { describe, expect, it } from 'vitest'
import { isLoopback, nodePortAddresses, nodePortIPs } from './node-ports.js'

const IFACES = {
  lo: ['127.0.0.1/8', '::1/128'],
  eth0: ['192.168.0.2/24', '192.168.1.2/24', '2001:db8::1/64', '2001:db8:1::2/64'],
}

describe('nodePortAddresses', () => {
  it('an empty list matches all, and covers IPv4 loopback', () => {
    const npa = nodePortAddresses([], 'IPv4', '192.168.0.2')
    expect(npa.matchAll).toBe(true)
    expect(npa.containsIPv4Loopback).toBe(true)
  })

  it('a list with no CIDR of the family matches all of that family', () => {
    expect(nodePortAddresses(['192.168.0.0/24'], 'IPv6', '2001:db8::1').matchAll).toBe(true)
    expect(nodePortAddresses(['192.168.0.0/24'], 'IPv4', '192.168.0.2').matchAll).toBe(false)
  })

  it('selects interface addresses inside the CIDRs, once each, in interface order', () => {
    const npa = nodePortAddresses(
      ['192.168.0.0/16', '192.168.1.0/24', '2001:db8::/64'],
      'IPv4',
      '192.168.0.2',
    )
    expect(npa.containsIPv4Loopback).toBe(false)
    expect(nodePortIPs(npa, IFACES)).toEqual(['192.168.0.2', '192.168.1.2'])
    const v6 = nodePortAddresses(['192.168.0.0/16', '2001:db8::/64'], 'IPv6', '2001:db8::1')
    expect(nodePortIPs(v6, IFACES)).toEqual(['2001:db8::1'])
  })

  it('"primary" is the node IP of the family', () => {
    const npa = nodePortAddresses(['primary'], 'IPv6', '2001:db8::1')
    expect(npa.matchAll).toBe(false)
    expect(nodePortIPs(npa, IFACES)).toEqual(['2001:db8::1'])
  })

  it('notes 127.0.0.1 coverage, and 0.0.0.0/0 anywhere means match-all', () => {
    expect(nodePortAddresses(['127.0.0.1/32'], 'IPv4', '192.168.0.2').containsIPv4Loopback).toBe(
      true,
    )
    expect(nodePortAddresses(['10.0.0.0/8', '0.0.0.0/0'], 'IPv4', '192.168.0.2').matchAll).toBe(
      true,
    )
  })

  it('recognises loopback addresses', () => {
    expect([
      isLoopback('127.0.0.1'),
      isLoopback('127.8.0.1'),
      isLoopback('::1'),
      isLoopback('10.0.0.1'),
    ]).toEqual([true, true, true, false])
  })
})
