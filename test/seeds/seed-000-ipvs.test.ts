/**
 * Seed 000 (/work/shared/seeds/000_bc599866661e4eca.txt) in IPVS mode, as the seed ran it, on
 * examples/seeds/000-underlay-pod-clusterip-ipvs.yaml: the rendered state the seed's commands
 * show. `ipvsadm -ln`: `TCP 10.96.0.1:443 rr -> 192.168.0.101:6443 Masq 1`; the ClusterIP held by
 * the node (the seed's mybr0 answered the pod's ARP for 10.96.0.1 with the NIC's MAC, which a
 * node does for any of its local addresses with arp_ignore 0).
 * Not here: traces through IPVS (issue 6 §2, the emulation).
 */
import { describe, expect, it } from 'vitest'
import { assembleExample, ns } from './seed-kit.js'

const state = assembleExample('000-underlay-pod-clusterip-ipvs.yaml')
const WORKER = 'node-k8s-worker-02'

describe('seed 000 in IPVS mode: what kube-proxy leaves on the worker', () => {
  const worker = ns(state, WORKER)

  it('kube-ipvs0 holds every ClusterIP, down and NOARP', () => {
    const link = worker.links.find((l) => l.name === 'kube-ipvs0')
    expect(link).toMatchObject({ kind: 'dummy', up: false, noarp: true })
    expect(
      worker.addresses
        .filter((a) => a.iface === 'kube-ipvs0')
        .map((a) => `${a.local}/${a.prefixLen} ${a.scope}`),
    ).toEqual(['10.96.0.10/32 global', '10.96.0.1/32 global'])
    // The kernel's local route makes 10.96.0.1 an address of the node, link down or not.
    expect(worker.routes.find((r) => r.type === 'local' && r.dst === '10.96.0.1')?.dev).toBe(
      'kube-ipvs0',
    )
    expect(worker.sysctls['net.ipv4.conf.all.arp_ignore'] ?? '0').toBe('0')
  })

  it('ipvsadm -ln: TCP 10.96.0.1:443 rr -> 192.168.0.101:6443 Masq 1', () => {
    const vs = worker.ipvs?.services.find(
      (s) => s.key.kind === 'addr' && s.key.address === '10.96.0.1' && s.key.port === 443,
    )
    expect(vs?.scheduler).toBe('rr')
    expect(vs?.destinations).toEqual([
      { address: '192.168.0.101', port: 6443, weight: 1, forward: 'masq' },
    ])
  })

  it('KUBE-CLUSTER-IP and the IPVS-mode rules that use it', () => {
    const set = worker.ipsets.find((s) => s.name === 'KUBE-CLUSTER-IP')
    expect(set?.members.map((m) => m.elem)).toEqual(['10.96.0.10,udp:53', '10.96.0.1,tcp:443'])
    const nat = worker.iptables.ipv4?.tables.find((t) => t.name === 'nat')
    expect(nat?.chains.find((c) => c.name === 'KUBE-SERVICES')?.rules.length).toBeGreaterThan(2)
    expect(worker.sysctls['net.ipv4.vs.conntrack']).toBe('1')
  })
})
