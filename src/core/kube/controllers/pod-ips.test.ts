import { describe, expect, it } from 'vitest'
import { allocateNodeCidrs } from './node-ipam.js'
import { assignPodIPs } from './pod-ips.js'
import { draftOf, kubeadm, node } from './test-drafts.js'

const pod = (name: string, extra = '', status = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n${extra}  containers: [{name: c}]\n${status}`

const run = (...docs: string[]) => assignPodIPs(allocateNodeCidrs(draftOf(...docs)))

describe('pod IPs (host-local style) and status', () => {
  it('.1 is the gateway; pods get .2 upwards in order; given addresses are reserved', () => {
    const d = run(
      kubeadm('10.244.0.0/16'),
      node('a', '192.168.0.10'),
      pod('p1', '  nodeName: a\n'),
      pod('p2', '  nodeName: a\n', 'status: {podIP: 10.244.0.3}\n'),
      pod('p3', '  nodeName: a\n'),
    )
    expect(d.pods.map((p) => p.status?.podIP)).toEqual(['10.244.0.2', '10.244.0.3', '10.244.0.4'])
    expect(d.pods[1]?.status?.podIPs).toEqual([{ ip: '10.244.0.3' }])
  })

  it('a Running, Ready status with hostIP', () => {
    const [p] = run(node('a', '192.168.0.10'), pod('p', '  nodeName: a\n')).pods
    expect(p?.status).toEqual({
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      hostIP: '192.168.0.10',
      podIP: '10.244.0.2',
      podIPs: [{ ip: '10.244.0.2' }],
    })
  })

  it('given conditions win (a pod that is not Ready stays not Ready)', () => {
    const status = 'status:\n  conditions: [{type: Ready, status: "False"}]\n'
    const [p] = run(node('a', '192.168.0.10'), pod('p', '  nodeName: a\n', status)).pods
    expect(p?.status?.conditions).toEqual([{ type: 'Ready', status: 'False' }])
    expect(p?.status?.podIP).toBe('10.244.0.2')
  })

  it('dual-stack pods get one address per family', () => {
    const [p] = run(
      kubeadm('10.244.0.0/16,fd00:10:244::/56'),
      node('a', '192.168.0.10'),
      pod('p', '  nodeName: a\n'),
    ).pods
    expect(p?.status?.podIPs).toEqual([{ ip: '10.244.0.2' }, { ip: 'fd00:10:244::2' }])
  })

  it('hostNetwork pods have the node’s InternalIPs and take no pod address', () => {
    const d = run(
      node('a', '192.168.0.10'),
      pod('h', '  nodeName: a\n  hostNetwork: true\n'),
      pod('p', '  nodeName: a\n'),
    )
    expect(d.pods.map((p) => p.status?.podIP)).toEqual(['192.168.0.10', '10.244.0.2'])
  })

  it('Pending, finished and unbound pods get no address', () => {
    const d = run(
      node('a', '192.168.0.10'),
      pod('pending', '  nodeName: a\n', 'status: {phase: Pending}\n'),
      pod('done', '  nodeName: a\n', 'status: {phase: Succeeded}\n'),
      pod('unbound'),
    )
    expect(d.pods.map((p) => p.status?.podIP)).toEqual([undefined, undefined, undefined])
    expect(d.pods[2]?.status).toEqual({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False' }],
    })
  })

  it('warns when the node is unknown or its podCIDR is full', () => {
    const cfg = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking: {podSubnet: 10.1.0.0/16}
controllerManager: {extraArgs: {node-cidr-mask-size: "30"}}
`
    const d = run(
      cfg,
      node('a', '1.1.1.1'),
      pod('p1', '  nodeName: a\n'),
      pod('p2', '  nodeName: a\n'),
      pod('p3', '  nodeName: ghost\n'),
    )
    expect(d.pods.map((p) => p.status?.podIP)).toEqual(['10.1.0.2', undefined, undefined])
    expect(d.warnings.map((w) => w.message)).toEqual([
      'pod default/p2 gets no IP: node a has no free address in its podCIDR',
      'pod default/p3 gets no IP: its node ghost is not in the input',
    ])
  })
})
