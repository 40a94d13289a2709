/**
 * @module core/kube/controllers/test-drafts
 * Helpers for the controller tests: a draft from YAML, and YAML builders for the objects the
 * tests repeat. Test support only; nothing in the library imports it.
 */
import { readDraft } from '../load/index.js'
import type { ClusterDraft, ControllerOptions } from './types.js'

export const OPTIONS: ControllerOptions = { seed: 'test', apiServerService: false }

export function draftOf(...docs: string[]): ClusterDraft {
  return readDraft([{ file: 'test.yaml', text: docs.join('---\n') }])
}

export function node(name: string, ip: string, extra = ''): string {
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
${extra}status:
  addresses:
  - {type: InternalIP, address: ${ip}}
`
}

export function kubeadm(podSubnet: string, serviceSubnet = '10.96.0.0/12'): string {
  return `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
networking: {podSubnet: "${podSubnet}", serviceSubnet: "${serviceSubnet}"}
`
}
