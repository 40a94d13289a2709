/**
 * `kpath trace --segment` end to end through the CLI, on the kubernetes#74839 cluster
 * (src/core/explain/testdata/conntrack-invalid.yaml): a server segment beyond the client's
 * window is marked INVALID by conntrack and dropped by kube-proxy's KUBE-FORWARD rule, or,
 * without that rule, reaches the client un-DNATed and draws an RST. Either way the connection
 * breaks: exit 1. An in-window segment exits 0; a bad `--segment` exits 2 with its hint. Also
 * `kpath iptables trace --route-localnet` and `--conntrack`.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { kpath } from './support/cli.js'
import { REPO_ROOT } from './support/shared.js'

const CLUSTER = join(REPO_ROOT, 'src/core/explain/testdata/conntrack-invalid.yaml')
const PATH = ['--from', 'pod/default/client', '--to', 'svc/default/web']
const STRAY = 'server:PSH+ACK,seq=200001,len=1398'
const WITHOUT_DROP = ['alpha', 'beta'].flatMap((n) => [
  '--add-rule',
  `node/${n}:-D KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP`,
])

describe('kpath trace --segment', () => {
  it('the out-of-window segment dropped by KUBE-FORWARD: exit 1, the drop in the text', () => {
    const r = kpath('trace', CLUSTER, ...PATH, '--segment', STRAY)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toContain("the client's ACK completing the handshake:")
    expect(r.stdout).toContain(`segment 1 (--segment ${STRAY}):`)
    expect(r.stdout).toContain('Flags [P.], seq 200001:201399, ack 1, win 502, ttl 64, length 1450')
    expect(r.stdout).toMatch(
      /-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name {2}ct_state_invalid_dropped_pkts -j DROP\n=> dropped in node beta at filter FORWARD: DROP by netfilter\n$/,
    )
  })

  it('without the DROP rule the client answers with an RST: exit 1, --quiet says why', () => {
    const r = kpath('trace', CLUSTER, ...PATH, '--segment', STRAY, ...WITHOUT_DROP, '-q')
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toMatch(
      new RegExp(
        `; segment 1 \\(--segment ${STRAY.replace(/\+/g, '\\+')}\\) refused by pod default/client: nothing listens on port 40000 \\(TTL 62 at arrival\\)\n$`,
      ),
    )
    const text = kpath('trace', CLUSTER, ...PATH, '--segment', STRAY, ...WITHOUT_DROP)
    expect(text.stdout).toContain(
      'reset: pod default/client answers with an RST (no socket took the segment):',
    )
    expect(text.stdout).toContain('Flags [R], seq 1000001, win 0, ttl 64, length 40')
  })

  it('an in-window segment is taken: exit 0', () => {
    const r = kpath('trace', CLUSTER, ...PATH, '--segment', 'server:PSH+ACK,len=1398', '-q')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('; all 2 segments after the handshake delivered\n')
  })

  it('a bad --segment is exit 2 with the syntax as hint', () => {
    const r = kpath('trace', CLUSTER, ...PATH, '--segment', 'server:PSH+NOPE')
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('--segment server:PSH+NOPE: unknown TCP flag NOPE')
    expect(r.stderr).toContain(
      'hint: WHO:FLAGS[,seq=N][,ack=N][,len=N][,win=N], e.g. server:PSH+ACK,seq=200001,len=1448',
    )
  })

  it('--segment on a UDP trace is exit 2', () => {
    const r = kpath('trace', CLUSTER, ...PATH, '--proto', 'udp', '--segment', 'client:ACK')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('segments need a TCP connection')
  })
})

describe('kpath iptables trace --route-localnet, --conntrack', () => {
  const RULES = join(REPO_ROOT, 'examples/iptables/kube-proxy-node.rules')
  const LOCALHOST = [
    ...['iptables', 'trace', '--ruleset', RULES, '--hook', 'output', '--proto', 'tcp'],
    ...['--src', '127.0.0.1', '--dst', '127.0.0.1', '--dport', '30080'],
    ...['--local', '192.168.49.2', '--iface-addr', 'eth0=192.168.49.2/24', '-q'],
  ]

  it('a localhost NodePort leaves only with --route-localnet', () => {
    const off = kpath(...LOCALHOST)
    expect(off.code).toBe(1)
    expect(off.stdout.trimEnd().split('\n')).toEqual([
      'branch 1 (p=0.333333): DROP in routing',
      'branch 2 (p=0.333333): DROP in routing',
      'branch 3 (p=0.333333): DROP in routing',
    ])
    const on = kpath(...LOCALHOST, '--route-localnet')
    expect(on.code, on.stderr).toBe(0)
    expect(on.stdout).toMatch(
      /^branch 1 \(p=0\.333333\): ACCEPT: sent out eth0 as tcp 192\.168\.49\.2:/,
    )
  })

  it('--help says a conntrack listing turns tracking on', () => {
    const r = kpath('iptables', 'trace', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      'conntrack -L output of the node; its entries are honoured, so conntrack tracking is on even when no rule needs it',
    )
    expect(r.stdout).toContain('--route-localnet')
  })
})
