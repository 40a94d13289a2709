import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isKpathError, type KpathError } from '../errors.js'
import type { IpvsService, IpvsState } from './model.js'
import { compareServices } from './order.js'
import { parseIpvsConnections } from './parse-conn.js'
import { parseIpvsList } from './parse-list.js'
import { parseIpvsSave } from './parse-save.js'
import { printIpvsConnections, printIpvsList, printIpvsSave } from './print.js'

const fixture = (name: string) =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')
const trimLines = (t: string) =>
  t
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')

function caught(fn: () => unknown): KpathError {
  try {
    fn()
  } catch (e) {
    if (isKpathError(e)) return e
    throw e
  }
  throw new Error('expected a KpathError')
}

describe('ipvsadm -Ln', () => {
  it('parses and prints the hand-made listing byte for byte (trailing blanks included)', () => {
    const text = fixture('list.txt')
    expect(printIpvsList(parseIpvsList(text))).toBe(text)
  })

  it('reads the columns into the model', () => {
    const s = parseIpvsList(fixture('list.txt'))
    expect(s.services).toHaveLength(8)
    const api = s.services[0]
    expect(api?.key).toEqual({
      kind: 'addr',
      protocol: 'tcp',
      family: 4,
      address: '10.96.0.1',
      port: 443,
    })
    expect(api?.destinations[1]).toEqual({
      address: '192.168.0.102',
      port: 6443,
      weight: 0,
      forward: 'masq',
      activeConns: 3,
      inactConns: 12,
    })
    const sh = s.services[2]
    expect(sh?.schedFlags).toEqual(['sh-fallback', 'sh-port'])
    expect(sh?.persistence).toEqual({ timeout: 360, netmask: '255.255.255.0' })
    expect(s.services[3]?.onePacket).toBe(true)
    expect(s.services[6]?.key).toEqual({ kind: 'fwmark', family: 4, mark: 5 })
    expect(s.services[7]?.key).toEqual({ kind: 'fwmark', family: 6, mark: 7 })
    expect(s.tableSize).toBe(4096)
  })

  it("round-trips seed 000's real listing (the document lost ipvsadm's trailing blanks)", () => {
    const text = fixture('seed-000-ln.txt')
    const s = parseIpvsList(text)
    expect(
      s.services.map(
        (x) => x.key.kind === 'addr' && `${x.key.protocol} ${x.key.address}:${x.key.port}`,
      ),
    ).toEqual([
      'tcp 10.96.0.1:443',
      'tcp 10.96.0.10:53',
      'tcp 10.96.0.10:9153',
      'udp 10.96.0.10:53',
    ])
    expect(trimLines(printIpvsList(s))).toBe(trimLines(text))
  })

  it("refuses seed 001's name-resolved listing, pointing at the name, with the -n hint", () => {
    const text = fixture('seed-001-l.txt')
    const e = caught(() => parseIpvsList(text))
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.location).toMatchObject({ line: 1, column: 6, text: 'TCP  node2:http rr' })
    expect(e.hint).toMatch(/-n/)
  })

  it('prints --stats and --rate with zero counters exactly as the format strings give', () => {
    const s = parseIpvsList(fixture('list.txt'))
    expect(printIpvsList(s, 'stats')).toBe(fixture('list-stats.txt'))
    expect(printIpvsList(s, 'rate')).toBe(fixture('list-rate.txt'))
  })

  it('sorts services and real servers as ipvsadm does, whatever the model order', () => {
    const s = parseIpvsList(fixture('list.txt'))
    const shuffled: IpvsState = {
      ...s,
      services: [...s.services]
        .reverse()
        .map((x) => ({ ...x, destinations: [...x.destinations].reverse() })),
    }
    expect(printIpvsList(shuffled)).toBe(fixture('list.txt'))
  })

  it("keeps the comparator's 32-bit wrap-around: 1.0.0.1 sorts after 200.0.0.1", () => {
    const svc = (address: string): IpvsService => ({
      key: { kind: 'addr', protocol: 'tcp', family: 4, address, port: 80 },
      scheduler: 'rr',
      destinations: [],
    })
    // 0x01000001 - 0xc8000001 wraps to a positive int: the kernel tool's order, not numeric order.
    expect(compareServices(svc('1.0.0.1'), svc('200.0.0.1'))).toBeGreaterThan(0)
    expect(compareServices(svc('10.0.0.1'), svc('100.0.0.1'))).toBeLessThan(0)
    const out = printIpvsList({ services: [svc('1.0.0.1'), svc('200.0.0.1')], connections: [] })
    expect(out.indexOf('200.0.0.1')).toBeLessThan(out.indexOf('1.0.0.1:80'))
  })

  it('locates errors: bad forward method, real server first, unknown scheduler', () => {
    const bad =
      'TCP  10.0.0.1:80 rr\n  -> 10.0.0.2:80                 Masx    1      0          0\n'
    expect(caught(() => parseIpvsList(bad)).location).toMatchObject({ line: 2, column: 34 })
    expect(caught(() => parseIpvsList('  -> 10.0.0.2:80 Masq 1 0 0\n')).location?.line).toBe(1)
    const e = caught(() => parseIpvsList('TCP  10.0.0.1:80 xx\n'))
    expect(e.location).toMatchObject({ line: 1, column: 18 })
    expect(e.hint).toContain('wlc')
  })
})

