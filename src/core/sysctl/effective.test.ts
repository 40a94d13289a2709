/**
 * The all/link combination of per-link IPv4 settings (include/linux/inetdevice.h), and what
 * a link's own value is when the model does not list it, checked against a real namespace
 * where `conf.default.rp_filter` was changed after `lo` existed (testdata/node.sysctl.txt).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { effectiveSysctl, linkValue } from './effective.js'
import { netSysctls, parseSysctlA } from './format.js'

const s = (sysctls: Record<string, string>) => ({ sysctls })

describe('effectiveSysctl', () => {
  it('rp_filter, arp_ignore and arp_announce take the maximum', () => {
    for (const key of ['rp_filter', 'arp_ignore', 'arp_announce'] as const) {
      const st = s({ [`net.ipv4.conf.all.${key}`]: '2', [`net.ipv4.conf.eth0.${key}`]: '1' })
      expect(effectiveSysctl(st, key, 'eth0')).toBe(2)
      const st2 = s({ [`net.ipv4.conf.all.${key}`]: '0', [`net.ipv4.conf.eth0.${key}`]: '1' })
      expect(effectiveSysctl(st2, key, 'eth0')).toBe(1)
    }
  })
  it('proxy_arp, route_localnet and accept_local are on when either is', () => {
    for (const key of ['proxy_arp', 'route_localnet', 'accept_local'] as const) {
      expect(effectiveSysctl(s({ [`net.ipv4.conf.all.${key}`]: '1' }), key, 'eth0')).toBe(1)
      expect(effectiveSysctl(s({ [`net.ipv4.conf.cni0.${key}`]: '1' }), key, 'cni0')).toBe(1)
      expect(effectiveSysctl(s({ [`net.ipv4.conf.cni0.${key}`]: '1' }), key, 'eth0')).toBe(0)
    }
  })
  it('forwarding is the link value alone, which ip_forward and conf.all set', () => {
    expect(
      effectiveSysctl(
        s({ 'net.ipv4.conf.all.forwarding': '1', 'net.ipv4.conf.eth0.forwarding': '0' }),
        'forwarding',
        'eth0',
      ),
    ).toBe(0)
    expect(effectiveSysctl(s({ 'net.ipv4.ip_forward': '1' }), 'forwarding', 'eth0')).toBe(1)
    expect(
      effectiveSysctl(s({ 'net.ipv4.conf.default.forwarding': '1' }), 'forwarding', 'eth0'),
    ).toBe(1)
    expect(effectiveSysctl(s({}), 'forwarding', 'eth0')).toBe(0)
  })
  it('a link without its own value has conf.default (names with dots use /)', () => {
    expect(linkValue(s({ 'net.ipv4.conf.default.rp_filter': '2' }), 'rp_filter', 'flannel.1')).toBe(
      2,
    )
    expect(
      linkValue(s({ 'net.ipv4.conf.flannel/1.rp_filter': '1' }), 'rp_filter', 'flannel.1'),
    ).toBe(1)
  })
  it('agrees with a real namespace: every link follows conf.default it never overrode', () => {
    const text = readFileSync(new URL('./testdata/node.sysctl.txt', import.meta.url), 'utf8')
    const real = netSysctls(parseSysctlA(text))
    const model = s({
      'net.ipv4.ip_forward': real['net.ipv4.ip_forward'] ?? '',
      'net.ipv4.conf.all.rp_filter': real['net.ipv4.conf.all.rp_filter'] ?? '',
      'net.ipv4.conf.default.rp_filter': real['net.ipv4.conf.default.rp_filter'] ?? '',
      'net.ipv4.conf.all.route_localnet': real['net.ipv4.conf.all.route_localnet'] ?? '',
    })
    for (const iface of ['lo', 'eth0', 'cni0', 'veth-p1', 'flannel.1', 'flannel0', 'mv0']) {
      const dir = iface.replaceAll('.', '/')
      for (const key of ['rp_filter', 'forwarding', 'route_localnet'] as const) {
        expect([iface, key, linkValue(model, key, iface)]).toEqual([
          iface,
          key,
          Number(real[`net.ipv4.conf.${dir}.${key}`]),
        ])
      }
      expect(effectiveSysctl(model, 'route_localnet', iface)).toBe(1)
    }
  })
})
