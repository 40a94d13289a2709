/**
 * The node-dump commands end to end through the CLI (docs/DUMP.md): `kpath collect` prints a
 * POSIX sh script; `kpath trace --dump DIR …` on the captured fixtures (src/core/dump/testdata),
 * from their folders and from a tarball, with what-if edits; `kpath diff --dump DIR FILE` clean
 * (exit 0), with an injected drift (exit 1), and on a bad folder (exit 2, located message).
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { kpath } from './support/cli.js'
import { REPO_ROOT } from './support/shared.js'

const TESTDATA = join(REPO_ROOT, 'src/core/dump/testdata')
const VXLAN = join(REPO_ROOT, 'examples/clusters/flannel-vxlan.yaml')
const ALPHA = join(TESTDATA, 'flannel-vxlan/alpha')
const BETA = join(TESTDATA, 'flannel-vxlan/beta')
const VXLAN_DUMPS = ['--dump', ALPHA, '--dump', BETA]

/** A copy of a fixture folder in a temp dir, with `edit` applied to one of its files. */
function editedCopy(dir: string, file: string, edit: (text: string) => string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'kpath-cli-dump-')), 'alpha')
  cpSync(dir, copy, { recursive: true })
  writeFileSync(join(copy, file), edit(readFileSync(join(copy, file), 'utf8')))
  return copy
}

describe('kpath collect', () => {
  it('prints a POSIX sh script that sh -n accepts', () => {
    const r = kpath('collect')
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith('#!/bin/sh\n')).toBe(true)
    expect(r.stdout).toContain('collect iptables-save.txt - iptables-save')
    const file = join(mkdtempSync(join(tmpdir(), 'kpath-cli-dump-')), 'collect.sh')
    writeFileSync(file, r.stdout)
    expect(() => execFileSync('sh', ['-n', file])).not.toThrow()
  })
})

describe('kpath trace --dump', () => {
  it('with the objects: pod → Service on two node dumps, every branch delivered, exit 0', () => {
    const r = kpath(
      'trace',
      ...VXLAN_DUMPS,
      VXLAN,
      '--from',
      'pod/default/web-5987c57899-skfd4',
      '--to',
      'svc/default/web',
      '--json',
    )
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as { branches: { outcome: { kind: string; netns: string } }[] }
    expect(j.branches.map((b) => b.outcome.kind)).toEqual(['delivered', 'delivered', 'delivered'])
    expect(j.branches.map((b) => b.outcome.netns).sort()).toEqual([
      'pod-default-web-5987c57899-8t94j',
      'pod-default-web-5987c57899-lmxk7',
      'pod-default-web-5987c57899-skfd4',
    ])
    // What was read, assumed or left out is said.
    expect(r.stderr).toContain(
      'warning: dump: segment 10.39.0.0/24: alpha, beta (shared underlay subnet)',
    )
  })

  it('without objects a bridged pod is not known: not delivered, exit 1, and said', () => {
    const r = kpath(
      'trace',
      ...VXLAN_DUMPS,
      '--from',
      'node/beta',
      '--to',
      '10.244.0.2',
      '--port',
      '8080',
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      "warning: dump: node alpha: vethea7de51b: its peer's namespace is not in the dump and no pod is known for it: left unconnected",
    )
  })

  it('reads the tarball the collect script makes as its folder', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'kpath-cli-dump-'))
    for (const [dir, name] of [
      [ALPHA, 'kpath-dump-alpha'],
      [BETA, 'kpath-dump-beta'],
    ] as const) {
      cpSync(dir, join(tmp, name), { recursive: true })
      // As the collect script does: tar -czf OUT.tar.gz -C PARENT OUT.
      execFileSync('tar', ['-czf', join(tmp, `${name}.tar.gz`), '-C', tmp, name])
    }
    const flow = ['--from', 'node/alpha', '--to', 'svc/default/web', VXLAN]
    const onTar = kpath(
      'trace',
      '--dump',
      join(tmp, 'kpath-dump-alpha.tar.gz'),
      '--dump',
      join(tmp, 'kpath-dump-beta.tar.gz'),
      ...flow,
    )
    const onDirs = kpath('trace', ...VXLAN_DUMPS, ...flow)
    expect(onTar.code).toBe(0)
    expect(onTar.stdout).toBe(onDirs.stdout)
    expect(onTar.stdout).toContain('branch 3 of 3')
  })

  it('a damaged tarball: exit 2, said', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'kpath-cli-dump-')), 'x.tar.gz')
    writeFileSync(bad, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]))
    const r = kpath('trace', '--dump', bad, '--from', 'node/alpha', '--to', '10.96.0.10')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`error: ${bad}: not a valid gzip file`)
  })
})

