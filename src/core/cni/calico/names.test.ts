/**
 * Calico's names. Ground truth: seed 002's `ip a` and `ip r` (pod → cali interface), and
 * node:crypto for the hashed forms.
 */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  calicoVethName,
  derivedMac,
  lengthLimitedId,
  prefixedChain,
  vxlanTunnelMac,
} from './names.js'

describe('calicoVethName', () => {
  it('names the seed 002 pods as its route table shows them', () => {
    // 10.151.51.8 dev caliee93b0bdd66, 10.151.51.7 dev cali566211caf94 (both myapp pods on slave1)
    expect(calicoVethName('default', 'myapp-5d749dc84b-lt4ss')).toBe('caliee93b0bdd66')
    expect(calicoVethName('default', 'myapp-5d749dc84b-tmd49')).toBe('cali566211caf94')
  })

  it('is always 15 characters, the Linux limit', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (ns, pod) => {
        expect(calicoVethName(ns, pod)).toMatch(/^cali[0-9a-f]{11}$/)
      }),
    )
  })
})

describe('lengthLimitedId (felix GetLengthLimitedID)', () => {
  const hashed = (prefix: string, suffix: string) =>
    `${prefix}_${createHash('sha256')
      .update(suffix)
      .digest('base64url')
      .slice(0, 28 - 1 - prefix.length)}`

  it('keeps names that fit in 28 characters', () => {
    expect(prefixedChain('cali-pri-', 'ksa.default.default')).toBe('cali-pri-ksa.default.default')
    expect(prefixedChain('cali-tw-', 'caliee93b0bdd66')).toBe('cali-tw-caliee93b0bdd66')
  })

  it('hashes longer ones, and exact fits that start with the marker', () => {
    expect(lengthLimitedId('cali-pri-', 'ksa.kube-system.coredns')).toBe(
      hashed('cali-pri-', 'ksa.kube-system.coredns'),
    )
    expect(lengthLimitedId('cali-pri-', '_234567890123456789')).toBe(
      hashed('cali-pri-', '_234567890123456789'),
    )
    expect(lengthLimitedId('cali-pri-', 'ksa.kube-system.coredns')).toHaveLength(28)
  })
})

describe('MACs', () => {
  it("derive the VXLAN tunnel MAC from the node name as felix's vtepMACForHost", () => {
    const sha = createHash('sha1').update('node-a').digest()
    const want = [0x66, ...sha.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0')).join(':')
    expect(vxlanTunnelMac('node-a')).toBe(want)
  })

  it('derive locally administered unicast MACs, different per interface', () => {
    const a = derivedMac('pod-default-a', 'eth0')
    expect(Number.parseInt(a.slice(0, 2), 16) & 3).toBe(2)
    expect(derivedMac('pod-default-b', 'eth0')).not.toBe(a)
  })
})
