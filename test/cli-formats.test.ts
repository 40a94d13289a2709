/**
 * The trace formats, the conntrack view after a trace and the CLI conventions, end to end: the
 * kpath command runs in a child process as a user runs it (test/support/cli.ts, NO_COLOR set),
 * on examples/clusters/flannel-vxlan.yaml.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { kpath } from './support/cli.js'
import { REPO_ROOT } from './support/shared.js'

const CLUSTER = join(REPO_ROOT, 'examples/clusters/flannel-vxlan.yaml')
const CROSS = ['trace', CLUSTER, '--from', '10.244.1.2', '--to', '10.244.0.2', '--port', '8080']
const dir = mkdtempSync(join(tmpdir(), 'kpath-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('kpath trace --format', () => {
  it('text: tcpdump -e lines per hop device, interleaved with TRACE lines and routes', () => {
    const r = kpath(...CROSS)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      'eth0 Out 6a:7a:80:50:cb:8f > 7a:fe:03:3e:cc:19, ethertype IPv4 (0x0800), length 74: IP 10.244.1.2.40000 > 10.244.0.2.8080: Flags [S], ttl 64, length 60',
    )
    // The encapsulation point shows the outer packet; the receiving node's flannel.1 the inner.
    expect(r.stdout).toMatch(/flannel\.1 encap IP 10\.39\.0\.12\.\d+ > 10\.39\.0\.11\.8472: UDP/)
    expect(r.stdout).toMatch(
      /flannel\.1 In \S+ > \S+, ethertype IPv4 \(0x0800\), length 74: IP 10\.244\.1\.2\.40000/,
    )
    // Sent packets follow netfilter, the route and ARP; received ones come first.
    expect(r.stdout).toMatch(/PERMANENT\n {2}flannel\.1 Out \S+ > 2a:3d:7a:56:3b:93, ethertype/)
    expect(r.stdout).toMatch(/\[node-alpha\] ip, in eth0\n {2}eth0 In /)
    expect(r.stdout).not.toContain('\u001b[')
  })

  it('pcapng: written to --output, with the tshark decode hint for flannel VXLAN', () => {
    const out = join(dir, 'cross.pcapng')
    const r = kpath(...CROSS, '--format', 'pcapng', '-o', out)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(
      `wrote ${out}; read it with: tshark -r ${out} -d udp.port==8472,vxlan`,
    )
    const bytes = readFileSync(out)
    expect([...bytes.subarray(0, 4)]).toEqual([0x0a, 0x0d, 0x0d, 0x0a])
    expect(bytes.readUInt32LE(8)).toBe(0x1a2b3c4d)
    // 9 hops there and 9 back: 18 Enhanced Packet Blocks.
    let at = 0
    let epbs = 0
    while (at < bytes.length) {
      if (bytes.readUInt32LE(at) === 6) epbs++
      at += bytes.readUInt32LE(at + 4)
    }
    expect(epbs).toBe(18)
  })

  it('pcapng to a pipe is allowed; --quiet drops the hint', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...CROSS, '--format', 'pcapng', '-q'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      },
    )
    expect(r.status).toBe(0)
    expect([...r.stdout.subarray(0, 4)]).toEqual([0x0a, 0x0d, 0x0d, 0x0a])
    expect(r.stderr.toString()).toBe('')
  })

  it('mermaid: a sequence diagram with the namespaces as participants, request and reply arrows', () => {
    const r = kpath(...CROSS, '--format', 'mermaid')
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('sequenceDiagram')
    expect(lines).toContain(
      '  participant N1 as pod default/web-5987c57899-8t94j (pod-default-web-5987c57899-8t94j)',
    )
    expect(r.stdout).toMatch(
      / N1->>N2: eth0 → cni0: IP 10\.244\.1\.2\.40000 > 10\.244\.0\.2\.8080: Flags \[S\]/,
    )
    expect(r.stdout).toMatch(
      /-->>N1: \S+ → eth0: IP 10\.244\.0\.2\.8080 > 10\.244\.1\.2\.40000: Flags \[S\.\]/,
    )
    expect(r.stdout).toContain('Note over N2: encap: vxlan vni 1: 10.39.0.12:')
    // Statements end at `;` in Mermaid: the outcome's semicolons are written as entities.
    expect(r.stdout).toMatch(/=> delivered to pod default\/web-\S+ port 8080#59; it saw/)
    for (const l of lines.slice(1))
      expect(l).toMatch(
        /^ {2}(participant N\d+ as [^;]+|Note over N\d+: [^;]*(#59;[^;]*)*|N\d+-?->>N\d+: [^;]+)$/,
      )
  })

  it('--json is --format json; a bad --format is a usage error (exit 2) naming the choices', () => {
    const a = kpath(...CROSS, '--json')
    const b = kpath(...CROSS, '--format', 'json')
    expect(a.code).toBe(0)
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout))
    const bad = kpath(...CROSS, '--format', 'pdf')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('Allowed choices are text, json, pcapng, mermaid')
  })

  it('--quiet prints one outcome line per branch and nothing on stderr; exit codes still tell', () => {
    const ok = kpath('trace', CLUSTER, '--from', 'node/alpha', '--to', 'svc/default/web', '-q')
    expect(ok.code).toBe(0)
    expect(ok.stderr).toBe('')
    const lines = ok.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    for (const l of lines)
      expect(l).toMatch(
        /^delivered to pod default\/web-\S+ port 8080; .*; reply delivered to node alpha port 40000/,
      )
    const no = kpath(
      'trace',
      CLUSTER,
      '--from',
      'external/client',
      '--to',
      'svc/default/web',
      '--quiet',
    )
    expect(no.code).toBe(1)
    expect(no.stdout).toMatch(
      /^dropped in router gw at rtr-gw routing: network unreachable; reply \(ICMP [^)]*, sent by router gw\) delivered to external host client/,
    )
    expect(no.stdout.split('\n')).toHaveLength(2)
  })
})

describe('kpath show conntrack', () => {
  const after = ['show', 'conntrack', CLUSTER, '--from', 'node/alpha', '--to', 'svc/default/web']

  it('after a trace: conntrack -L lines on stdout, its count line on stderr, per branch', () => {
    const beta = kpath(...after, '--node', 'beta', '--branch', '3')
    expect(beta.code).toBe(0)
    expect(beta.stdout).toMatch(
      /^tcp {6}6 \d+ SYN_RECV src=10\.244\.0\.0 dst=10\.244\.1\.2 sport=1024 dport=8080 src=10\.244\.1\.2 dst=10\.244\.0\.0 sport=8080 dport=1024 mark=0 use=1$/m,
    )
    expect(beta.stdout).toMatch(
      /^udp {6}17 \d+ src=10\.39\.0\.11 dst=10\.39\.0\.12 sport=\d+ dport=8472 \[UNREPLIED\] /m,
    )
    expect(beta.stderr).toContain(
      'conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.',
    )
    // Branch 1 stays on alpha: beta's table is what the model held (empty).
    const one = kpath(...after, '--node', 'beta', '--quiet')
    expect(one.stdout).toBe('')
    const alpha = kpath(...after, '--node', 'alpha', '--branch', '1', '-q')
    expect(alpha.stdout).toMatch(
      /^tcp {6}6 \d+ SYN_RECV src=10\.39\.0\.11 dst=10\.96\.0\.10 sport=40000 dport=80 src=10\.244\.0\.2 dst=10\.244\.0\.1 sport=8080 dport=1024 mark=0 use=1\n$/,
    )
  })

  it('bad input: a branch the trace lacks, half a trace, trace flags on another view', () => {
    const far = kpath(...after, '--node', 'beta', '--branch', '9')
    expect(far.code).toBe(2)
    expect(far.stderr).toMatch(
      /the trace has no branch 9 \[KPATH_INVALID_ARGUMENT\]\nhint: it has 3 branches: give --branch 1 to 3/,
    )
    const half = kpath('show', 'conntrack', CLUSTER, '--node', 'beta', '--from', 'node/alpha')
    expect(half.code).toBe(2)
    expect(half.stderr).toContain('needs both --from and --to')
    const other = kpath(
      'show',
      'addr',
      CLUSTER,
      '--node',
      'beta',
      '--from',
      'node/alpha',
      '--to',
      'node/beta',
    )
    expect(other.code).toBe(2)
    expect(other.stderr).toContain('only for conntrack')
    expect(kpath(...after, '--node', 'beta', '--branch', 'x').code).toBe(2)
  })
})

describe('CLI conventions', () => {
  it('every command has --help with examples, exit 0', () => {
    for (const cmd of [
      ['trace'],
      ['show'],
      ['iptables'],
      ['iptables', 'trace'],
      ['iptables', 'save'],
    ]) {
      const r = kpath(...cmd, '--help')
      expect(r.code, cmd.join(' ')).toBe(0)
      expect(r.stdout, cmd.join(' ')).toMatch(/Examples:\n(?: {2}#.*\n)* {2}kpath /)
    }
  })

  it('--version prints the version, exit 0', () => {
    const r = kpath('--version')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })

  it('no progress display when stderr is not a terminal', () => {
    const r = kpath(...CROSS)
    expect(r.stderr).not.toContain('kpath: ')
    expect(r.stderr).not.toContain('\r')
  })
})
