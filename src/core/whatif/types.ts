/**
 * @module core/whatif/types
 * What-if edits: changes to a cluster made before a trace, as a user would make them on the
 * real cluster (`sysctl -w`, `ip route add`, `iptables -A`, `kubectl patch`). Object edits
 * change a Kubernetes object (or kpath's Topology) before anything is rendered; namespace edits
 * change the kernel state of one node, pod, router or external host after the assembly.
 */
import type { SourceLocation } from '../errors.js'

/** A namespace the kernel edits apply to: `node/NAME`, `pod/NS/NAME`, `router/NAME`, … */
export interface NetnsTarget {
  /** As the user wrote it (`node/slave2`). */
  readonly ref: string
  /** The namespace of the assembled cluster (`node-slave2`). */
  readonly netns: string
}

/** An object of the input: its kind (as written in the YAML), namespace and name. */
export interface ObjectTarget {
  readonly ref: string
  /** Lower-case kind, aliases expanded (`svc` → `service`). */
  readonly kind: string
  /** Absent: any namespace (cluster-scoped kinds, configuration kinds). */
  readonly namespace?: string
  /** Absent: the only object of that kind (KubeProxyConfiguration, Topology). */
  readonly name?: string
}

/** Where an edit was written, for located errors. */
export interface EditSource {
  /** `--set`, `--add-route`, `--add-rule`, or the patch file's name. */
  readonly option: string
  /** The whole text of the edit (the option's value, or the patch document). */
  readonly text: string
  /** In a patch file: where the document starts. */
  readonly location?: SourceLocation
}

export type FieldPath = readonly (string | number)[]

export type WhatIfEdit =
  | {
      /** `sysctl -w NAME=VALUE` in one namespace. */
      readonly kind: 'sysctl'
      readonly target: NetnsTarget
      readonly name: string
      readonly value: string
      readonly source: EditSource
    }
  | {
      /** `ip route add ROUTE` in one namespace. */
      readonly kind: 'route'
      readonly target: NetnsTarget
      readonly route: string
      readonly source: EditSource
    }
  | {
      /** `iptables [-t TABLE] -A|-I|-D …` in one namespace. */
      readonly kind: 'rule'
      readonly target: NetnsTarget
      readonly rule: string
      readonly source: EditSource
    }
  | {
      /** A field of an object set to a value (`spec.externalTrafficPolicy=Local`). */
      readonly kind: 'field'
      readonly target: ObjectTarget
      readonly path: FieldPath
      readonly value: unknown
      readonly source: EditSource
    }
  | {
      /** A JSON merge patch (RFC 7386) applied to an object. */
      readonly kind: 'merge-patch'
      readonly target: ObjectTarget
      readonly patch: Readonly<Record<string, unknown>>
      readonly source: EditSource
    }

export type NetnsEdit = Extract<WhatIfEdit, { kind: 'sysctl' | 'route' | 'rule' }>
export type ObjectEdit = Extract<WhatIfEdit, { kind: 'field' | 'merge-patch' }>

export function isNetnsEdit(e: WhatIfEdit): e is NetnsEdit {
  return e.kind === 'sysctl' || e.kind === 'route' || e.kind === 'rule'
}

export function isObjectEdit(e: WhatIfEdit): e is ObjectEdit {
  return e.kind === 'field' || e.kind === 'merge-patch'
}
