/**
 * @module core/whatif/apply
 * `applyEdits(inputs, edits)`: what-if edits in the two places they belong. Object edits change
 * the input documents before loading (objects.ts), so defaults, controllers and renderers see
 * them; kernel edits change namespaces of the assembled cluster afterwards, in the order given,
 * as commands typed on the node after kube-proxy and the CNI have set it up.
 */
import type { AssembledCluster } from '../cluster/index.js'
import { KpathError } from '../errors.js'
import type { LoadInput } from '../kube/load/index.js'
import type { NetnsState } from '../model/netns.js'
import { relocate } from './errors.js'
import { applyObjectEdits } from './objects.js'
import { addRoute } from './route.js'
import { applyRule } from './rule.js'
import { writeSysctl } from './sysctl.js'
import { isNetnsEdit, isObjectEdit, type NetnsEdit, type WhatIfEdit } from './types.js'

export interface EditedInputs {
  /** The inputs with every object edit applied. */
  readonly inputs: readonly LoadInput[]
  /** The kernel edits, applied to a cluster assembled from `inputs`. */
  readonly finish: (state: AssembledCluster) => AssembledCluster
}

function refOf(n: NetnsState): string | undefined {
  const r = n.role
  if (r?.kind === 'node') return `node/${r.node}`
  if (r?.kind === 'pod') return `pod/${r.namespace}/${r.name}`
  if (r?.kind === 'router') return `router/${r.name}`
  if (r?.kind === 'external') return `external/${r.name}`
  return undefined
}

function editNetns(n: NetnsState, e: NetnsEdit): NetnsState {
  const payload = e.kind === 'sysctl' ? `sysctl.${e.name}` : e.kind === 'route' ? e.route : e.rule
  const offset = Math.max(0, e.source.text.lastIndexOf(payload))
  try {
    if (e.kind === 'sysctl') return writeSysctl(n, e.name, e.value)
    return e.kind === 'route' ? addRoute(n, payload) : applyRule(n, payload)
  } catch (err) {
    throw relocate(err, e.source, offset)
  }
}

/**
 * The assembled cluster with kernel edits applied to their namespaces, in order.
 *
 * @throws KpathError KPATH_INVALID_ARGUMENT naming the known targets for an unknown one
 */
export function applyNetnsEdits(
  state: AssembledCluster,
  edits: readonly NetnsEdit[],
): AssembledCluster {
  let namespaces = state.namespaces
  for (const e of edits) {
    const i = namespaces.findIndex((n) => n.name === e.target.netns)
    const n = namespaces[i]
    if (n === undefined) {
      const known = namespaces.flatMap((x) => refOf(x) ?? [])
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `${e.source.option}: no ${e.target.ref} in the cluster`,
        {
          location: { file: e.source.option, line: 1, column: 1, text: e.source.text },
          hint: `known: ${known.join(', ')}`,
        },
      )
    }
    namespaces = namespaces.map((x, j) => (j === i ? editNetns(n, e) : x))
  }
  return { ...state, namespaces }
}

/**
 * @example
 * const edited = applyEdits(inputs, [parseSetEdit('node/b:sysctl.net.ipv4.conf.all.rp_filter=2')])
 * const state = edited.finish(assembleCluster(loadCluster(edited.inputs)))
 * @throws KpathError KPATH_INVALID_ARGUMENT for an object edit naming no object
 */
export function applyEdits(
  inputs: readonly LoadInput[],
  edits: readonly WhatIfEdit[],
): EditedInputs {
  const netns = edits.filter(isNetnsEdit)
  return {
    inputs: applyObjectEdits(inputs, edits.filter(isObjectEdit)),
    finish: (state) => (netns.length === 0 ? state : applyNetnsEdits(state, netns)),
  }
}
