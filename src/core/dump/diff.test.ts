/**
 * `kpath diff` on the captured dumps: a clean dump (the kernel state the objects were rendered
 * into) shows no drift on any node of any case; injected drift (a KUBE-SEP rule deleted, a
 * stale route, rp_filter changed, an ipset member gone) is found and grouped by Service.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { caseDumps, DUMP_CASES, dumpFiles, nodeDirs } from '../../../test/support/dump-fixtures.js'
import { KpathError } from '../errors.js'
import { diffDumps } from './diff.js'
import { driftText, hasDrift } from './diff-text.js'
import { parseDump } from './read.js'

const ROOT = new URL('../../../', import.meta.url).pathname
const example = (file: string) => [{ file, text: readFileSync(join(ROOT, file), 'utf8') }]

describe('a clean dump', () => {
  it.each(DUMP_CASES)('$name: no drift on any node', ({ name, example: file }) => {
    const reports = diffDumps(caseDumps(name), example(file))
    expect(reports.map((r) => [r.node, r.drifts])).toEqual(reports.map((r) => [r.node, []]))
    for (const r of reports)
      expect(r.compared).toEqual([
        'iptables (IPv4)',
        'iptables (IPv6)',
        'IPv4 routes',
        'IPv6 routes',
        'ipsets',
        'sysctls',
        'nftables (kube-proxy tables)',
      ])
    expect(hasDrift(reports)).toBe(false)
  })
})

/** The alpha dump of the flannel case with `edit` applied to one file. */
function edited(file: string, edit: (text: string) => string) {
  const dir = nodeDirs('flannel-vxlan')[0] ?? ''
  const files = dumpFiles(dir)
  files.set(file, edit(files.get(file) ?? ''))
  return diffDumps([parseDump(files, dir)], example('examples/clusters/flannel-vxlan.yaml'))
}

describe('injected drift', () => {
  it('a deleted KUBE-SEP rule: the rule and the Service endpoints', () => {
    const [r] = edited('iptables-save.txt', (t) =>
      t.replace(
        '-A KUBE-SEP-QA4PSDNF5R2OJOPA -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.0.2:8080\n',
        '',
      ),
    )
    expect(r?.drifts).toEqual([
      {
        kind: 'rule',
        change: 'missing',
        group: 'service default/web',
        where: 'ipv4 nat',
        text: '-A KUBE-SEP-QA4PSDNF5R2OJOPA -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.0.2:8080',
      },
      expect.objectContaining({
        kind: 'endpoints',
        change: 'differs',
        group: 'service default/web',
        real: '10.244.0.3:8080, 10.244.1.2:8080',
      }),
    ])
    const text = driftText(r ? [r] : [])
    expect(text).toContain('node alpha: 2 differences')
    expect(text).toContain('service default/web\n  - [ipv4 nat] -A KUBE-SEP-QA4PSDNF5R2OJOPA')
  })
  it('a stale route', () => {
    const [r] = edited('ip-route.json', (t) =>
      t.replace(
        '[',
        '[{"dst":"10.244.9.0/24","gateway":"10.244.9.0","dev":"flannel.1","flags":["onlink"]},',
      ),
    )
    expect(r?.drifts).toEqual([
      {
        kind: 'route',
        change: 'extra',
        group: 'routes',
        where: 'table 254',
        text: '10.244.9.0/24 via 10.244.9.0 dev flannel.1 onlink',
      },
    ])
  })
  it('rp_filter changed', () => {
    const [r] = edited('sysctl.txt', (t) =>
      t.replace('net.ipv4.conf.all.rp_filter = 0', 'net.ipv4.conf.all.rp_filter = 1'),
    )
    expect(r?.drifts).toEqual([
      {
        kind: 'sysctl',
        change: 'differs',
        group: 'sysctls',
        where: 'sysctl',
        text: 'net.ipv4.conf.all.rp_filter = 0',
        real: 'net.ipv4.conf.all.rp_filter = 1',
      },
    ])
  })
  it('an ipset member gone (kube-router)', () => {
    const dir = nodeDirs('kube-router')[0] ?? ''
    const files = dumpFiles(dir)
    const ipset = files.get('ipset-save.txt') ?? ''
    const line = ipset.split('\n').find((l) => l.startsWith('add ')) ?? ''
    files.set('ipset-save.txt', ipset.replace(`${line}\n`, ''))
    const [r] = diffDumps([parseDump(files, dir)], example('examples/seeds/001-kube-router.yaml'))
    expect(r?.drifts).toEqual([
      {
        kind: 'ipset',
        change: 'missing',
        group: 'ipset kube-router-node-ips',
        where: 'ipset',
        text: line,
      },
    ])
  })
})

