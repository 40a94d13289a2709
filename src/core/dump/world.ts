/**
 * @module core/dump/world
 * What `kpath trace --dump` traces on: the cluster built from node dumps (cluster.ts) and the
 * optional Kubernetes objects that give references like pod/NS/NAME and svc/NS/NAME their
 * meaning. What the dumps leave out or what kpath had to assume comes back as warnings, so the
 * trace says it.
 *
 * What-if edits (core/whatif) apply here, not in `traceBetween`: kernel edits (`--set
 * node/X:sysctl…`, `--add-route`, `--add-rule`) change the namespaces built from the dumps, as
 * commands typed on the real node would; object edits change the objects given beside the
 * dumps. Those objects only name pods and Services and give pod addresses: a node's rules and
 * routes are its real ones, read from the dump, and are not re-rendered, which the warnings say.
 */
import type { RefWorld } from '../app/refs.js'
import { KpathError } from '../errors.js'
import { type LoadInput, loadCluster } from '../kube/load/index.js'
import { applyNetnsEdits, applyObjectEdits } from '../whatif/index.js'
import { isNetnsEdit, isObjectEdit, type WhatIfEdit } from '../whatif/types.js'
import { clusterFromDumps } from './cluster.js'
import type { ParsedDump } from './read.js'

export interface DumpWorld extends RefWorld {
  readonly warnings: readonly string[]
}

/** Object edits need objects: with dumps alone there is nothing for them to change. */
function noObjects(edit: WhatIfEdit): KpathError {
  const at = edit.source.location ?? {
    file: edit.source.option,
    line: 1,
    column: 1,
    text: edit.source.text,
  }
  return new KpathError(
    'KPATH_INVALID_ARGUMENT',
    `${edit.source.option}: ${edit.target.ref} is an object edit, and no Kubernetes objects were given with --dump`,
    {
      location: at,
      hint: 'give the objects too (kubectl get nodes,pods,services,endpointslices -A -o yaml > objects.yaml; kpath trace --dump DIR objects.yaml …), or edit the node: --set node/NAME:sysctl.…, --add-route, --add-rule',
    },
  )
}

/**
 * @param edits what-if edits: kernel edits apply to the namespaces built from the dumps,
 *   object edits to `inputs`
 * @example
 * const w = dumpWorld([parseDump(files, 'dumps/alpha')], [])
 * w.state.namespaces.map((n) => n.name) // ['seg-10.39.0.0-24', 'node-alpha', 'pod-unknown-10.244.0.2', …]
 * @throws KpathError KPATH_INVALID_ARGUMENT for an object edit without objects, or an edit
 *   naming nothing in the cluster
 */
export function dumpWorld(
  dumps: readonly ParsedDump[],
  inputs: readonly LoadInput[],
  edits: readonly WhatIfEdit[] = [],
): DumpWorld {
  const objectEdits = edits.filter(isObjectEdit)
  const first = objectEdits[0]
  if (first !== undefined && inputs.length === 0) throw noObjects(first)
  const edited = applyObjectEdits(inputs, objectEdits)
  const cluster = loadCluster(edited)
  const built = clusterFromDumps(dumps, edited.length === 0 ? undefined : cluster)
  const state = applyNetnsEdits(built.state, edits.filter(isNetnsEdit))
  const whatIf =
    objectEdits.length === 0
      ? []
      : [
          'what-if: object edits change the objects given with the dumps (pod and Service names, pod addresses), not the nodes’ rules and routes, which are read from the dumps',
        ]
  return {
    cluster,
    state,
    warnings: [
      ...cluster.warnings.map((w) => w.message),
      ...built.notes.map((n) => `dump: ${n}`),
      ...whatIf,
    ],
  }
}
