import { describe, expect, it } from 'vitest'
import { thrown } from '../testing/errors.js'
import { ICMP_NAMES, ICMPV6_NAMES } from './icmp.js'
import { parseIpsetSave, printIpsetSave } from './save.js'
import raw from './testdata/ipset-fixtures.json' with { type: 'json' }

interface FixtureCase {
  readonly name: string
  readonly exist: boolean
  readonly input: string
  readonly save: string
}
const FIX = raw as unknown as {
  tool: string
  cases: FixtureCase[]
  invalid: { name: string; exist: boolean; input: string; message: string }[]
  icmp: string[]
}

/** The kernel's random initval and ticking timeouts are the only allowed differences. */
function comparable(text: string): string[] {
  const out: string[] = []
  let members: string[] = []
  const flush = () => {
    out.push(...members.sort())
    members = []
  }
  for (const line of text.split('\n')) {
    const l = line.replace(/ initval 0x[0-9a-f]{8}/, '')
    if (l.startsWith('create ')) {
      flush()
      out.push(l)
    } else if (l !== '') members.push(l)
  }
  flush()
  return out
}

/** Timeouts in a dump are seconds left; allow the capture a few seconds. */
function sameModuloTimeouts(ours: string, real: string): boolean {
  const t = /timeout (\d+)/g
  const a = [...ours.matchAll(t)].map((m) => Number(m[1]))
  const b = [...real.matchAll(t)].map((m) => Number(m[1]))
  if (a.length !== b.length) return false
  if (a.some((v, i) => v - (b[i] ?? -99) > 3 || v < (b[i] ?? 0))) return false
  return ours.replace(t, 'timeout T') === real.replace(t, 'timeout T')
}

describe('ipset save fixtures (ipset 7.17)', () => {
  it('were made by ipset 7.17', () => {
    expect(FIX.tool).toMatch(/^ipset v7\.17/)
    expect(FIX.cases.length).toBeGreaterThanOrEqual(8)
  })

  it.each(FIX.cases.map((c) => [c.name, c] as const))(
    '%s: parse then print gives the dump back byte for byte',
    (_, c) => {
      expect(printIpsetSave(parseIpsetSave(c.save))).toBe(c.save)
    },
  )

  it.each(FIX.cases.map((c) => [c.name, c] as const))(
    '%s: restore input normalises to what ipset save printed',
    (_, c) => {
      const ours = comparable(printIpsetSave(parseIpsetSave(c.input, { exist: c.exist })))
      const real = comparable(c.save)
      expect(ours.length).toBe(real.length)
      for (const [i, line] of ours.entries()) {
        expect(sameModuloTimeouts(line, real[i] ?? ''), `${line}\n  vs ${real[i]}`).toBe(true)
      }
    },
  )

  it('covers every modelled type in both families and every create option', () => {
    const all = FIX.cases.map((c) => c.save).join('')
    for (const t of [
      'hash:ip',
      'hash:net',
      'hash:ip,port',
      'hash:ip,port,ip',
      'hash:ip,port,net',
      'hash:net,port',
      'hash:net,iface',
    ]) {
      expect(all).toMatch(new RegExp(`create \\S+ ${t} family inet `))
      expect(all).toMatch(new RegExp(`create \\S+ ${t} family inet6 `))
    }
    for (const o of [
      'timeout',
      'counters',
      'comment',
      'skbinfo',
      'netmask',
      'bitmask',
      'range',
      'size',
      'nomatch',
      'skbmark',
      'skbprio',
      'skbqueue',
      'packets',
      ',physdev:',
    ]) {
      expect(all).toContain(o.startsWith(',') ? o : ` ${o}`)
    }
  })

  it.each(FIX.invalid.map((c) => [c.name, c] as const))(
    '%s: refused like ipset refuses it',
    (_, c) => {
      const e = thrown(() => parseIpsetSave(c.input, { exist: c.exist }))
      expect(['KPATH_PARSE', 'KPATH_UNSUPPORTED']).toContain(e.code)
      const m = /Error in line (\d+)/.exec(c.message)
      if (m) expect(e.location?.line).toBe(Number(m[1]))
      expect(e.location?.text).toBe(c.input.split('\n')[(e.location?.line ?? 1) - 1])
    },
  )

  it('knows exactly the ICMP and ICMPv6 names ipset prints', () => {
    const v4 = FIX.icmp.filter((l) => l.includes(',icmp:')).map((l) => l.slice(l.indexOf(':') + 1))
    const v6 = FIX.icmp
      .filter((l) => l.includes(',ipv6-icmp:'))
      .map((l) => l.slice(l.lastIndexOf(':') + 1))
    expect(v4.sort()).toEqual(ICMP_NAMES.map((n) => n.name).sort())
    expect(v6.sort()).toEqual(ICMPV6_NAMES.map((n) => n.name).sort())
    // and each name reads back to itself
    const text = [
      'create s4 hash:ip,port',
      'create s6 hash:ip,port family inet6',
      ...FIX.icmp,
      '',
    ].join('\n')
    const printed = printIpsetSave(parseIpsetSave(text))
    for (const l of FIX.icmp) expect(printed).toContain(`${l}\n`)
  })
})

