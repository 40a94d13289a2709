/**
 * Listings that are not what iproute2 prints are refused with a located KpathError: the
 * line, the column of the offending token and the quoted line; valid iproute2 output that
 * kpath does not model is KPATH_UNSUPPORTED, never skipped.
 */
import { describe, expect, it } from 'vitest'
import { thrown } from '../testing/errors.js'
import { parseIpAddrText } from './listing/addr.js'
import { parseBridgeFdbText } from './listing/fdb.js'
import { parseIpLinkJson, parseIpLinkText } from './listing/link.js'
import { parseIpNeighJson } from './listing/neigh.js'
import { parseIpRouteJson, parseIpRouteText } from './listing/route.js'
import { parseIpRuleText } from './listing/rule.js'

const ctx = { netns: 'n' }

const LO = '{"ifindex":1,"ifname":"lo","flags":["LOOPBACK"],"mtu":65536,"link_type":"loopback"}'

describe('JSON listings', () => {
  it('locates a syntax error', () => {
    const text = `[${LO},{"ifindex":2,}]\n`
    const e = thrown(() => parseIpLinkJson(text, ctx))
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.location).toEqual({ line: 1, column: text.indexOf(',}') + 2, text: text.trimEnd() })
  })
  it('locates a value of the wrong type at its key', () => {
    const text = `[\n${LO.replace('"mtu":65536', '"mtu":"65536"')}\n]\n`
    const e = thrown(() => parseIpLinkJson(text, ctx, { file: 'link.json' }))
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.message).toContain('"mtu"')
    expect(e.location?.file).toBe('link.json')
    expect(e.location?.line).toBe(2)
    expect(e.location?.column).toBe(LO.indexOf('"mtu"') + 1)
  })
  it('refuses an unknown key as unsupported, with a hint', () => {
    const text = `[${LO.replace('}', ',"stats64":{}}')}]\n`
    const e = thrown(() => parseIpLinkJson(text, ctx))
    expect(e.code).toBe('KPATH_UNSUPPORTED')
    expect(e.location?.column).toBe(text.indexOf('"stats64"') + 1)
    expect(e.hint).toContain('-s')
  })
  it('refuses link kinds and VXLAN features kpath does not model', () => {
    const bond = `[{"ifindex":2,"ifname":"bond0","flags":[],"mtu":1500,"linkinfo":{"info_kind":"bond"}}]\n`
    expect(thrown(() => parseIpLinkJson(bond, ctx)).code).toBe('KPATH_UNSUPPORTED')
    const gbp = `[{"ifindex":2,"ifname":"vx","flags":[],"mtu":1450,"linkinfo":{"info_kind":"vxlan","info_data":{"id":1,"gbp":true}}}]\n`
    const e = thrown(() => parseIpLinkJson(gbp, ctx))
    expect(e.code).toBe('KPATH_UNSUPPORTED')
    expect(e.location?.column).toBe(gbp.indexOf('"gbp"') + 1)
  })
  it('wants one array of objects', () => {
    expect(thrown(() => parseIpRouteJson('{"dst":"default"}\n')).code).toBe('KPATH_PARSE')
    const e = thrown(() => parseIpRouteJson('[{"dst":"default","flags":[]},7]\n'))
    expect(e.location?.column).toBe(31)
  })
  it('refuses a neighbour in two NUD states', () => {
    const e = thrown(() =>
      parseIpNeighJson('[{"dst":"10.0.0.1","dev":"eth0","state":["STALE","PROBE"]}]\n'),
    )
    expect(e.code).toBe('KPATH_UNSUPPORTED')
  })
  it('refuses a route destination that is not one', () => {
    const e = thrown(() => parseIpRouteJson('[{"dst":"10.0.0.300/24","flags":[]}]\n'))
    expect(e.message).toContain('10.0.0.300/24')
    expect(e.location?.column).toBe(3)
  })
})

describe('text listings', () => {
  it('points at the word out of place', () => {
    const text = 'default via 10.0.0.1 dev eth0 \n10.0.0.0/24 dev eth0 bogus 1 \n'
    const e = thrown(() => parseIpRouteText(text, { file: 'routes.txt' }))
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.location).toEqual({
      file: 'routes.txt',
      line: 2,
      column: 22,
      text: '10.0.0.0/24 dev eth0 bogus 1 ',
    })
  })
  it('refuses a truncated listing', () => {
    const e = thrown(() => parseIpRuleText('0:\tfrom all lookup local\n32766:\tfrom all lookup ma'))
    expect(e.location?.line).toBe(2)
    expect(e.message).toContain('newline')
  })
  it('wants the rule priority and its tab', () => {
    const e = thrown(() => parseIpRuleText('0: from all lookup local\n'))
    expect(e.location?.line).toBe(1)
  })
  it('locates a bad link header and a bad detail', () => {
    expect(
      thrown(() => parseIpLinkText('lo: <UP> mtu 1\n    link/loopback\n', ctx)).location?.line,
    ).toBe(1)
    const text =
      '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n' +
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0  allmulti x minmtu 0 maxmtu 0 \n'
    const e = thrown(() => parseIpLinkText(text, ctx))
    expect(e.location?.line).toBe(2)
    expect(e.location?.column).toBe((text.split('\n')[1]?.indexOf(' x ') as number) + 2)
  })
  it('locates a bad address lifetime', () => {
    const text =
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n' +
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n' +
      '    inet 127.0.0.1/8 scope host lo\n' +
      '       valid_lft forever preferred_lft soon\n'
    const e = thrown(() => parseIpAddrText(text, ctx))
    expect(e.location?.line).toBe(4)
  })
  it('refuses an FDB line with extra words', () => {
    const e = thrown(() =>
      parseBridgeFdbText('00:00:00:00:00:00 dev vx0 dst 10.0.0.1 self permanent extra\n'),
    )
    expect(e.location?.column).toBe(55)
  })
})
