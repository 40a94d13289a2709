/**
 * @module core/cluster/testing/cases
 * Test support: the assembled clusters checked against the kernel, shared by the live test and
 * by scripts/gen-cluster-fixtures.ts (which records the kernel's views in ../testdata/). Each
 * case says which namespaces are built (a namespace's veth peers must be built with it) and
 * which are compared.
 */
import { ipMasqRestore } from '../../cni/bridge/ipmasq.js'
import { flannelRestore } from '../../cni/flannel/iptables.js'
import type { AssembledCluster } from '../index.js'
import { assemble, flannelConfigMap } from './clusters.js'

export interface LabCase {
  readonly name: string
  readonly state: () => AssembledCluster
  /** Namespaces to build; undefined: all of them. */
  readonly build?: readonly string[]
  /** Namespaces whose views are compared; undefined: all built ones. */
  readonly compare?: readonly string[]
}

const BETA = ['node-beta', 'pod-default-web-beta-1', 'pod-default-web-beta-2']

function flannel(backend: string): () => AssembledCluster {
  return () =>
    assemble({
      extra: [flannelConfigMap(`{"Network": "10.244.0.0/16", "Backend": {"Type": "${backend}"}}`)],
    })
}

export const LAB_CASES: readonly LabCase[] = [
  { name: 'bridge', state: () => assemble({}) },
  {
    name: 'flannel-vxlan',
    state: flannel('vxlan'),
    build: ['seg-underlay', ...BETA],
    compare: BETA,
  },
  {
    name: 'flannel-host-gw',
    state: flannel('host-gw'),
    build: ['seg-underlay', ...BETA],
    compare: BETA,
  },
  { name: 'flannel-udp', state: flannel('udp'), build: ['seg-underlay', ...BETA], compare: BETA },
]

/** The CNI iptables fragments restored for real: flanneld's rules and two bridge ipMasq chains. */
export function cniRuleTexts(): string[] {
  const subnet = { net: 0x0af40100, len: 24 }
  return [
    flannelRestore({
      network: { net: 0x0af40000, len: 16 },
      subnet,
      ipMasq: true,
      randomFully: true,
      forwardRules: true,
    }) ?? '',
    ipMasqRestore('cbr0', 'f'.repeat(64), '10.244.1.2', subnet),
    ipMasqRestore('cbr0', 'e'.repeat(64), '10.244.1.3', subnet),
  ]
}

/** iptables-save text → its table blocks (comments dropped), sorted by table name. */
export function tableBlocks(text: string): string[] {
  return text
    .split(/^(?=\*)/m)
    .map((b) =>
      b
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .join('\n'),
    )
    .filter((b) => b.startsWith('*'))
    .sort()
}
