/**
 * CNI selection: the Topology's word, else the configuration the input holds, else bridge; two
 * CNIs' configurations are refused rather than guessed; a CNI without a model is reported.
 */
import { describe, expect, it } from 'vitest'
import { assemble, clusterYaml, flannelConfigMap } from '../cluster/testing/clusters.js'
import { KpathError } from '../errors.js'
import { loadCluster } from '../kube/load/index.js'
import { cniPlugin, detectCni } from './index.js'

const POOL =
  'apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: default-ipv4-ippool}\nspec: {cidr: 10.244.0.0/16}'
const INSTALLATION =
  'apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata: {name: default}'
const ROUTER = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: kube-router, namespace: kube-system}\nspec:\n  selector: {matchLabels: {k8s-app: kube-router}}\n  template:\n    metadata: {labels: {k8s-app: kube-router}}\n    spec:\n      hostNetwork: true\n      containers: [{name: kube-router, image: docker.io/cloudnativelabs/kube-router}]`
const TOPOLOGY = (cni: string) =>
  `apiVersion: kpath.dev/v1alpha1\nkind: Topology\nmetadata: {name: t}\nspec: {cni: ${cni}}`

const detect = (...extra: string[]) =>
  detectCni(loadCluster([{ file: 'c.yaml', text: clusterYaml({ podsPerNode: 0, extra }) }]))

describe('detectCni', () => {
  it.each([
    [[], 'bridge', 'default (no CNI configuration in the input)'],
    [
      [flannelConfigMap('{"Network": "10.244.0.0/16"}')],
      'flannel',
      'ConfigMap kube-flannel/kube-flannel-cfg',
    ],
    [[POOL], 'calico', 'IPPool default-ipv4-ippool'],
    [[INSTALLATION], 'calico', 'Installation default'],
    [[ROUTER], 'kube-router', 'DaemonSet kube-system/kube-router'],
  ])('%#: finds %s', (extra, name, reason) => {
    expect(detect(...extra)).toEqual({ name, reason })
  })

  it('takes the Topology’s cni over any configuration', () => {
    const cluster = loadCluster([{ file: 'c.yaml', text: clusterYaml({ extra: [POOL] }) }])
    expect(detectCni(cluster, { cni: 'flannel' })).toEqual({
      name: 'flannel',
      reason: 'Topology spec.cni',
    })
  })

  it('refuses to guess between two CNIs’ configurations', () => {
    let error: unknown
    try {
      detect(flannelConfigMap('{"Network": "10.244.0.0/16"}'), POOL)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(KpathError)
    expect((error as KpathError).code).toBe('KPATH_INVALID_ARGUMENT')
    expect((error as KpathError).message).toBe(
      'the input configures more than one CNI: flannel (ConfigMap kube-flannel/kube-flannel-cfg), calico (IPPool default-ipv4-ippool)',
    )
  })

  it('reports a CNI with no model in the given table', () => {
    expect(() => cniPlugin('calico', {})).toThrow(/CNI calico has no kpath model/)
  })

  it('reports another CNI’s objects as having no effect', () => {
    const s = assemble({ extra: [POOL, TOPOLOGY('flannel')] })
    expect(s.unsupported.map((u) => u.message)).toEqual([
      'crd.projectcalico.org/v1 IPPool default-ipv4-ippool configures calico, but the cluster runs flannel (Topology spec.cni); it has no effect',
    ])
  })
})
