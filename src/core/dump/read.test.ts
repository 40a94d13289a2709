/**
 * Reading the captured dumps (testdata/, written by the collect script in real namespaces):
 * every file parses, prints back byte for byte (round trip per format), and the node's state
 * holds what the kernel showed. Missing files are "not collected", said in the notes.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { caseDumps, DUMP_CASES, dumpFiles, nodeDirs } from '../../../test/support/dump-fixtures.js'
import { KpathError } from '../errors.js'
import { DUMP_FILES } from './files.js'
import { dumpNetns } from './netns.js'
import { iptablesNftTables, splitIptablesNft } from './nft-split.js'
import { printDumpFile } from './print.js'
import { parseDump } from './read.js'

describe.each(DUMP_CASES)('$name dumps', ({ name }) => {
  for (const dir of nodeDirs(name)) {
    const files = dumpFiles(dir)
    const d = parseDump(files, dir)
    it(`${dir.split('/').pop()}: every file the collect script wrote prints back as it was`, () => {
      expect(d.present.length).toBeGreaterThanOrEqual(15)
      for (const f of d.present) {
        const text = files.get(f) ?? ''
        const want =
          f === 'nft-ruleset.txt'
            ? splitIptablesNft(
                text,
                new Set([
                  ...iptablesNftTables(files.get('iptables-save.txt'), 'ip'),
                  ...iptablesNftTables(files.get('ip6tables-save.txt'), 'ip6'),
                ]),
              ).kept.trim()
            : text
        const got = printDumpFile(d, f) ?? ''
        expect({ f, got: f === 'nft-ruleset.txt' ? got.trim() : got }).toEqual({ f, got: want })
      }
    })
  }
})

describe('the node state from a dump', () => {
  const [alpha] = caseDumps('flannel-vxlan')
  if (alpha === undefined) throw new Error('no fixture')
  const { state, notes } = dumpNetns(alpha, 'node-alpha')

  it('holds the links, addresses, routes and rules the kernel listed', () => {
    expect(alpha.hostname).toBe('alpha')
    expect(state.links.map((l) => [l.name, l.kind])).toEqual([
      ['lo', 'loopback'],
      ['eth0', 'veth'],
      ['flannel.1', 'vxlan'],
      ['cni0', 'bridge'],
      ['vethea7de51b', 'veth'],
      ['vethe28c9177', 'veth'],
    ])
    expect(state.links.find((l) => l.name === 'vethea7de51b')).toMatchObject({
      master: 'cni0',
      bridgePort: { state: 'forwarding' },
    })
    expect(
      state.addresses
        .filter((a) => a.family === 4)
        .map((a) => `${a.iface} ${a.local}/${a.prefixLen}`),
    ).toEqual([
      'lo 127.0.0.1/8',
      'eth0 10.39.0.11/24',
      'flannel.1 10.244.0.0/32',
      'cni0 10.244.0.1/24',
    ])
    expect(state.routes.find((r) => r.dst === '10.244.1.0/24')).toMatchObject({
      via: '10.244.1.0',
      dev: 'flannel.1',
      onlink: true,
    })
    expect(state.rules.map((r) => `${r.family}:${r.priority}`)).toEqual([
      '4:0',
      '4:32766',
      '4:32767',
      '6:0',
      '6:32766',
    ])
    expect(state.sysctls['net.ipv4.ip_forward']).toBe('1')
  })
  it('reads the rules from iptables-save and leaves iptables-nft tables out of nft', () => {
    expect(state.iptables.ipv4?.tables.map((t) => t.name).sort()).toEqual([
      'filter',
      'mangle',
      'nat',
    ])
    expect(state.nftables).toBeUndefined()
    expect(notes).toContain(
      "nft tables ip mangle, ip filter, ip nat, ip6 mangle, ip6 filter, ip6 nat are iptables-nft's: read from iptables-save",
    )
  })
  it('a veth to a pod keeps no peer: the pod namespace is not in the dump', () => {
    expect(state.links.find((l) => l.name === 'vethea7de51b')?.peer).toBeUndefined()
  })
})

describe('missing files', () => {
  it('mean "not collected", and the notes say so', () => {
    const files = new Map([
      ['hostname.txt', 'n1\n'],
      ['ip-route.json', '[]\n'],
    ])
    const d = parseDump(files, 'x')
    expect(d.present).toEqual(['hostname.txt', 'ip-route.json'])
    const { state, notes } = dumpNetns(d, 'node-n1')
    expect(notes).toContain('iptables-save.txt not collected: no IPv4 iptables rules')
    expect(notes).toContain('sysctl.txt not collected')
    expect(state.iptables).toEqual({})
  })
  it('an empty folder is refused', () => {
    expect(() => parseDump(new Map([['notes.md', '']]), 'x')).toThrow(KpathError)
  })
  it('every file name the reader knows is one the collect script writes', () => {
    expect(DUMP_FILES.map((f) => f.name)).toHaveLength(new Set(DUMP_FILES.map((f) => f.name)).size)
  })
})

describe('parse errors are located in DIR/FILE:line:column', () => {
  it('a broken iptables-save line', () => {
    const files = new Map([
      [
        'iptables-save.txt',
        '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dprot 80 -j ACCEPT\nCOMMIT\n',
      ],
    ])
    try {
      parseDump(files, 'dumps/n1')
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(KpathError)
      const k = e as KpathError
      expect(k.location).toMatchObject({ file: 'dumps/n1/iptables-save.txt', line: 3 })
      expect(k.location?.text).toBe('-A INPUT -p tcp --dprot 80 -j ACCEPT')
    }
  })
  it('a hostname with two lines', () => {
    try {
      parseDump(new Map([['hostname.txt', 'a\nb\n']]), 'd')
      expect.unreachable()
    } catch (e) {
      expect((e as KpathError).location).toMatchObject({
        file: 'd/hostname.txt',
        line: 2,
        column: 1,
        text: 'b',
      })
    }
  })
  it('a truncated ip -j route', () => {
    try {
      parseDump(new Map([['ip-route.json', '[{"dst":"default",']]), 'd')
      expect.unreachable()
    } catch (e) {
      expect((e as KpathError).code).toBe('KPATH_PARSE')
      expect((e as KpathError).location?.file).toBe('d/ip-route.json')
    }
  })
})

describe('ipvsadm -Sn (IPVS nodes)', () => {
  it('loads into the IPVS model and prints back', () => {
    const save = readFileSync(new URL('../ipvs/testdata/save.txt', import.meta.url), 'utf8')
    const d = parseDump(new Map([['ipvsadm.txt', save]]), 'd')
    const { state } = dumpNetns(d, 'node-x')
    expect(state.ipvs?.services.length).toBeGreaterThan(0)
    expect(printDumpFile(d, 'ipvsadm.txt')).toBe(save)
  })
})