/** The alpha dump of the nftables-mode case with `edit` applied to one file. */
function editedNft(file: string, edit: (text: string) => string) {
  const dir = nodeDirs('nftables')[0] ?? ''
  const files = dumpFiles(dir)
  files.set(file, edit(files.get(file) ?? ''))
  return diffDumps(
    [parseDump(files, dir)],
    example('examples/clusters/flannel-vxlan-nftables.yaml'),
  )
}

describe('injected drift, kube-proxy in nftables mode', () => {
  it('an endpoint chain’s DNAT deleted: the rule and the Service endpoints', () => {
    const [r] = editedNft('nft-ruleset.txt', (t) =>
      t.replace('\t\tmeta l4proto tcp dnat to 10.244.0.2:8080\n', ''),
    )
    expect(r?.drifts).toEqual([
      {
        kind: 'rule',
        change: 'missing',
        group: 'service default/web',
        where: 'nft ip kube-proxy endpoint-CFQGW5QF-default/web/tcp/http__10.244.0.2/8080',
        text: 'meta l4proto tcp dnat to 10.244.0.2:8080',
      },
      {
        kind: 'endpoints',
        change: 'differs',
        group: 'service default/web',
        where: 'nft ip kube-proxy service-SUSTUHLJ-default/web/tcp/http',
        text: '10.244.0.2:8080, 10.244.0.3:8080, 10.244.1.2:8080',
        real: '10.244.0.3:8080, 10.244.1.2:8080',
      },
    ])
  })
  it('a Service gone from the service-ips map', () => {
    const [r] = editedNft('nft-ruleset.txt', (t) =>
      t.replace(
        '10.96.0.10 . tcp . 80 : goto service-SUSTUHLJ-default/web/tcp/http,\n\t\t\t     ',
        '',
      ),
    )
    expect(r?.drifts).toEqual([
      {
        kind: 'set',
        change: 'missing',
        group: 'service default/web',
        where: 'nft ip kube-proxy map service-ips',
        text: '10.96.0.10 . tcp . 80 : goto service-SUSTUHLJ-default/web/tcp/http',
      },
    ])
    expect(driftText(r ? [r] : [])).toContain(
      'service default/web\n  - [nft ip kube-proxy map service-ips] 10.96.0.10 . tcp . 80 : goto',
    )
  })
  it('a base chain at another priority', () => {
    const [r] = editedNft('nft-ruleset.txt', (t) =>
      t.replace(
        'chain nat-postrouting {\n\t\ttype nat hook postrouting priority srcnat;',
        'chain nat-postrouting {\n\t\ttype nat hook postrouting priority srcnat + 1;',
      ),
    )
    expect(r?.drifts).toEqual([
      {
        kind: 'chain',
        change: 'differs',
        group: 'chain nat-postrouting',
        where: 'nft ip kube-proxy',
        text: 'type nat hook postrouting priority srcnat; policy accept;',
        real: 'type nat hook postrouting priority srcnat + 1; policy accept;',
      },
    ])
  })
  it('a kube-proxy table left on a node in iptables mode', () => {
    const dir = nodeDirs('flannel-vxlan')[0] ?? ''
    const files = dumpFiles(dir)
    const table = 'table ip kube-proxy {\n\tchain services {\n\t}\n}\n'
    files.set('nft-ruleset.txt', `${files.get('nft-ruleset.txt') ?? ''}${table}`)
    const [r] = diffDumps([parseDump(files, dir)], example('examples/clusters/flannel-vxlan.yaml'))
    expect(r?.drifts).toEqual([
      {
        kind: 'chain',
        change: 'extra',
        group: 'table ip kube-proxy',
        where: 'nft ip kube-proxy',
        text: 'table ip kube-proxy (1 chains, 0 sets and maps)',
      },
    ])
  })
})

describe('injected drift, IPv6 routes', () => {
  it('a route added by hand is found; the kernel’s own link-local routes are not compared', () => {
    const [r] = edited('ip-route6.json', (t) =>
      t.replace(
        '[',
        '[{"dst":"fd00:10::/64","gateway":"fe80::1","dev":"eth0","protocol":"static","metric":1024,"flags":[],"pref":"medium"},',
      ),
    )
    expect(r?.drifts).toEqual([
      {
        kind: 'route',
        change: 'extra',
        group: 'IPv6 routes',
        where: 'table 254',
        text: 'fd00:10::/64 via fe80::1 dev eth0 proto static metric 1024',
      },
    ])
  })
})

describe('bad input', () => {
  it('a dump of a host that is not a node of the objects', () => {
    const files = dumpFiles(nodeDirs('calico')[0] ?? '')
    expect(() =>
      diffDumps([parseDump(files, 'x')], example('examples/clusters/flannel-vxlan.yaml')),
    ).toThrow(KpathError)
  })
})
