/**
 * `sysctl -a` parse and print against captures (testdata/, see its README), and the
 * new-namespace table against a fresh namespace of the fixture kernel.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KpathError } from '../errors.js'
import { CONF_KEYS, NEW_NETNS_SYSCTLS, newNetnsSysctls } from './defaults.js'
import {
  netSysctls,
  parseSysctlA,
  printModelSysctls,
  printSysctlA,
  sysctlCompare,
  sysctlIface,
  sysctlListName,
} from './format.js'

const read = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')
const FILES = [
  'fresh.sysctl.txt',
  'fresh-links.sysctl.txt',
  'node.sysctl.txt',
  'root-inherited.sysctl.txt',
]

describe('sysctl -a', () => {
  for (const f of FILES) {
    it(`${f} round-trips byte for byte`, () => {
      const text = read(f)
      expect(printSysctlA(parseSysctlA(text))).toBe(text)
    })
  }
  it('keeps tabs and empty values', () => {
    const s = netSysctls(parseSysctlA(read('fresh.sysctl.txt')))
    expect(s['net.ipv4.ip_local_port_range']).toBe('32768\t60999')
    expect(s['net.ipv4.ip_local_reserved_ports']).toBe('')
  })
  it('prints a model record in the order sysctl walks /proc/sys', () => {
    const text = read('node.sysctl.txt')
    const shuffled = Object.fromEntries(Object.entries(netSysctls(parseSysctlA(text))).reverse())
    expect(printModelSysctls(shuffled)).toBe(text)
    expect(sysctlCompare('net.ipv4.conf.veth.x', 'net.ipv4.conf.veth-p1.x')).toBeLessThan(0)
    expect(sysctlIface('flannel.1')).toBe('flannel/1')
    expect(text).toContain('net.ipv4.conf.flannel/1.')
  })
  it('lists a dotted link name the way sysctl -a does, the listed spelling winning', () => {
    expect(sysctlListName('net.ipv4.conf.flannel.1.rp_filter')).toBe(
      'net.ipv4.conf.flannel/1.rp_filter',
    )
    expect(sysctlListName('net.ipv6.neigh.vx.42.proxy_delay')).toBe(
      'net.ipv6.neigh.vx/42.proxy_delay',
    )
    expect(sysctlListName('net.ipv4.ip_forward')).toBe('net.ipv4.ip_forward')
    const text = printModelSysctls({
      'net.ipv4.conf.flannel/1.rp_filter': '2',
      'net.ipv4.conf.flannel.1.rp_filter': '1',
      'net.ipv4.conf.flannel.1.forwarding': '1',
      'net.ipv4.conf.eth0.rp_filter': '0',
    })
    expect(text).toBe(
      'net.ipv4.conf.eth0.rp_filter = 0\nnet.ipv4.conf.flannel/1.forwarding = 1\nnet.ipv4.conf.flannel/1.rp_filter = 2\n',
    )
  })
  it('locates a bad line', () => {
    try {
      parseSysctlA('net.ipv4.ip_forward = 1\nnet.ipv4.ip_forward: 1\n', { file: 'sysctl.txt' })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(KpathError)
      expect((e as KpathError).location).toEqual({
        file: 'sysctl.txt',
        line: 2,
        column: 1,
        text: 'net.ipv4.ip_forward: 1',
      })
    }
    expect(() => parseSysctlA('a.b = 1\na.b = 2\n')).toThrow(/twice/)
    expect(() => parseSysctlA('a.b = 1')).toThrow(/newline/)
  })
})

describe('a new namespace', () => {
  const fresh = netSysctls(parseSysctlA(read('fresh.sysctl.txt')))
  const root = Object.fromEntries(
    parseSysctlA(read('root-inherited.sysctl.txt')).map((e) => [e.name, e.value]),
  )
  it('has the table values (measured in a fresh namespace)', () => {
    for (const [name, d] of Object.entries(NEW_NETNS_SYSCTLS))
      expect([name, fresh[name]]).toEqual([name, d.value])
  })
  it('inherits exactly what the root namespace had', () => {
    expect(root['net.core.devconf_inherit_init_net']).toBe('0')
    for (const [name, d] of Object.entries(NEW_NETNS_SYSCTLS)) {
      if (d.origin === 'inherited') expect([name, fresh[name]]).toEqual([name, root[name]])
    }
    expect(
      newNetnsSysctls({ 'net.ipv4.conf.all.rp_filter': '1' })['net.ipv4.conf.all.rp_filter'],
    ).toBe('1')
    expect(newNetnsSysctls({ 'net.ipv4.ip_default_ttl': '1' })['net.ipv4.ip_default_ttl']).toBe(
      '64',
    )
  })
  it('gives a new link a copy of conf.default', () => {
    const links = netSysctls(parseSysctlA(read('fresh-links.sysctl.txt')))
    for (const iface of ['veth0', 'veth1', 'br0']) {
      for (const key of CONF_KEYS) {
        expect([iface, key, links[`net.ipv4.conf.${iface}.${key}`]]).toEqual([
          iface,
          key,
          links[`net.ipv4.conf.default.${key}`],
        ])
      }
    }
  })
})
