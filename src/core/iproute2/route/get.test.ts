/**
 * `ip route get` as printed from a lookup result, against what the real `ip route get`
 * printed in the captured node (testdata/node.route-get.json, both text and `-j`). The
 * results below are the kernel's answers for those destinations, written as the routing
 * engine would give them.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { printRouteGet, printRouteGetJson, type RouteGetResult } from './get.js'

interface Captured {
  readonly args: readonly string[]
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly json: string
}

const captured = JSON.parse(
  readFileSync(new URL('../testdata/node.route-get.json', import.meta.url), 'utf8'),
) as Captured[]

const v4 = (
  r: Omit<RouteGetResult, 'family' | 'type'> & Partial<RouteGetResult>,
): RouteGetResult => ({
  family: 4,
  type: 'unicast',
  ...r,
})
const v6 = (
  r: Omit<RouteGetResult, 'family' | 'type'> & Partial<RouteGetResult>,
): RouteGetResult => ({
  family: 6,
  type: 'unicast',
  ...r,
})
const SRC = '192.168.50.50'

const ANSWERS: Readonly<Record<string, RouteGetResult>> = {
  '192.168.50.1': v4({ dst: '192.168.50.1', dev: 'eth0', src: SRC }),
  '10.2.0.9': v4({ dst: '10.2.0.9', via: '192.168.50.2', dev: 'eth0', src: SRC }),
  '10.244.1.5': v4({ dst: '10.244.1.5', via: '10.244.1.0', dev: 'flannel.1', src: '10.244.0.0' }),
  '10.5.0.1': v4({ dst: '10.5.0.1', via: '192.168.50.3', dev: 'eth0', src: SRC }),
  '192.168.50.50': v4({ type: 'local', dst: SRC, dev: 'lo', table: 255, src: SRC }),
  '127.0.0.1': v4({ type: 'local', dst: '127.0.0.1', dev: 'lo', table: 255, src: '127.0.0.1' }),
  '192.168.50.255': v4({
    type: 'broadcast',
    dst: '192.168.50.255',
    dev: 'eth0',
    table: 255,
    src: SRC,
  }),
  '10.244.0.2': v4({ dst: '10.244.0.2', dev: 'cni0', src: '10.244.0.1' }),
  '8.8.8.8': v4({ dst: '8.8.8.8', via: '192.168.50.1', dev: 'eth0', src: SRC }),
  '10.6.0.1 mark 0x4000': v4({ dst: '10.6.0.1', dev: 'eth0', table: 100, src: SRC, mark: 0x4000 }),
  '10.6.0.1 from 192.168.50.50 mark 0x4000': v4({
    dst: '10.6.0.1',
    from: SRC,
    dev: 'eth0',
    table: 100,
    mark: 0x4000,
  }),
  '10.3.0.1': v4({ type: 'blackhole', dst: '10.3.0.1' }),
  '10.4.0.1': v4({ type: 'unreachable', dst: '10.4.0.1' }),
  '10.7.0.1': v4({ type: 'prohibit', dst: '10.7.0.1' }),
  '10.96.0.10': v4({ type: 'local', dst: '10.96.0.10', dev: 'lo', table: 255, src: '10.96.0.10' }),
  'fd00::1': v6({ dst: 'fd00::1', dev: 'eth0', proto: 'kernel', src: 'fd00::50', metric: 256 }),
  '2001:db8:2::1 mark 0x4000': v6({
    dst: '2001:db8:2::1',
    via: 'fd00::1',
    dev: 'eth0',
    src: 'fd00::50',
    metric: 1024,
    mark: 0x4000,
  }),
  '::1': v6({
    type: 'local',
    dst: '::1',
    dev: 'lo',
    table: 255,
    proto: 'kernel',
    src: '::1',
    metric: 0,
  }),
  '2001:db8:dead::1': v6({ type: 'blackhole', dst: '2001:db8:dead::1' }),
}

describe('ip route get', () => {
  it('has an answer for every captured query', () => {
    expect(captured.map((c) => c.args.join(' ')).sort()).toEqual(Object.keys(ANSWERS).sort())
  })
  for (const c of captured) {
    const key = c.args.join(' ')
    it(key, () => {
      const answer = ANSWERS[key]
      expect(answer).toBeDefined()
      if (answer === undefined) return
      expect(printRouteGet(answer)).toEqual({ stdout: c.stdout, stderr: c.stderr, code: c.code })
      expect(printRouteGetJson(answer).stdout).toBe(c.json)
    })
  }
  it('prints the example of the brief', () => {
    const r = v4({ dst: '10.0.0.5', via: '10.0.0.1', dev: 'eth0', src: '10.0.0.2' })
    expect(printRouteGet(r).stdout).toBe(
      '10.0.0.5 via 10.0.0.1 dev eth0 src 10.0.0.2 uid 0 \n    cache \n',
    )
  })
})
