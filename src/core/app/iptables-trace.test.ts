/**
 * `traceIptables` options that change the node around the rules: `routeLocalnet`
 * (net.ipv4.conf.*.route_localnet, which kube-proxy sets for localhost NodePorts) and a
 * `conntrack -L` listing, which turns conntrack on even when no rule needs it so that its
 * entries (and their NAT) are honoured. And the rule both trace views quote next to a TRACE
 * line is the line iptables-save prints, byte for byte (nfacct's two spaces included).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { traceLine } from '../netfilter/engine/index.js'
import { printIptablesSave } from '../netfilter/iptables-save/index.js'
import { parseSegmentSpec } from '../walk/index.js'
import { traceBetween } from './cluster-trace.js'
import { clusterTraceText } from './cluster-trace-text.js'
import { type IptablesTraceOptions, traceIptables } from './iptables-trace.js'
import { traceText } from './trace-text.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const file = join(ROOT, 'examples/iptables/kube-proxy-node.rules')
const KUBE = { file, text: readFileSync(file, 'utf8') }

describe('routeLocalnet', () => {
  // curl 127.0.0.1:30080 on the node: DNAT to a pod, then out eth0 with source 127.0.0.1,
  // which the kernel refuses without route_localnet (__mkroute_output: EINVAL).
  const localhost: IptablesTraceOptions = {
    ruleset: KUBE,
    hook: 'output',
    proto: 'tcp',
    src: '127.0.0.1',
    dst: '127.0.0.1',
    dport: 30080,
    local: ['192.168.49.2'],
    ifaceAddrs: { eth0: ['192.168.49.2/24'] },
  }

  it('off (the default): a localhost NodePort cannot leave by eth0', () => {
    const r = traceIptables(localhost)
    expect(r.outcomes.length).toBeGreaterThan(0)
    for (const o of r.outcomes) expect(o.result.verdict).toBe('DROP')
    // Dropped by the re-route after the DNAT, not by a rule.
    const lines = r.outcomes[0]?.result.events.map(traceLine) ?? []
    expect(r.outcomes[0]?.result.droppedAt).toBeUndefined()
    expect(lines).toContainEqual(
      expect.stringMatching(/re-route: .*loopback source cannot leave by eth0$/),
    )
  })

  it('on: each endpoint is reached, masqueraded to the node address', () => {
    const r = traceIptables({ ...localhost, routeLocalnet: true })
    expect(r.outcomes.map((o) => o.result.verdict)).toEqual(['ACCEPT', 'ACCEPT', 'ACCEPT'])
    for (const o of r.outcomes) {
      expect(o.result.masquerade).toBe(true)
      expect(o.result.packetOut.src).toBe('192.168.49.2')
    }
  })
})

describe('a conntrack listing turns tracking on', () => {
  // No rule here takes a conntrack reference: the kernel would run no conntrack at all.
  const plain = {
    file: 'plain.rules',
    text: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
  }
  const listing = {
    file: 'node.conntrack',
    text: 'tcp      6 431999 ESTABLISHED src=10.244.1.9 dst=10.96.0.50 sport=40000 dport=80 src=10.244.1.5 dst=10.244.1.9 sport=8080 dport=40000 [ASSURED] mark=0 use=1\n',
  }
  const ack: IptablesTraceOptions = {
    ruleset: plain,
    proto: 'tcp',
    src: '10.244.1.9',
    dst: '10.96.0.50',
    dport: 80,
    tcpFlags: ['ACK'],
    inIface: 'cni0',
    local: ['192.168.49.2'],
  }

  it('without a listing the ACK is not tracked and keeps the ClusterIP', () => {
    const [o] = traceIptables(ack).outcomes
    expect(o?.result.events.some((e) => e.kind === 'conntrack')).toBe(false)
    expect(o?.result.packetOut.dst).toBe('10.96.0.50')
  })

  it('with one the ACK joins the listed connection and is DNATed by its binding', () => {
    const [o] = traceIptables({ ...ack, conntrack: listing }).outcomes
    const lines = o?.result.events.map(traceLine) ?? []
    expect(lines).toContain(
      'conntrack(PREROUTING): ESTABLISHED original 10.244.1.9:40000 > 10.96.0.50:80 ESTABLISHED',
    )
    expect(lines).toContain('nat(PREROUTING): DNAT 10.96.0.50:80 -> 10.244.1.5:8080')
    expect(o?.result.packetOut).toMatchObject({ dst: '10.244.1.5', dport: 8080 })
  })
})

/** Every `TRACE: …:rule:N  -A …` quote of a text view: the quoted rule text. */
function quoted(text: string): string[] {
  return [...text.matchAll(/^ *TRACE: \S+ {2}(-A .*)$/gm)].map((m) => m[1] ?? '')
}

describe('the rule next to a TRACE line is the iptables-save line', () => {
  const NFACCT =
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name  ct_state_invalid_dropped_pkts -j DROP'
  const file = join(ROOT, 'src/core/explain/testdata/conntrack-invalid.yaml')
  const r = traceBetween({
    inputs: [{ file, text: readFileSync(file, 'utf8') }],
    from: 'pod/default/client',
    to: 'svc/default/web',
    segments: [parseSegmentSpec('server:PSH+ACK,seq=200001,len=1398')],
  })
  const beta = r.state.namespaces.find((n) => n.name === 'node-beta')?.iptables.ipv4
  if (beta === undefined) throw new Error('node beta has an iptables ruleset')
  const saved = printIptablesSave(beta)

  it('in kpath trace', () => {
    const text = clusterTraceText(r)
    expect(quoted(text)).toContain(NFACCT)
    // Every quote is a line iptables-save prints for one of the namespaces.
    const lines = new Set(
      r.state.namespaces.flatMap((n) => {
        const rs = n.iptables.ipv4
        return rs === undefined ? [] : printIptablesSave(rs).split('\n')
      }),
    )
    for (const q of quoted(text)) expect(lines).toContain(q)
  })

  it('in kpath iptables trace, on the same node: a stray SYN/ACK is INVALID', () => {
    const t = traceIptables({
      ruleset: { file: 'node-beta.rules', text: saved },
      proto: 'tcp',
      src: '10.244.1.5',
      sport: 8080,
      dst: '10.244.0.7',
      dport: 40000,
      tcpFlags: ['SYN', 'ACK'],
      inIface: 'cni0',
      local: ['10.39.0.12'],
    })
    const text = traceText(t)
    expect(quoted(text)).toContain(NFACCT)
    for (const q of quoted(text)) expect(saved.split('\n')).toContain(q)
  })
})
