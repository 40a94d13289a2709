/**
 * Tunnel names: v1.x as seed 001 shows them, v2.x against node:crypto's SHA-256 (an independent
 * implementation of the hash kube-router's Go code uses).
 */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { tunnelName } from './names.js'

describe('tunnelName', () => {
  it('v1.x: the IP without dots after tun- (seed 001)', () => {
    expect(tunnelName('192.168.50.51', 1)).toBe('tun-1921685051')
    expect(tunnelName('192.168.50.52', 1)).toBe('tun-1921685052')
  })

  it('v1.x: 12 digits or more drop the dash, staying within 15 characters', () => {
    expect(tunnelName('192.168.100.100', 1)).toBe('tun192168100100')
    expect(tunnelName('10.0.0.1', 1)).toBe('tun-10001')
  })

  it('v2.x: tun- and 11 hex digits of SHA-256 of the IP without dots or colons', () => {
    const expected = (ip: string) =>
      `tun-${createHash('sha256').update(ip.replaceAll('.', '').replaceAll(':', '')).digest('hex').slice(0, 11)}`
    expect(tunnelName('192.168.50.51', 2)).toBe(expected('192.168.50.51'))
    expect(tunnelName('fd00::1', 2)).toBe(expected('fd00::1'))
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const name = tunnelName(ip, 2)
        expect(name).toBe(expected(ip))
        expect(name.length).toBe(15)
      }),
    )
  })

  it('always fits the 15-character interface name limit', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => tunnelName(ip, 1).length <= 15))
  })
})
