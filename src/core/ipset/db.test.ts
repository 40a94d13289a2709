import { describe, expect, it } from 'vitest'
import { isKpathError } from '../errors.js'
import type { Packet } from '../model/packet.js'
import { createIpSetDb } from './db.js'
import { parseIpsetSave, printIpsetSave } from './save.js'

function pkt(change: Partial<Packet> = {}): Packet {
  return {
    family: 4,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    proto: 6,
    sport: 40000,
    dport: 80,
    ttl: 64,
    length: 60,
    mark: 0,
    ...change,
  }
}

const db = (text: string) => createIpSetDb(parseIpsetSave(text))

describe('hash:net', () => {
  const d = db(
    'create n hash:net\nadd n 10.0.0.0/8\nadd n 10.1.0.0/16 nomatch\nadd n 10.1.2.0/24\n',
  )

  it('takes the most specific prefix, so a nomatch /16 excludes itself from the /8', () => {
    expect(d.test('n', pkt({ src: '10.2.0.1' }), ['src'])).toBe('match')
    expect(d.test('n', pkt({ src: '10.1.9.9' }), ['src'])).toBe('nomatch')
    expect(d.test('n', pkt({ src: '10.1.2.3' }), ['src'])).toBe('match')
    expect(d.test('n', pkt({ src: '11.0.0.1' }), ['src'])).toBe('none')
  })

  it('uses the direction it is given', () => {
    expect(d.test('n', pkt({ src: '11.0.0.1', dst: '10.2.0.1' }), ['dst'])).toBe('match')
    expect(d.test('n', pkt({ src: '11.0.0.1', dst: '10.2.0.1' }), ['src'])).toBe('none')
  })

  it('with --return-nomatch swaps the answers, as ip_set_test does for nomatch types', () => {
    expect(d.matchSet('n', pkt({ src: '10.1.9.9' }), ['src'], { returnNomatch: true })).toBe(true)
    expect(d.matchSet('n', pkt({ src: '10.2.0.1' }), ['src'], { returnNomatch: true })).toBe(false)
    expect(d.matchSet('n', pkt({ src: '10.2.0.1' }), ['src'])).toBe(true)
  })

  it('never matches a packet of the other family', () => {
    expect(d.test('n', pkt({ family: 6, src: '::1', dst: '::2' }), ['src'])).toBe('none')
  })
})

describe('ports', () => {
  const d = db(
    'create p hash:ip,port\nadd p 10.0.0.2,tcp:80\nadd p 10.0.0.2,udp:53\nadd p 10.0.0.2,icmp:echo-request\nadd p 10.0.0.2,gre:0\n',
  )

  it('include the protocol: tcp:80 is not udp:80', () => {
    expect(d.test('p', pkt(), ['dst', 'dst'])).toBe('match')
    expect(d.test('p', pkt({ proto: 17 }), ['dst', 'dst'])).toBe('none')
    expect(d.test('p', pkt({ proto: 17, dport: 53 }), ['dst', 'dst'])).toBe('match')
  })

  it('take ICMP type/code in either direction, and port 0 for protocols without ports', () => {
    const echo = pkt({ proto: 1, sport: undefined, dport: undefined, icmpType: 8, icmpCode: 0 })
    expect(d.test('p', echo, ['dst', 'src'])).toBe('match')
    expect(d.test('p', { ...echo, icmpType: 0 }, ['dst', 'dst'])).toBe('none')
    expect(
      d.test('p', pkt({ proto: 47, sport: undefined, dport: undefined }), ['dst', 'dst']),
    ).toBe('match')
  })

  it('cannot be read from a non-first fragment of tcp, but can for gre', () => {
    expect(d.test('p', pkt({ fragment: true }), ['dst', 'dst'])).toBe('none')
    expect(d.test('p', pkt({ proto: 47, fragment: true }), ['dst', 'dst'])).toBe('match')
  })

  it('need as many directions as the type has dimensions', () => {
    expect(d.test('p', pkt(), ['dst'])).toBe('none')
    expect(d.test('p', pkt(), ['dst', 'dst', 'src'])).toBe('match')
  })

  it('bitmap:port reads TCP and UDP only, in both families', () => {
    const b = db('create b bitmap:port range 0-100\nadd b 80\n')
    expect(b.test('b', pkt(), ['dst'])).toBe('match')
    expect(b.test('b', pkt({ proto: 132 }), ['dst'])).toBe('none')
    expect(b.test('b', pkt({ family: 6, src: '::1', dst: '::2' }), ['dst'])).toBe('match')
  })
})

