/**
 * The core extensions, table-driven. Each row is `[written, saved]` (or `[written, null]` for a
 * refusal) as iptables 1.8.9 behaves: most rows were checked with the real binaries (the
 * fixtures under iptables-save/testdata cover many more), the ipvs rows come from iptables' own
 * libxt_ipvs.t because the reference kernel has no IPVS.
 */
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../../../errors.js'
import { formatRuleSpec } from '../../../iptables-save/format.js'
import { parseIptablesSave } from '../../../iptables-save/parser.js'
import { decimalPort, formatMarkMask, markMask, portRange, uint64 } from './common.js'
import { parseCNumber, protocolName, protocolNumber, servicePort } from './netdb.js'
import { formatProbability } from './statistic.js'
import { formatHostMask, formatInet6, hostMask, xtIPv4 } from './xt-addr.js'

/** The saved text of one rule, or null when refused. */
function saved(spec: string, family: 4 | 6 = 4, table = 'filter', chain = 'INPUT'): string | null {
  try {
    const rs = parseIptablesSave(`*${table}\n-A ${chain} ${spec}\nCOMMIT\n`, { family })
    const rule = rs.tables[0]?.chains.find((c) => c.name === chain)?.rules[0]
    return rule ? formatRuleSpec(rule).trim() : null
  } catch (e) {
    if (isKpathError(e)) return null
    throw e
  }
}

