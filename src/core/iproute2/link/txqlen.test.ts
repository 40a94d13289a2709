/**
 * The transmit queue length both ways: the kernel's defaults per kind, what the model reads
 * from real listings (testdata/lab: the conformance world, whose tun0, vdn1 and vdn2 were made
 * with txqueuelen 100, 0 and 7 by the real `ip -batch`), and what the printers give back. A
 * zero queue length is printed by iproute2 as no `qlen` / no `txqlen` at all.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Link } from '../../model/netns.js'
import { parseIpAddrJson, parseIpAddrText } from '../listing/addr.js'
import {
  parseIpLinkJson,
  parseIpLinkText,
  printIpLinkJson,
  printIpLinkText,
} from '../listing/link.js'
import { defaultTxqlen, txqlenOf } from './txqlen.js'

const lab = new URL('../testdata/lab/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, lab), 'utf8')
const ctx = { netns: 'a' }
const qlens = (links: readonly { link: Link }[]) =>
  Object.fromEntries(links.map((l) => [l.link.name, l.link.txqlen]))

describe('defaultTxqlen', () => {
  it('is 500 for a TUN device and 1000 for every other kind', () => {
    const kinds: Link['kind'][] = ['loopback', 'ether', 'veth', 'bridge', 'vxlan', 'ipip']
    for (const kind of [...kinds, 'macvlan', 'dummy'] as const)
      expect(defaultTxqlen({ kind })).toBe(1000)
    expect(defaultTxqlen({ kind: 'tun', tun: { mode: 'tun' } })).toBe(500)
    // A TAP device is Ethernet (ether_setup); a tun link read without -d has no mode.
    expect(defaultTxqlen({ kind: 'tun', tun: { mode: 'tap' } })).toBe(1000)
    expect(defaultTxqlen({ kind: 'tun' })).toBe(500)
  })

  it('gives way to a given queue length, 0 included', () => {
    expect(txqlenOf({ kind: 'dummy', txqlen: 0 })).toBe(0)
    expect(txqlenOf({ kind: 'tun', txqlen: 1000 })).toBe(1000)
    expect(txqlenOf({ kind: 'veth' })).toBe(1000)
  })
})

describe('reading txqlen from real listings', () => {
  const want = { lo: undefined, eth0: undefined, tun0: 100, br1: undefined, vdn1: 0, vdn2: 7 }

  it.each([
    ['ip -j -d link', () => parseIpLinkJson(read('a.link.json'), ctx)],
    ['ip -d link', () => parseIpLinkText(read('a.link.txt'), ctx)],
    ['ip -j link', () => parseIpLinkJson(read('a.link-plain.json'), ctx)],
    [
      'ip link',
      () => parseIpLinkText(read('a.link-plain.txt'), ctx, { details: false, mode: 'link' }),
    ],
    ['ip -j addr', () => parseIpAddrJson(read('a.addr.json'), ctx).links],
    ['ip addr', () => parseIpAddrText(read('a.addr.txt'), ctx).links],
  ])('%s: only a queue length other than the kind default enters the model', (_, parse) => {
    expect(qlens(parse())).toMatchObject(want)
  })

  it('prints the listings back unchanged', () => {
    const json = read('a.link.json')
    expect(printIpLinkJson(parseIpLinkJson(json, ctx), ctx)).toBe(json)
    const text = read('a.link-plain.txt')
    const view = { details: false, mode: 'link' } as const
    expect(printIpLinkText(parseIpLinkText(text, ctx, view), ctx, view)).toBe(text)
  })
})

describe('printing a model link', () => {
  const dummy: Link = { index: 7, name: 'kube-ipvs0', kind: 'dummy', mtu: 1500, up: false }
  const view = { details: false, mode: 'link' } as const
  const header = (l: Link) =>
    printIpLinkText([{ link: l, extra: { qdisc: 'noop', group: 'default' } }], ctx, view).split(
      '\n',
    )[0]

  it('leaves qlen out for a zero queue length, as print_queuelen does', () => {
    expect(header({ ...dummy, txqlen: 0 })).toBe(
      '7: kube-ipvs0: <> mtu 1500 qdisc noop group default ',
    )
    expect(header(dummy)).toBe('7: kube-ipvs0: <> mtu 1500 qdisc noop group default qlen 1000')
    expect(header({ ...dummy, txqlen: 42 })).toMatch(/ qlen 42$/)
  })

  it('refuses a txqlen that is not a queue length', () => {
    const bad =
      '[{"ifindex":1,"ifname":"x","flags":[],"mtu":1500,"txqlen":-1,"link_type":"ether"}]\n'
    expect(() => parseIpLinkJson(bad, ctx)).toThrow(/txqlen/)
  })
})
