import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../errors.js'
import { configFromSysctls, resolveConfig } from './config.js'
import {
  DEFAULT_TIMEOUTS,
  TIMEOUT_SYSCTLS,
  tcpStateTimeout,
  timeoutsFromSysctls,
} from './timeouts.js'

/** The defaults a fresh namespace of the real kernel reports (testdata/sysctls.txt). */
function kernelSysctls(): Record<string, string> {
  const text = readFileSync(new URL('./testdata/sysctls.txt', import.meta.url), 'utf8')
  const out: Record<string, string> = {}
  for (const line of text.split('\n').filter(Boolean)) {
    const [name, value] = line.split(' = ')
    if (name !== undefined && value !== undefined) out[name] = value
  }
  return out
}

describe('DEFAULT_TIMEOUTS', () => {
  it('equals what the kernel reports for every timeout that has a sysctl', () => {
    const real = kernelSysctls()
    let checked = 0
    for (const [key, name] of Object.entries(TIMEOUT_SYSCTLS)) {
      if (name === undefined) continue
      expect(real[name], name).toBeDefined()
      expect(DEFAULT_TIMEOUTS[key as keyof typeof DEFAULT_TIMEOUTS], name).toBe(Number(real[name]))
      checked++
    }
    expect(checked).toBe(25)
  })

  it('reads the same defaults back from the real sysctls, and the switches too', () => {
    const config = configFromSysctls(kernelSysctls())
    expect(config.timeouts).toEqual(DEFAULT_TIMEOUTS)
    expect(config.tcpLoose).toBe(true)
    expect(config.tcpBeLiberal).toBe(false)
  })
})

describe('timeoutsFromSysctls', () => {
  it('overrides only what the namespace sets', () => {
    const t = timeoutsFromSysctls({
      'net.netfilter.nf_conntrack_udp_timeout': '60',
      'net.netfilter.nf_conntrack_tcp_timeout_established': ' 86400 ',
      'net.ipv4.ip_forward': '1',
    })
    expect(t.udp).toBe(60)
    expect(t.tcpEstablished).toBe(86400)
    expect(t.tcpSynSent).toBe(120)
    expect(t.udpStream).toBe(120)
  })

  it('refuses a value that is not a number, with a stable code', () => {
    for (const bad of ['abc', '-1', '1.5', '', '99999999999']) {
      try {
        timeoutsFromSysctls({ 'net.netfilter.nf_conntrack_icmp_timeout': bad })
        expect.unreachable(`"${bad}" was accepted`)
      } catch (e) {
        expect(isKpathError(e) && e.code).toBe('KPATH_INVALID_ARGUMENT')
      }
    }
  })
})

describe('configFromSysctls / resolveConfig', () => {
  it('turns tcp_loose off and tcp_be_liberal on', () => {
    const c = configFromSysctls({
      'net.netfilter.nf_conntrack_tcp_loose': '0',
      'net.netfilter.nf_conntrack_tcp_be_liberal': '1',
    })
    expect(c.tcpLoose).toBe(false)
    expect(c.tcpBeLiberal).toBe(true)
  })

  it('fills defaults under partial overrides', () => {
    const r = resolveConfig({ timeouts: { icmp: 5 } })
    expect(r.timeouts.icmp).toBe(5)
    expect(r.timeouts.generic).toBe(600)
    expect(r.tcpLoose).toBe(true)
  })
})

describe('tcpStateTimeout', () => {
  it('maps each state to its sysctl-backed timeout', () => {
    expect(tcpStateTimeout(DEFAULT_TIMEOUTS, 'SYN_SENT')).toBe(120)
    expect(tcpStateTimeout(DEFAULT_TIMEOUTS, 'SYN_RECV')).toBe(60)
    expect(tcpStateTimeout(DEFAULT_TIMEOUTS, 'ESTABLISHED')).toBe(432000)
    expect(tcpStateTimeout(DEFAULT_TIMEOUTS, 'FIN_WAIT')).toBe(120)
    expect(tcpStateTimeout(DEFAULT_TIMEOUTS, 'CLOSE_WAIT')).toBe(60)
    expect(tcpStateTimeout(DEFAULT_TIMEOUTS, 'LAST_ACK')).toBe(30)
    expect(tcpStateTimeout(DEFAULT_TIMEOUTS, 'TIME_WAIT')).toBe(120)
    expect(tcpStateTimeout(DEFAULT_TIMEOUTS, 'CLOSE')).toBe(10)
    expect(tcpStateTimeout(DEFAULT_TIMEOUTS, 'SYN_SENT2')).toBe(120)
    expect(tcpStateTimeout(DEFAULT_TIMEOUTS, 'NONE')).toBe(0)
  })
})
