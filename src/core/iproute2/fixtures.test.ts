/**
 * Round trips on every listing captured from the real tools (testdata/, see its README):
 * parse, then print, must give the capture back byte for byte, for the JSON and the text
 * forms. The `fresh` captures (a namespace nothing was done to) must also be what kpath
 * prints for the model's empty namespace.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { emptyNetns } from '../model/netns.js'
import { type IpContext, parseNetnsIds } from './context.js'
import { printIpAddrJson, printIpAddrText } from './listing/addr.js'
import { printIpLinkJson, printIpLinkText } from './listing/link.js'
import { printIpRouteJson, printIpRouteText } from './listing/route.js'
import { printIpRuleJson, printIpRuleText } from './listing/rule.js'
import { addrListing, linkRecords, routeRecords, ruleRecords } from './render/records.js'
import { worldOf } from './render/world.js'
import { ROUND_TRIPS } from './testkit.js'

const dir = new URL('./testdata/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8')

const nodeCtx: IpContext = { netns: 'node', netnsIds: parseNetnsIds(read('node.netns-ids.txt')) }

const captures = [
  ...readdirSync(dir)
    .filter((f) => /^(fresh|node)\./.test(f))
    .map((f) => ({ file: f, ctx: nodeCtx })),
  ...readdirSync(new URL('lab/', dir))
    .filter((f) => /^[ab]\./.test(f) && !f.endsWith('sysctl.json'))
    .map((f) => ({ file: `lab/${f}`, ctx: { netns: 'lab' } })),
]

describe('every captured listing round-trips byte for byte', () => {
  const covered = new Set<string>()
  for (const { file, ctx } of captures) {
    const kind = file.replace(/^(lab\/)?[a-z]+\./, '')
    const roundTrip = ROUND_TRIPS[kind]
    if (roundTrip === undefined) continue
    covered.add(kind)
    it(file, () => {
      const text = read(file)
      expect(roundTrip(text, ctx)).toBe(text)
    })
  }
  it('covers every listing kind', () => {
    expect([...covered].sort()).toEqual(Object.keys(ROUND_TRIPS).sort())
  })
})

describe('a fresh namespace is what the model calls empty', () => {
  const world = worldOf(emptyNetns('fresh'))
  const ctx = { netns: 'fresh' }
  it('ip -j -d link and ip -d link', () => {
    expect(printIpLinkJson(linkRecords(world), ctx)).toBe(read('fresh.link.json'))
    expect(printIpLinkText(linkRecords(world), ctx)).toBe(read('fresh.link.txt'))
  })
  it('ip -j addr, ip -j -d addr and ip addr', () => {
    expect(printIpAddrJson(addrListing(world), ctx)).toBe(read('fresh.addr.json'))
    expect(printIpAddrJson(addrListing(world), ctx, { details: true, mode: 'addr' })).toBe(
      read('fresh.addr-d.json'),
    )
    expect(printIpAddrText(addrListing(world), ctx)).toBe(read('fresh.addr.txt'))
  })
  it('no routes, and the default rules', () => {
    expect(printIpRouteJson(routeRecords(world))).toBe(read('fresh.route.json'))
    expect(printIpRouteText(routeRecords(world))).toBe(read('fresh.route.txt'))
    expect(printIpRuleJson(ruleRecords(world, 4))).toBe(read('fresh.rule.json'))
    expect(printIpRuleText(ruleRecords(world, 6))).toBe(read('fresh.rule6.txt'))
  })
})
