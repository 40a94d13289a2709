/**
 * `kpath explain` and the what-if options of `kpath trace`, end to end through the CLI: exit
 * codes (0 working, 1 not, 2 bad input), the text and JSON views, located errors for bad edits,
 * and `--help`. Scenario: seed 003 (examples/seeds/003-flannel-udp-rp-filter.yaml).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { kpath } from './support/cli.js'
import { REPO_ROOT } from './support/shared.js'

const SEED = join(REPO_ROOT, 'examples/seeds/003-flannel-udp-rp-filter.yaml')
const PATH = ['--from', 'node/slave1', '--to', 'svc/default/heapster']
const LOOSE = ['slave1', 'slave2'].flatMap((n) => [
  '--set',
  `node/${n}:sysctl.net.ipv4.conf.all.rp_filter=2`,
])

describe('kpath explain', () => {
  it('names the cause and marks each fix ✓ or ✗, exit 1', () => {
    const r = kpath('explain', SEED, ...PATH)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      'cause: rp_filter=1 on node slave2 drops packets from 10.39.0.17 arriving on flannel0, because its route back to 10.39.0.17 leaves by eth0',
    )
    expect(r.stdout).toContain('  ✗ loose reverse-path filtering (rp_filter=2) on node slave2')
    expect(r.stdout).toContain('  ✓ loose reverse-path filtering (rp_filter=2) on every node')
    expect(r.stdout).not.toContain('\u001b[')
  })

  it('--json gives the findings with the fixes as options', () => {
    const r = kpath('explain', SEED, ...PATH, '--json')
    expect(r.code).toBe(1)
    const j = JSON.parse(r.stdout) as {
      ok: boolean
      findings: { cause: string; fixes: { works: boolean; edits: string[] }[] }[]
    }
    expect(j.ok).toBe(false)
    expect(j.findings[0]?.cause).toBe('rp-filter')
    expect(j.findings[0]?.fixes.map((f) => f.works)).toEqual([false, true, true, true])
    expect(j.findings[0]?.fixes[2]?.edits).toEqual(['--set kube-proxy:clusterCIDR=192.168.0.0/16'])
  })

  it('with a working fix applied as what-if edits: nothing to explain, exit 0', () => {
    const r = kpath('explain', SEED, ...PATH, ...LOOSE)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('delivered and answered')
    expect(r.stdout).not.toContain('cause:')
  })

  it('a bad edit is a located error with a hint, exit 2', () => {
    const r = kpath('explain', SEED, ...PATH, '--add-route', 'node/slave1:10.254.0.0/16 dev tun9')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      '--add-route: node-slave1: Cannot find device "tun9" [KPATH_INVALID_ARGUMENT]',
    )
    expect(r.stderr).toContain('    1 | node/slave1:10.254.0.0/16 dev tun9')
    expect(r.stderr).toContain('hint: its devices: lo, eth0, flannel0')
    const t = kpath('explain', SEED, ...PATH, '--set', 'svc/default/heapstr:spec.type=NodePort')
    expect(t.code).toBe(2)
    expect(t.stderr).toContain('no service default/heapstr in the input')
  })

  it('--help shows examples and the exit codes', () => {
    const r = kpath('explain', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('kpath explain examples/seeds/003-flannel-udp-rp-filter.yaml')
    expect(r.stdout).toContain('--add-rule <edit>')
    expect(r.stdout).toContain('Exit codes: 0 delivered and answered')
  })
})

describe('kpath trace with what-if edits', () => {
  it('--set on both nodes turns exit 1 into exit 0', () => {
    expect(kpath('trace', SEED, ...PATH, '-q').code).toBe(1)
    expect(kpath('trace', SEED, ...PATH, '-q', ...LOOSE).code).toBe(0)
  })

  it('--patch FILE applies merge patches addressed by kind and name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpath-patch-'))
    const file = join(dir, 'fix.yaml')
    writeFileSync(file, 'kind: KubeProxyConfiguration\nclusterCIDR: 192.168.0.0/16\n')
    const r = kpath('trace', SEED, ...PATH, '--patch', file)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/nat\(POSTROUTING\): SNAT 10\.39\.0\.17:40000 -> 192\.168\.82\.0:\d+/)
  })

  it('--add-rule is read by the iptables parser: an unknown target is refused, exit 2', () => {
    const r = kpath(
      'trace',
      SEED,
      ...PATH,
      '--add-rule',
      'node/slave1:-t nat -A POSTROUTING -j MASQ',
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^--add-rule:1:\d+: error: --add-rule: node-slave1: /)
  })
})