describe('ipvsadm -Sn', () => {
  it('parses and prints the save fixture byte for byte', () => {
    const text = fixture('save.txt')
    expect(printIpvsSave(parseIpvsSave(text))).toBe(text)
  })

  it('holds the same services as the listing of the same state (the two fixtures agree)', () => {
    const fromSave = parseIpvsSave(fixture('save.txt'))
    const fromList = parseIpvsList(fixture('list.txt'))
    // The listing carries connection counters, the save form tunnel details: compare the rest.
    const strip = (s: IpvsState) =>
      s.services.map((x) => ({
        ...x,
        destinations: x.destinations.map(({ address, port, weight, forward }) => ({
          address,
          port,
          weight,
          forward,
        })),
      }))
    expect(strip(fromSave)).toEqual(strip(fromList))
    expect(
      printIpvsSave(fromList)
        .split('\n')
        .filter((l) => !l.includes('--tun')),
    ).toEqual(
      fixture('save.txt')
        .split('\n')
        .filter((l) => !l.includes('--tun')),
    )
  })

  it('reads tunnel details, a bare -p, and defaults the real server port to the service port', () => {
    const s = parseIpvsSave(
      '-A -t 10.0.0.1:80 -s rr -p\n-a -t 10.0.0.1:80 -r 10.0.0.2 -i -w 1 --tun-type gre --tun-csum\n',
    )
    expect(s.services[0]?.persistence).toEqual({ timeout: 300 })
    expect(s.services[0]?.destinations[0]).toEqual({
      address: '10.0.0.2',
      port: 80,
      weight: 1,
      forward: 'tunnel',
      tunnel: { type: 'gre', csum: 'csum' },
    })
    expect(printIpvsSave(s)).toContain(
      '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type gre --tun-csum\n',
    )
  })

  it('locates errors: real server before its service, duplicate, unknown option', () => {
    const e1 = caught(() => parseIpvsSave('-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1\n'))
    expect(e1.location).toMatchObject({ line: 1, column: 1 })
    const e2 = caught(() => parseIpvsSave('-A -t 10.0.0.1:80 -s rr\n-A -t 10.0.0.1:80 -s wrr\n'))
    expect(e2.location?.line).toBe(2)
    const e3 = caught(() => parseIpvsSave('-A -t 10.0.0.1:80 -s rr --bogus\n'))
    expect(e3.location).toMatchObject({ line: 1, column: 25 })
  })
})

describe('ipvsadm -Lnc', () => {
  it('parses and prints the connection fixture byte for byte', () => {
    const text = fixture('conns.txt')
    const conns = parseIpvsConnections(text)
    expect(conns).toHaveLength(5)
    expect(conns[0]).toEqual({
      protocol: 'tcp',
      client: { address: '10.244.1.7', port: 40112 },
      virtual: { address: '10.96.0.1', port: 443 },
      destination: { address: '192.168.0.101', port: 6443 },
      state: 'ESTABLISHED',
      expires: 897,
      forward: 'masq',
    })
    expect(conns[3]?.expires).toBe(10799)
    expect(printIpvsConnections(conns)).toBe(text)
  })

  it('refuses an unknown state, located', () => {
    const e = caught(() =>
      parseIpvsConnections(
        'TCP 00:10  BOGUS       1.1.1.1:1          2.2.2.2:2          3.3.3.3:3\n',
      ),
    )
    expect(e.location).toMatchObject({ line: 1, column: 12 })
  })
})
