/**
 * ipip and dummy links cannot be created on the fixture kernel (no CONFIG_NET_IPIP, no
 * CONFIG_DUMMY), so their listings are derived from the iproute2 6.1 and kernel sources, not
 * captured: **unverified**. These tests pin the derived shape (so a change is deliberate)
 * and check that kpath reads back what it prints, in JSON and in text.
 */
import { describe, expect, it } from 'vitest'
import { emptyNetns, type Link } from '../model/netns.js'
import {
  parseIpLinkJson,
  parseIpLinkText,
  printIpLinkJson,
  printIpLinkText,
} from './listing/link.js'
import { linkRecords } from './render/records.js'
import { worldOf } from './render/world.js'

const tunl: Link = {
  index: 2,
  name: 'tunl0',
  kind: 'ipip',
  mtu: 1480,
  up: true,
  noarp: true,
  iptun: { ttl: 0, pmtudisc: true },
}
const ipip: Link = {
  index: 3,
  name: 'ipip1',
  kind: 'ipip',
  mtu: 1480,
  up: true,
  noarp: true,
  iptun: { local: '10.0.0.1', remote: '10.0.0.2', ttl: 64, pmtudisc: true },
}
const dummy: Link = {
  index: 4,
  name: 'kube-ipvs0',
  kind: 'dummy',
  mtu: 1500,
  up: false,
  noarp: true,
  mac: '02:00:00:00:00:44',
}

const state = { ...emptyNetns('u'), links: [emptyNetns('u').links[0] as Link, tunl, ipip, dummy] }
const ctx = { netns: 'u' }
const records = linkRecords(worldOf(state))

describe('ipip and dummy (shapes derived from source, unverified)', () => {
  it('print tunl0 the way Calico nodes show it', () => {
    const text = printIpLinkText(records, ctx)
    expect(text).toContain(
      '2: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n',
    )
    expect(text).toContain('    link/ipip 0.0.0.0 brd 0.0.0.0 promiscuity 0 ')
    expect(text).toContain('    ipip ipip remote any local any ttl inherit pmtudisc ')
    expect(text).toContain('3: ipip1@NONE: <POINTOPOINT,NOARP,UP,LOWER_UP>')
    expect(text).toContain('    link/ipip 10.0.0.1 peer 10.0.0.2 ')
    expect(text).toContain('4: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN')
    expect(text).toContain('\n    dummy addrgenmode eui64 ')
  })
  it('read back what they print', () => {
    const json = printIpLinkJson(records, ctx)
    expect(printIpLinkJson(parseIpLinkJson(json, ctx), ctx)).toBe(json)
    expect(parseIpLinkJson(json, ctx).map((r) => r.link)).toEqual(state.links)
    const text = printIpLinkText(records, ctx)
    expect(printIpLinkText(parseIpLinkText(text, ctx), ctx)).toBe(text)
    expect(parseIpLinkText(text, ctx).map((r) => r.link)).toEqual(state.links)
  })
})
