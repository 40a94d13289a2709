/**
 * validateSource (fib_validate_source) and rp_filter, including the flannel-UDP scenario of
 * kernel-lab §9c: node n1 → ClusterIP with an underlay source, reply from 10.245.2.2 arriving on
 * eth0 while the route back to 10.245.0.0/16 is flannel0.
 */
import { describe, expect, it } from 'vitest'
import { node } from './testing/build.js'
import { validateSource } from './validate-source.js'

// n1 of the lab: eth0 on the underlay, flannel0 (TUN) for the pod network.
const n1 = (sysctls: Record<string, string | number>) =>
  node({
    links: ['eth0', 'flannel0', 'cni1'],
    addrs: ['eth0 192.168.50.50/24', 'flannel0 10.245.1.0/16', 'cni1 10.245.1.1/24'],
    routes: ['default via 192.168.50.1 dev eth0'],
    sysctls: { 'net.ipv4.ip_forward': 1, ...sysctls },
  })

const reply = { src: '10.245.2.2', dst: '192.168.50.50' }

describe('rp_filter', () => {
  it('0: anything goes except our own addresses', () => {
    expect(validateSource(n1({}), reply, 'eth0')).toEqual({ ok: true })
    expect(
      validateSource(n1({}), { src: '192.168.50.50', dst: '10.245.1.1' }, 'eth0'),
    ).toMatchObject({ ok: false, reason: 'local source' })
  })

  it('1 (strict): the reply arriving on eth0 fails, the route back is flannel0', () => {
    const r = validateSource(n1({ 'net.ipv4.conf.all.rp_filter': 1 }), reply, 'eth0')
    expect(r).toMatchObject({ ok: false, reason: 'rp_filter', errno: 'EXDEV' })
    expect(!r.ok && r.route?.dev).toBe('flannel0')
    expect(
      validateSource(n1({ 'net.ipv4.conf.all.rp_filter': 1 }), reply, 'flannel0'),
    ).toMatchObject({ ok: true })
  })

  it('2 (loose): any route back will do', () => {
    expect(validateSource(n1({ 'net.ipv4.conf.all.rp_filter': 2 }), reply, 'eth0')).toMatchObject({
      ok: true,
    })
  })

  it('loose still fails when there is no route back at all', () => {
    const s = node({
      links: ['eth0'],
      addrs: ['eth0 192.168.50.50/24'],
      sysctls: { 'net.ipv4.conf.all.rp_filter': 2 },
    })
    expect(validateSource(s, { src: '8.8.8.8', dst: '192.168.50.50' }, 'eth0')).toMatchObject({
      ok: false,
      reason: 'rp_filter',
    })
  })

  it('takes max(all, iface)', () => {
    const strictDev = n1({ 'net.ipv4.conf.all.rp_filter': 0, 'net.ipv4.conf.eth0.rp_filter': 1 })
    expect(validateSource(strictDev, reply, 'eth0')).toMatchObject({ ok: false })
    const looseAll = n1({ 'net.ipv4.conf.all.rp_filter': 2, 'net.ipv4.conf.eth0.rp_filter': 1 })
    expect(validateSource(looseAll, reply, 'eth0')).toMatchObject({ ok: true })
  })

  it('looks the source up with the mark only under src_valid_mark', () => {
    const s = node({
      links: ['eth0', 'wg0'],
      addrs: ['eth0 192.168.50.50/24', 'wg0 10.99.0.1/24'],
      routes: ['default via 192.168.50.1 dev eth0', 'default dev wg0 table 51820'],
      rules: ['fwmark 0xca6c pref 100 lookup 51820'],
      sysctls: { 'net.ipv4.conf.all.rp_filter': 1 },
    })
    const pkt = { src: '8.8.8.8', dst: '10.99.0.1', mark: 0xca6c }
    expect(validateSource(s, pkt, 'wg0')).toMatchObject({ ok: false, reason: 'rp_filter' })
    const marked = { ...s, sysctls: { ...s.sysctls, 'net.ipv4.conf.all.src_valid_mark': '1' } }
    expect(validateSource(marked, pkt, 'wg0')).toMatchObject({ ok: true })
  })

  it('on an interface without IPv4 addresses even loose mode needs the route back through it', () => {
    // Calico's cali* interfaces have no addresses; their pods' /32 routes point back at them.
    const s = node({
      links: ['eth0', 'cali1'],
      addrs: ['eth0 192.168.50.50/24'],
      routes: ['default via 192.168.50.1 dev eth0', '10.234.64.10 dev cali1 scope link'],
      sysctls: { 'net.ipv4.conf.all.rp_filter': 2 },
    })
    expect(
      validateSource(s, { src: '10.234.64.10', dst: '8.8.8.8' }, 'cali1', 'eth0'),
    ).toMatchObject({ ok: true })
    expect(
      validateSource(s, { src: '10.234.64.99', dst: '8.8.8.8' }, 'cali1', 'eth0'),
    ).toMatchObject({ ok: false, reason: 'rp_filter' })
  })

  it('accept_local admits our own address as a source', () => {
    const s = n1({ 'net.ipv4.conf.all.accept_local': 1, 'net.ipv4.conf.all.rp_filter': 1 })
    expect(validateSource(s, { src: '10.245.1.1', dst: '192.168.50.50' }, 'cni1')).toMatchObject({
      ok: true,
    })
  })

  it('with custom rules runs the full check even with rp_filter 0 (a broadcast source fails)', () => {
    const s = node({
      links: ['eth0'],
      addrs: ['eth0 192.168.50.50/24'],
      rules: ['fwmark 1 pref 10 lookup 10'],
    })
    expect(
      validateSource(s, { src: '192.168.50.255', dst: '192.168.50.50' }, 'eth0'),
    ).toMatchObject({ ok: false, reason: 'invalid source' })
    expect(validateSource(s, { src: '8.8.8.8', dst: '192.168.50.50' }, 'eth0')).toEqual({
      ok: true,
    })
  })
})