describe('hash:net,iface', () => {
  const d = db(
    'create i hash:net,iface\nadd i 10.0.0.0/8,eth0\nadd i 10.1.0.0/16,eth2\nadd i 10.2.0.0/16,physdev:eth0\nadd i 10.3.0.0/16,eth0 nomatch\n',
  )

  it('takes the input interface for src and the output one for dst (second direction)', () => {
    expect(d.test('i', pkt({ src: '10.9.0.1', inIface: 'eth0' }), ['src', 'src'])).toBe('match')
    expect(d.test('i', pkt({ src: '10.9.0.1', outIface: 'eth0' }), ['src', 'dst'])).toBe('match')
    expect(d.test('i', pkt({ src: '10.9.0.1', outIface: 'eth0' }), ['src', 'src'])).toBe('none')
  })

  it('stops at the most specific prefix that has the address, whatever its interface', () => {
    expect(d.test('i', pkt({ src: '10.1.0.1', inIface: 'eth0' }), ['src', 'src'])).toBe('none')
    expect(d.test('i', pkt({ src: '10.1.0.1', inIface: 'eth2' }), ['src', 'src'])).toBe('match')
  })

  it('never hits physdev members from a packet', () => {
    expect(
      d.test('i', pkt({ src: '10.2.0.1', inIface: 'eth0', physIn: 'eth0' }), ['src', 'src']),
    ).toBe('match')
  })

  it('matches through a /0 member (checked on Linux 6.18: a set holding only /0 still matches)', () => {
    const z = db('create z hash:net,iface\nadd z 0.0.0.0/0,lo\n')
    expect(z.test('z', pkt({ src: '10.1.2.3', outIface: 'lo' }), ['src', 'dst'])).toBe('match')
    expect(z.test('z', pkt({ src: '10.1.2.3' }), ['src', 'dst'])).toBe('none')
  })

  it('keeps nomatch', () => {
    expect(d.test('i', pkt({ src: '10.3.0.1', inIface: 'eth0' }), ['src', 'src'])).toBe('nomatch')
  })
})

describe('list:set', () => {
  const d = db(
    'create a hash:ip\nadd a 10.0.0.1\ncreate n hash:net\nadd n 10.0.0.0/8 nomatch\ncreate m hash:net\nadd m 10.0.0.0/24\ncreate v6 hash:ip family inet6\nadd v6 ::1\ncreate l list:set\nadd l v6\nadd l n\nadd l m\ncreate l2 list:set\nadd l2 a\n',
  )

  it('tests its member sets in order; a nomatch in one does not stop the next', () => {
    expect(d.test('l', pkt({ src: '10.0.0.9' }), ['src'])).toBe('match')
    expect(d.test('l', pkt({ src: '10.5.0.9' }), ['src'])).toBe('nomatch')
    expect(d.test('l', pkt({ family: 6, src: '::1', dst: '::2' }), ['src'])).toBe('match')
  })

  it('applies --return-nomatch inside each member set', () => {
    // n answers nomatch (true with the flag) before m's plain match is even needed.
    expect(d.matchSet('l', pkt({ src: '10.0.0.9' }), ['src'], { returnNomatch: true })).toBe(true)
    expect(d.matchSet('l', pkt({ src: '10.5.0.9' }), ['src'], { returnNomatch: true })).toBe(true)
    expect(d.matchSet('l2', pkt({ src: '10.0.0.1' }), ['src'], { returnNomatch: true })).toBe(true)
    expect(d.matchSet('l', pkt({ src: '11.0.0.1' }), ['src'], { returnNomatch: true })).toBe(false)
  })
})

