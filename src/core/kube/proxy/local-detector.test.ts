import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../errors.js'
import {
  iptablesIfLocal,
  iptablesIfNotLocal,
  localDetector,
  nftIfLocal,
  nftIfNotLocal,
} from './local-detector.js'
import { node, proxyConfig } from './testkit.js'

describe('local traffic detector', () => {
  it('ClusterCIDR picks the CIDR of the family from a comma list (canonicalised)', () => {
    const config = proxyConfig({ clusterCIDR: '10.0.0.5/8, fd00:10::/64' })
    const v4 = localDetector(config, undefined, 'IPv4')
    expect(iptablesIfLocal(v4)).toEqual(['-s', '10.0.0.0/8'])
    expect(iptablesIfNotLocal(v4)).toEqual(['!', '-s', '10.0.0.0/8'])
    expect(nftIfNotLocal(v4)).toEqual({
      tx: 'ip saddr != 10.0.0.0/8',
      listed: 'ip saddr != 10.0.0.0/8',
    })
    const v6 = localDetector(config, undefined, 'IPv6')
    expect(nftIfLocal(v6)?.tx).toBe('ip6 saddr fd00:10::/64')
  })

  it('is a no-op when the family has no cluster CIDR', () => {
    const d = localDetector(proxyConfig({ clusterCIDR: '10.0.0.0/8' }), undefined, 'IPv6')
    expect(d.kind).toBe('none')
    expect(iptablesIfNotLocal(d)).toEqual([])
    expect(nftIfLocal(d)).toBeUndefined()
    expect(localDetector(proxyConfig({ clusterCIDR: '' }), undefined, 'IPv4').kind).toBe('none')
  })

  it('NodeCIDR reads the Node podCIDRs', () => {
    const n = { ...node(), spec: { podCIDRs: ['10.244.1.0/24', 'fd00:244:1::/64'] } }
    const d = localDetector(proxyConfig({ detectLocalMode: 'NodeCIDR' }), n, 'IPv6')
    expect(iptablesIfLocal(d)).toEqual(['-s', 'fd00:244:1::/64'])
    expect(localDetector(proxyConfig({ detectLocalMode: 'NodeCIDR' }), node(), 'IPv4').kind).toBe(
      'none',
    )
  })

  it('BridgeInterface and InterfaceNamePrefix match the input interface (nft lists names quoted)', () => {
    const bridge = localDetector(
      proxyConfig({ detectLocalMode: 'BridgeInterface', detectLocal: { bridgeInterface: 'cbr0' } }),
      undefined,
      'IPv4',
    )
    expect(iptablesIfNotLocal(bridge)).toEqual(['!', '-i', 'cbr0'])
    expect(nftIfNotLocal(bridge)).toEqual({ tx: 'iifname != cbr0', listed: 'iifname != "cbr0"' })
    const prefix = localDetector(
      proxyConfig({
        detectLocalMode: 'InterfaceNamePrefix',
        detectLocal: { interfaceNamePrefix: 'veth' },
      }),
      undefined,
      'IPv4',
    )
    expect(iptablesIfLocal(prefix)).toEqual(['-i', 'veth+'])
    expect(nftIfLocal(prefix)).toEqual({ tx: 'iifname veth*', listed: 'iifname "veth*"' })
  })

  it('refuses a BridgeInterface mode without an interface, as kube-proxy does', () => {
    try {
      localDetector(proxyConfig({ detectLocalMode: 'BridgeInterface' }), undefined, 'IPv4')
      expect.unreachable()
    } catch (e) {
      expect(isKpathError(e) && e.code).toBe('KPATH_INVALID_ARGUMENT')
    }
  })
})
