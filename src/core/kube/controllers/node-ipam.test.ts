import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../errors.js'
import { allocateNodeCidrs } from './node-ipam.js'
import { draftOf, kubeadm, node } from './test-drafts.js'

const cidrs = (d: ReturnType<typeof allocateNodeCidrs>) => d.nodes.map((n) => n.spec.podCIDRs ?? [])

describe('node IPAM (range allocator)', () => {
  it('gives /24s in input order, skipping and keeping given podCIDRs', () => {
    const d = allocateNodeCidrs(
      draftOf(
        kubeadm('10.244.0.0/16'),
        node('c', '10.0.0.3'),
        node('a', '10.0.0.1', 'spec: {podCIDR: 10.244.1.0/24}\n'),
        node('b', '10.0.0.2'),
      ),
    )
    expect(cidrs(d)).toEqual([['10.244.0.0/24'], ['10.244.1.0/24'], ['10.244.2.0/24']])
    expect(d.nodes.map((n) => n.spec.podCIDR)).toEqual([
      '10.244.0.0/24',
      '10.244.1.0/24',
      '10.244.2.0/24',
    ])
  })

  it('one subnet per family on a dual-stack cluster (/24 and /64)', () => {
    const d = allocateNodeCidrs(
      draftOf(
        kubeadm('10.244.0.0/16,fd00:10:244::/56'),
        node('a', '10.0.0.1'),
        node('b', '10.0.0.2'),
      ),
    )
    expect(cidrs(d)).toEqual([
      ['10.244.0.0/24', 'fd00:10:244::/64'],
      ['10.244.1.0/24', 'fd00:10:244:1::/64'],
    ])
  })

  it('honours node-cidr-mask-size and warns when the range is used up', () => {
    const cfg = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking: {podSubnet: 10.1.0.0/24}
controllerManager: {extraArgs: {node-cidr-mask-size: "25"}}
`
    const d = allocateNodeCidrs(
      draftOf(cfg, node('a', '1.1.1.1'), node('b', '1.1.1.2'), node('c', '1.1.1.3')),
    )
    expect(cidrs(d)).toEqual([['10.1.0.0/25'], ['10.1.0.128/25'], []])
    expect(d.warnings).toHaveLength(1)
    expect(d.warnings[0]?.message).toMatch(/node c gets no podCIDR.*CIDRNotAvailable/)
    expect(d.warnings[0]?.location).toMatchObject({ file: 'test.yaml' })
  })

  it('falls back to kind’s 10.244.0.0/16 when no cluster CIDR is given', () => {
    expect(cidrs(allocateNodeCidrs(draftOf(node('a', '1.1.1.1'))))).toEqual([['10.244.0.0/24']])
  })

  it('uses kube-proxy’s clusterCIDR when no kubeadm/kind subnet is given', () => {
    const kp =
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.0.0.0/8\n'
    expect(cidrs(allocateNodeCidrs(draftOf(kp, node('a', '1.1.1.1'))))).toEqual([['10.0.0.0/24']])
  })

  it('refuses a mask size shorter than the cluster CIDR, as kube-controller-manager does', () => {
    const cfg = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking: {podSubnet: 10.1.0.0/24}
controllerManager: {extraArgs: {node-cidr-mask-size: "16"}}
`
    let caught: unknown
    try {
      allocateNodeCidrs(draftOf(cfg, node('a', '1.1.1.1')))
    } catch (e) {
      caught = e
    }
    expect(isKpathError(caught) && caught.code).toBe('KPATH_INVALID_ARGUMENT')
  })

  it('a given podCIDR outside the cluster CIDR is kept, and reserves nothing', () => {
    const d = allocateNodeCidrs(
      draftOf(
        kubeadm('10.244.0.0/16'),
        node('a', '1.1.1.1', 'spec: {podCIDR: 192.168.5.0/24}\n'),
        node('b', '1.1.1.2'),
      ),
    )
    expect(cidrs(d)).toEqual([['192.168.5.0/24'], ['10.244.0.0/24']])
  })
})