describe('kpath trace --dump with what-if edits', () => {
  const SEED = join(REPO_ROOT, 'examples/seeds/003-flannel-udp-rp-filter.yaml')
  const UDP = ['slave1', 'slave2'].flatMap((n) => ['--dump', join(TESTDATA, 'flannel-udp', n)])
  const PATH = ['--from', 'node/slave1', '--to', 'svc/default/heapster', '-q']

  it('kernel edits apply to the dumped nodes: rp_filter=2 makes it work', () => {
    expect(kpath('trace', ...UDP, SEED, ...PATH).code).toBe(1)
    const loose = ['slave1', 'slave2'].flatMap((n) => [
      '--set',
      `node/${n}:sysctl.net.ipv4.conf.all.rp_filter=2`,
    ])
    const r = kpath('trace', ...UDP, SEED, ...PATH, ...loose)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^delivered to pod default\//)
  })

  it('an object edit without objects: exit 2, located, says what to give', () => {
    const r = kpath(
      'trace',
      ...UDP,
      '--from',
      'node/slave1',
      '--to',
      '10.254.51.153',
      '--port',
      '80',
      '--set',
      'svc/default/heapster:spec.clusterIP=10.254.51.154',
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      '--set:1:1: error: --set: svc/default/heapster is an object edit, and no Kubernetes objects were given with --dump [KPATH_INVALID_ARGUMENT]',
    )
  })
})

describe('kpath diff --dump', () => {
  it('a clean dump: no drift, exit 0', () => {
    const r = kpath('diff', '--dump', ALPHA, VXLAN)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      'node alpha: no drift (compared: iptables (IPv4), iptables (IPv6), IPv4 routes, IPv6 routes, ipsets, sysctls, nftables (kube-proxy tables))',
    )
  })

  it('a deleted KUBE-SEP rule: exit 1, grouped by its Service', () => {
    const dir = editedCopy(ALPHA, 'iptables-save.txt', (t) =>
      t.replace(
        '-A KUBE-SEP-QA4PSDNF5R2OJOPA -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.0.2:8080\n',
        '',
      ),
    )
    const r = kpath('diff', '--dump', dir, VXLAN)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('node alpha: 2 differences')
    expect(r.stdout).toContain(
      'service default/web\n  - [ipv4 nat] -A KUBE-SEP-QA4PSDNF5R2OJOPA -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.0.2:8080',
    )
  })

  it('nftables mode: clean, then a Service gone from the service-ips map', () => {
    const dir = join(TESTDATA, 'nftables/alpha')
    const example = join(REPO_ROOT, 'examples/clusters/flannel-vxlan-nftables.yaml')
    expect(kpath('diff', '--dump', dir, example).code).toBe(0)
    const drift = editedCopy(dir, 'nft-ruleset.txt', (t) =>
      t.replace(
        '10.96.0.10 . tcp . 80 : goto service-SUSTUHLJ-default/web/tcp/http,\n\t\t\t     ',
        '',
      ),
    )
    const r = kpath('diff', '--dump', drift, example, '--json')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject([
      { node: 'alpha', drifts: [{ kind: 'set', change: 'missing', group: 'service default/web' }] },
    ])
  })

  it('a bad folder: exit 2 with the file, line and column', () => {
    const dir = editedCopy(ALPHA, 'iptables-save.txt', (t) =>
      t.replace(
        '-A KUBE-SEP-QA4PSDNF5R2OJOPA -p tcp',
        '-A KUBE-SEP-QA4PSDNF5R2OJOPA -p tcp --dprot 1',
      ),
    )
    const r = kpath('diff', '--dump', dir, VXLAN)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(new RegExp(`^${dir}/iptables-save\\.txt:\\d+:\\d+: error: `))
    expect(r.stderr).toContain('--dprot 1')
    const none = kpath('diff', '--dump', join(dir, 'nope'), VXLAN)
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('is not a dump folder or tarball')
  })
})