const ROWS: [string, string, string | null][] = [
  ['ipvs', '-m ipvs --ipvs', '-m ipvs --ipvs'],
  ['ipvs', '-m ipvs ! --ipvs', '-m ipvs ! --ipvs'],
  ['ipvs', '-m ipvs --vproto tcp', '-m ipvs --vproto 6'],
  ['ipvs', '-m ipvs ! --vproto TCP', '-m ipvs ! --vproto 6'],
  ['ipvs', '-m ipvs --vproto 23', '-m ipvs --vproto 23'],
  ['ipvs', '-m ipvs --vaddr 1.2.3.4', '-m ipvs --vaddr 1.2.3.4'],
  ['ipvs', '-m ipvs ! --vaddr 1.2.3.4/255.255.255.0', '-m ipvs ! --vaddr 1.2.3.4/24'],
  ['ipvs', '-m ipvs --vport http', '-m ipvs --vport 80'],
  ['ipvs', '-m ipvs ! --vport ssh', '-m ipvs ! --vport 22'],
  ['ipvs', '-m ipvs --vdir ORIGINAL', '-m ipvs --vdir ORIGINAL'],
  ['ipvs', '-m ipvs --vdir REPLY', '-m ipvs --vdir REPLY'],
  ['ipvs', '-m ipvs --vmethod GATE', '-m ipvs --vmethod GATE'],
  ['ipvs', '-m ipvs ! --vmethod IPIP', '-m ipvs ! --vmethod IPIP'],
  ['ipvs', '-m ipvs ! --vportctl 21', '-m ipvs ! --vportctl 21'],
  [
    'ipvs',
    '-m ipvs --vproto 6 --vaddr 1.2.3.4/16 --vport 22 --vdir ORIGINAL --vmethod GATE',
    '-m ipvs --vproto 6 --vaddr 1.2.3.4/16 --vport 22 --vdir ORIGINAL --vmethod GATE',
  ],
  ['ipvs', '-m ipvs --ipvs --vport 22', '-m ipvs --vport 22'],
  ['tcp', '-p tcp --syn', '-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN'],
  ['tcp', '-p tcp --sport 1024:', '-p tcp -m tcp --sport 1024:65535'],
  ['tcp', '-p tcp --sport 65536', null],
  ['tcp', '-p tcp --dport 5:4', null],
  ['tcp', '-p tcp --tcp-option 0', null],
  ['tcp', '-m tcp --dport 1 -p 6', '-p tcp -m tcp --dport 1'],
  ['udp', '-p udp --dport 99999', '-p udp -m udp --dport 34463'],
  ['udp', '-p udp --dport 0x50', null],
  ['mark', '-m mark --mark 4294967295', '-m mark --mark 0xffffffff'],
  ['mark', '-m mark --mark -1', null],
  ['MARK', '-j MARK --set-xmark 4294967295', '-j MARK --set-xmark 0xffffffff/0xffffffff'],
  ['MARK', '-j MARK --and-mark 0xff', '-j MARK --set-xmark 0x0/0xffffff00'],
  ['MARK', '-j MARK --or-mark 1 --xor-mark 2', null],
  ['MARK', '-j MARK', null],
  ['CONNMARK', '-j CONNMARK --set-mark 1/0xff --mask 0xf', '-j CONNMARK --set-xmark 0x1/0xf'],
  ['CONNMARK', '-j CONNMARK --mask 0xf --set-mark 1/0xff', '-j CONNMARK --set-xmark 0x1/0xff'],
  ['conntrack', '-m conntrack --ctstate n,E,i', '-m conntrack --ctstate INVALID,NEW,ESTABLISHED'],
  ['conntrack', '-m conntrack', null],
  ['conntrack', '-m conntrack --ctproto all', '-m conntrack --ctproto 0'],
  ['conntrack', '-m conntrack ! --ctproto all', '-m conntrack ! --ctproto 0'],
  ['conntrack', '-m conntrack --ctdir sideways', null],
  [
    'statistic',
    '-m statistic --mode random --probability 0.3333333333',
    '-m statistic --mode random --probability 0.33333333349',
  ],
  ['statistic', '-m statistic --mode nth --every 3', null],
  ['statistic', '-m statistic --mode nth --every 3 --packet 3', null],
  ['statistic', '-m statistic --mode sequential --every 3 --packet 0', null],
  [
    'recent',
    '-m recent --name X --set',
    '-m recent --set --name X --mask 255.255.255.255 --rsource',
  ],
  ['recent', '-m recent --set --rcheck', null],
  ['recent', '-m recent --rcheck --reap', null],
  ['recent', '-m recent --set --rttl', null],
  ['nfacct', '-m nfacct --nfacct-name a', '-m nfacct --nfacct-name  a'],
  ['addrtype', '-m addrtype --limit-iface-in', null],
  ['addrtype', '-m addrtype --dst-type LOCAL --limit-iface-in --limit-iface-out', null],
  ['icmp', '-p icmp --icmp-type echo-re', null],
  ['icmp', '-p icmp --icmp-type 3:4', null],
  ['icmp', '-p icmp --icmp-type 3/1:2', '-p icmp -m icmp --icmp-type 3/1'],
  ['REJECT', '-j REJECT --reject-with ""', '-j REJECT --reject-with icmp-net-unreachable'],
  ['REJECT', '-j REJECT --reject-with nope', null],
  ['LOG', '-j LOG --log-level 8', null],
  ['LOG', '-j LOG --log-prefix ""', null],
  ['set', '-m set --match-set S src,dst,src,dst,src,dst,src', null],
  ['set', '-m set --match-set S sideways', null],
  ['set', '-m set ! --match-set S src --packets-gt 1', '-m set ! --match-set S src --packets-gt 1'],
  ['set', '-m set --match-set S src ! --packets-gt 1', null],
  ['owner', '-m owner --uid-owner root', '-m owner --uid-owner 0'],
  ['owner', '-m owner --uid-owner nobody', null],
  ['iprange', '-m iprange --src-range 10.1-10.2', '-m iprange --src-range 10.1.0.0-10.2.0.0'],
  ['multiport', '-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16', null],
  ['multiport', '-p tcp -m multiport --dports 5:5', null],
  ['multiport', '-p tcp -m multiport --sports 1 --dports 2', null],
]

describe('core extensions canonicalise as iptables-save 1.8.9 prints', () => {
  for (const [module, written, expected] of ROWS) {
    it(`${module}: ${written}`, () => {
      expect(
        saved(
          written,
          4,
          module === 'MARK' || module === 'CONNMARK' ? 'mangle' : 'filter',
          module === 'owner' ? 'OUTPUT' : 'INPUT',
        ),
      ).toBe(expected)
    })
  }

  it('keeps nat targets to the nat table and their hooks', () => {
    expect(saved('-p tcp -j DNAT --to-destination 1.2.3.4:80', 4, 'nat', 'PREROUTING')).toBe(
      '-p tcp -j DNAT --to-destination 1.2.3.4:80',
    )
    expect(saved('-j DNAT --to-destination 1.2.3.4:80', 4, 'nat', 'PREROUTING')).toBeNull()
    expect(saved('-p tcp -j DNAT --to-destination [fd00::1]:80', 6, 'nat', 'OUTPUT')).toBe(
      '-p tcp -j DNAT --to-destination [fd00::1]:80',
    )
    expect(saved('-p tcp -j DNAT --to-destination [1.2.3.4]:80', 4, 'nat', 'OUTPUT')).toBeNull()
    expect(saved('-j SNAT --to-source 1.2.3.4', 4, 'nat', 'PREROUTING')).toBeNull()
  })
})

