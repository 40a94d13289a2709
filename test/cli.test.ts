/**
 * The kpath command end to end: it runs in a child process exactly as a user runs it, and the
 * tests check exit codes (0 delivered, 1 not delivered, 2 bad input), output and messages.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXAMPLE_RULES as EXAMPLE, kpath, POD_TO_WEB, podTrace } from './support/cli.js'
import { REPO_ROOT } from './support/shared.js'

describe('kpath iptables trace', () => {
  it('prints every endpoint branch with TRACE lines and exits 0', () => {
    const r = kpath(...POD_TO_WEB)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('branch 1 of 3, probability 0.333333')
    expect(r.stdout).toContain('TRACE: nat:KUBE-SERVICES:rule:4')
    expect(r.stdout).toMatch(
      /=> ACCEPT: forwarded out eth0 as tcp 10\.244\.1\.9:40000 > 10\.244\.2\.7:8080/,
    )
    expect(r.stdout).not.toContain('\u001b[')
  })

  it('prints the documented JSON shape', () => {
    const r = kpath(...POD_TO_WEB, '--json')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as {
      outcomes: {
        probability: number
        dnat: string
        masquerade: boolean
        verdict: string
        mark: string
        trace: string[]
        packet: { dst: string }
      }[]
    }
    expect(j.outcomes.map((o) => o.dnat)).toEqual([
      '10.244.1.5:8080',
      '10.244.1.6:8080',
      '10.244.2.7:8080',
    ])
    expect(
      j.outcomes.every((o) => o.verdict === 'ACCEPT' && o.masquerade === false && o.mark === '0x0'),
    ).toBe(true)
    expect(j.outcomes[0]!.trace[0]).toMatch(/^TRACE: /)
    expect(j.outcomes[2]!.packet.dst).toBe('10.244.2.7')
  })

  it('exits 1 when the packet is rejected (a Service with no endpoints)', () => {
    const r = kpath(...podTrace('10.96.200.7'))
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('REJECT (icmp-port-unreachable) in filter FORWARD')
  })

  it('exits 2 with a located message on a malformed ruleset, and never prints a stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpath-cli-'))
    const bad = join(dir, 'bad.rules')
    writeFileSync(
      bad,
      '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dprot 22 -j ACCEPT\nCOMMIT\n',
    )
    const r = kpath(
      'iptables',
      'trace',
      '--ruleset',
      bad,
      '--proto',
      'tcp',
      '--src',
      '1.1.1.1',
      '--dst',
      '2.2.2.2',
      '--dport',
      '22',
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${bad}:3:`)
    expect(r.stderr).toContain('-A INPUT -p tcp -m tcp --dprot 22 -j ACCEPT')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('exits 2 on a missing file and on bad flags', () => {
    expect(
      kpath(
        'iptables',
        'trace',
        '--ruleset',
        '/nonexistent',
        '--proto',
        'tcp',
        '--src',
        '1.1.1.1',
        '--dst',
        '2.2.2.2',
        '--dport',
        '1',
      ).code,
    ).toBe(2)
    const r = kpath(
      'iptables',
      'trace',
      '--ruleset',
      EXAMPLE,
      '--proto',
      'tcp',
      '--src',
      'not-an-ip',
      '--dst',
      '2.2.2.2',
      '--dport',
      '1',
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--src not-an-ip is not an IP address')
    expect(kpath('iptables', 'trace', '--proto', 'gre').code).toBe(2)
  })

  it('--help has examples and exits 0', () => {
    const r = kpath('iptables', 'trace', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Examples:')
  })
})

describe('kpath iptables save', () => {
  const noComments = (t: string) => t.replace(/^# (Generated|Completed).*\n/gm, '')

  it('prints a kube-proxy restore payload exactly as iptables-legacy-save did after restoring it', () => {
    // The example was made by scripts/gen-example-ruleset.mjs: the .restore payload went through
    // the real iptables-legacy-restore and iptables-legacy-save, giving the .rules file.
    const r = kpath('iptables', 'save', '--ruleset', EXAMPLE.replace('.rules', '.restore'))
    expect(r.code).toBe(0)
    expect(noComments(r.stdout)).toBe(noComments(readFileSync(EXAMPLE, 'utf8')))
  })

  it('--keep-order round-trips an iptables-save dump byte for byte', () => {
    const r = kpath('iptables', 'save', '--keep-order', '--ruleset', EXAMPLE)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(readFileSync(EXAMPLE, 'utf8'))
  })
})

describe('kpath show', () => {
  const OVERALL = join(
    REPO_ROOT,
    '..',
    'shared',
    'conformance',
    'kube-proxy',
    'overall',
    'cluster.yaml',
  )
  const NFT_CASE = join(
    REPO_ROOT,
    '..',
    'shared',
    'conformance',
    'kube-proxy',
    'cases',
    'nftables-test-cluster-ip-general',
    'cluster.yaml',
  )

  it('prints the iptables-save view of a node, with kube-proxy chain names', () => {
    const r = kpath('show', 'iptables', OVERALL, '--node', 'test-node')
    expect(r.code).toBe(0)
    // ns1/svc1:p80 hashes to KUBE-SVC-XPGD46QRK7WJZT7O (kube-proxy-spec §1.2).
    expect(r.stdout).toContain(
      '-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
    )
    expect(r.stdout).toMatch(/^\*filter$/m)
    expect(r.stderr).toContain('warning: Service ns6/svc6 has no selector')
  })

  it('prints nft list ruleset in nftables mode, and JSON on request', () => {
    const r = kpath('show', 'nft', NFT_CASE)
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith('table ip kube-proxy {\n')).toBe(true)
    const j = JSON.parse(kpath('show', 'nft', NFT_CASE, '--json').stdout) as { ipv4: unknown }
    expect(j.ipv4).toBeTruthy()
  })

  it('exits 2 for an unknown node, a view of the wrong mode, or a bad file', () => {
    expect(kpath('show', 'iptables', OVERALL, '--node', 'nope').stderr).toContain(
      'nodes in the input: test-node',
    )
    expect(kpath('show', 'nft', OVERALL, '--node', 'test-node').code).toBe(2)
    const dir = mkdtempSync(join(tmpdir(), 'kpath-cli-'))
    const bad = join(dir, 'svc.yaml')
    writeFileSync(
      bad,
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 99999\n',
    )
    const r = kpath('show', 'iptables', bad)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${bad}:7:`)
  })
})