describe('normalisation', () => {
  const norm = (input: string) => printIpsetSave(parseIpsetSave(input))

  it('fills the create defaults the kernel prints and leaves the random initval out', () => {
    expect(norm('create a hash:ip\n')).toBe(
      'create a hash:ip family inet hashsize 1024 maxelem 65536 bucketsize 12\n',
    )
    expect(norm('-N b setlist\n')).toBe('create b list:set size 8\n')
  })

  it('rounds hashsize and bucketsize and formats initval as the kernel does', () => {
    expect(norm('create a hash:net hashsize 1000 bucketsize 7 initval 255\n')).toBe(
      'create a hash:net family inet hashsize 1024 maxelem 65536 bucketsize 8 initval 0x000000ff\n',
    )
  })

  it('prints one element per host of a range, and the covering prefixes in hash:net', () => {
    expect(norm('create a hash:ip\nadd a 10.0.0.6-10.0.0.4\n')).toContain(
      'add a 10.0.0.4\nadd a 10.0.0.5\nadd a 10.0.0.6\n',
    )
    expect(norm('create n hash:net\nadd n 10.0.0.1-10.0.0.6\n')).toContain(
      'add n 10.0.0.1\nadd n 10.0.0.2/31\nadd n 10.0.0.4/31\nadd n 10.0.0.6\n',
    )
  })

  it('spells ports as protocol:number and ICMP by name', () => {
    const out = norm(
      'create p hash:ip,port\nadd p 1.1.1.1,http\nadd p 1.1.1.1,udp:0x35\nadd p 1.1.1.1,icmp:3/3\nadd p 1.1.1.1,94:0\n',
    )
    expect(out).toContain(
      'add p 1.1.1.1,tcp:80\nadd p 1.1.1.1,udp:53\nadd p 1.1.1.1,icmp:port-unreachable\nadd p 1.1.1.1,ipip:0\n',
    )
  })

  it('puts member options in print order, with nomatch after the timeout', () => {
    const out = norm(
      'create n hash:net timeout 9 counters comment\nadd n 10.0.0.0/8 comment "c d" nomatch bytes 5\n',
    )
    expect(out).toContain('add n 10.0.0.0/8 timeout 9 nomatch packets 0 bytes 5 comment "c d"\n')
  })

  it('reuses the slot of a destroyed set, and prints list:set sets last', () => {
    const out = norm(
      'create a hash:ip\ncreate l list:set\ncreate b hash:ip\ndestroy a\ncreate c hash:net\n',
    )
    expect(out.split('\n').map((l) => l.split(' ')[1])).toEqual(['c', 'b', 'l', undefined])
  })
})

describe('errors', () => {
  it('locate the offending word and quote the line', () => {
    const e = thrown(() =>
      parseIpsetSave('create a hash:net\nadd a 10.0.0.0/33\n', { file: 'sets.txt' }),
    )
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.location).toEqual({ file: 'sets.txt', line: 2, column: 16, text: 'add a 10.0.0.0/33' })
    expect(e.message).toContain("'33' is out of range 0-32")
  })

  it('give a hint', () => {
    const e = thrown(() => parseIpsetSave('create a hash:ip frob\n'))
    expect(e.location?.column).toBe(18)
    expect(e.hint).toContain('hash:ip takes: hashsize, maxelem')
  })

  it('say unsupported, with the location, for a type kpath does not model', () => {
    const e = thrown(() => parseIpsetSave('# x\ncreate m hash:mac\n'))
    expect(e.code).toBe('KPATH_UNSUPPORTED')
    expect(e.location).toMatchObject({ line: 2, column: 10, text: 'create m hash:mac' })
  })

  it('say unsupported for host names and inet_aton shorthand, which ipset resolves', () => {
    expect(thrown(() => parseIpsetSave('create a hash:ip\nadd a example.com\n')).code).toBe(
      'KPATH_UNSUPPORTED',
    )
    expect(thrown(() => parseIpsetSave('create a hash:ip\nadd a 10.1\n')).code).toBe(
      'KPATH_UNSUPPORTED',
    )
    expect(
      thrown(() => parseIpsetSave('create a hash:ip,port\nadd a 1.1.1.1,tcp:gopher\n')).code,
    ).toBe('KPATH_UNSUPPORTED')
  })

  it('explain that a per-line -exist does nothing in ipset 7.17 restore mode', () => {
    const e = thrown(() =>
      parseIpsetSave('create a hash:ip\nadd a 1.1.1.1\nadd -exist a 1.1.1.1\n'),
    )
    expect(e.hint).toContain('ipset restore -exist')
    expect(
      parseIpsetSave('create a hash:ip\nadd a 1.1.1.1\nadd a 1.1.1.1\n', { exist: true })[0]
        ?.members,
    ).toHaveLength(1)
  })
})