describe('value syntax helpers', () => {
  it('reads numbers the way strtoul(…, 0) does', () => {
    expect([
      parseCNumber('10'),
      parseCNumber('0x1F'),
      parseCNumber('010'),
      parseCNumber(' +7'),
    ]).toEqual([10, 31, 8, 7])
    expect([
      parseCNumber('08'),
      parseCNumber('-1'),
      parseCNumber('0x'),
      parseCNumber('1e3'),
    ]).toEqual([undefined, undefined, undefined, undefined])
    expect(uint64('18446744073709551615')).toBe(18446744073709551615n)
    expect(uint64('18446744073709551616')).toBeUndefined()
  })

  it('keeps the low 16 bits of a numeric service, as getaddrinfo does', () => {
    expect([
      decimalPort('99999'),
      decimalPort('+80'),
      decimalPort('080'),
      decimalPort('0x50'),
    ]).toEqual([34463, 80, 80, undefined])
    expect(portRange('65536:70000', decimalPort)).toEqual([0, 4464])
  })

  it('formats marks like xtables_print_mark_mask', () => {
    expect(markMask('0x00004000/0x00004000')).toEqual({ value: 0x4000, mask: 0x4000 })
    expect(formatMarkMask(0x4000, 0xffffffff)).toBe('0x4000')
    expect(formatMarkMask(0, 0xff0)).toBe('0x0/0xff0')
  })

  it('prints statistic probabilities with glibc %.11f rounding', () => {
    // kube-proxy-spec.md §2.7 table (verified with iptables-save), plus an exact tie.
    const p = (x: number) => formatProbability(Math.round(x * 2 ** 31))
    expect([p(0.5), p(0.3333333333), p(0.2), p(0.1666666667), p(0.1428571429), p(0.1)]).toEqual([
      '0.50000000000',
      '0.33333333349',
      '0.20000000019',
      '0.16666666651',
      '0.14285714272',
      '0.10000000009',
    ])
    // 2^19 / 2^31 = 0.000244140625 exactly: the tie goes to the even digit.
    expect(formatProbability(2 ** 19)).toBe('0.00024414062')
    expect(formatProbability(2 ** 31)).toBe('1.00000000000')
  })

  it('names protocols as proto_to_name does', () => {
    expect([
      protocolName(58),
      protocolName(47),
      protocolName(0),
      protocolName(135),
      protocolName(200),
    ]).toEqual(['ipv6-icmp', 'gre', 'all', 'mobility-header', undefined])
    expect([
      protocolNumber('TCP'),
      protocolNumber('icmpv6'),
      protocolNumber('0x11'),
      protocolNumber('256'),
    ]).toEqual([6, 58, 17, undefined])
    expect([
      servicePort('http', 'tcp'),
      servicePort('domain', 'udp'),
      servicePort('http', 'udp'),
    ]).toEqual([80, 53, undefined])
  })

  it('reads and prints addresses like libxtables and glibc', () => {
    expect(xtIPv4('10.1')).toBe(0x0a010000)
    expect(xtIPv4('010.1.1.1')).toBe(0x08010101)
    expect(formatInet6(0x1020304n)).toBe('::1.2.3.4')
    expect(formatInet6(0x10000n)).toBe('::0.1.0.0')
    expect(formatInet6(2n)).toBe('::2')
    expect(formatInet6((0xffffn << 32n) | 0x01020304n)).toBe('::ffff:1.2.3.4')
    const hm = hostMask('1.2.3.4/255.255.0.255', 4)
    expect(hm && formatHostMask(hm)).toBe('1.2.3.4/255.255.0.255')
    expect(hostMask('example.com', 4)).toBeUndefined()
  })
})