describe('SET target', () => {
  it('adds at the most specific prefix present in a hash:net, and deletes the same way', () => {
    const d = db('create n hash:net\nadd n 10.0.0.0/8\nadd n 192.168.0.0/16\n')
    d.add('n', pkt({ src: '172.16.5.5' }), ['src'])
    expect(d.get('n')?.members.map((m) => m.elem)).toEqual([
      '10.0.0.0/8',
      '192.168.0.0/16',
      '172.16.0.0/16',
    ])
    d.del('n', pkt({ src: '10.9.9.9' }), ['src'])
    expect(d.get('n')?.members.map((m) => m.elem)).toHaveLength(3)
    d.del('n', pkt({ src: '192.168.9.9' }), ['src'])
    expect(d.get('n')?.members.map((m) => m.elem)).toEqual(['10.0.0.0/8', '172.16.0.0/16'])
  })

  it('starts counters at the packet and timeouts at --timeout or the set default', () => {
    const d = db('create t hash:ip timeout 300 counters\n')
    d.add('t', pkt({ src: '1.2.3.4', length: 99 }), ['src'])
    d.add('t', pkt({ src: '1.2.3.5' }), ['src'], 7)
    expect(printIpsetSave(d.snapshot())).toContain(
      'add t 1.2.3.4 timeout 300 packets 1 bytes 99\nadd t 1.2.3.5 timeout 7 packets 1 bytes 60\n',
    )
  })

  it('leaves an existing element alone, unless --exist, which re-initialises it', () => {
    const d = db('create n hash:net timeout 100\nadd n 10.0.0.0/8 timeout 5 nomatch\n')
    d.add('n', pkt({ src: '10.1.1.1' }), ['src'], 50)
    expect(d.get('n')?.members[0]).toEqual({
      elem: '10.0.0.0/8',
      options: [{ name: 'timeout', value: '5' }],
      nomatch: true,
    })
    d.add('n', pkt({ src: '10.1.1.1' }), ['src'], 50, true)
    expect(d.get('n')?.members[0]).toEqual({
      elem: '10.0.0.0/8',
      options: [{ name: 'timeout', value: '50' }],
      nomatch: false,
    })
  })

  it('does not add past maxelem, and refuses to guess forceadd eviction', () => {
    const d = db(
      'create s hash:ip maxelem 1\nadd s 1.1.1.1\ncreate f hash:ip maxelem 1 forceadd\nadd f 1.1.1.1\n',
    )
    d.add('s', pkt({ src: '2.2.2.2' }), ['src'])
    expect(d.get('s')?.members).toHaveLength(1)
    expect(() => d.add('f', pkt({ src: '2.2.2.2' }), ['src'])).toThrow(/forceadd/)
  })

  it('adds to the first list member that takes the element', () => {
    const d = db(
      'create a hash:ip family inet6\ncreate b hash:ip\nadd b 1.1.1.1\ncreate c hash:ip\ncreate l list:set\nadd l a\nadd l b\nadd l c\n',
    )
    d.add('l', pkt({ src: '1.1.1.1' }), ['src'])
    expect(d.get('c')?.members.map((m) => m.elem)).toEqual(['1.1.1.1'])
    d.add('l', pkt({ src: '2.2.2.2' }), ['src'])
    expect(d.get('b')?.members.map((m) => m.elem)).toEqual(['1.1.1.1', '2.2.2.2'])
  })

  it('works on a clone without touching the original', () => {
    const sets = parseIpsetSave('create a hash:ip\n')
    const d = createIpSetDb(sets)
    const c = d.clone()
    c.add('a', pkt(), ['src'])
    expect(d.get('a')?.members).toHaveLength(0)
    expect(c.get('a')?.members).toHaveLength(1)
    // an untouched set is handed back as it came in
    expect(d.snapshot()[0]).toBe(sets[0])
  })
})

describe('createIpSetDb', () => {
  it('checks members of hand-built sets like restore input', () => {
    const bad = [
      {
        name: 'x',
        type: 'hash:net' as const,
        family: 'inet' as const,
        options: [],
        members: [{ elem: '10.0.0.0/33', options: [], nomatch: false }],
      },
    ]
    try {
      createIpSetDb(bad)
      expect.unreachable()
    } catch (e) {
      expect(isKpathError(e) && e.code).toBe('KPATH_INVALID_ARGUMENT')
    }
  })

  it('accepts hand-built sets in non-canonical spelling', () => {
    const d = createIpSetDb([
      {
        name: 'p',
        type: 'hash:ip,port',
        family: 'inet',
        options: [],
        members: [{ elem: '10.0.0.2,http', options: [], nomatch: false }],
      },
    ])
    expect(d.test('p', pkt(), ['dst', 'dst'])).toBe('match')
  })

  it('refuses a list:set member that does not exist', () => {
    expect(() =>
      createIpSetDb([
        {
          name: 'l',
          type: 'list:set',
          options: [],
          members: [{ elem: 'nope', options: [], nomatch: false }],
        },
      ]),
    ).toThrow(/does not exist/)
  })
})
