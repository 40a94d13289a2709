/**
 * @module core/kube/load/schema-workload
 * apps/v1 Deployment, ReplicaSet, StatefulSet, DaemonSet and batch/v1 Job: the replica counts,
 * selector and pod template the workload controllers read. Replicas default to 1 (Deployment,
 * ReplicaSet, StatefulSet); a Job's parallelism and completions default to 1.
 */
import * as z from 'zod'
import { count, namespacedMetadata, stringMap } from './fields.js'
import { podSpec } from './schema-pod.js'

export const WORKLOAD_KINDS = {
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
} as const

export type WorkloadKind = keyof typeof WORKLOAD_KINDS

const templateMetadata = z.looseObject({
  name: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
})

export function workloadSchema(kind: WorkloadKind) {
  return z.looseObject({
    apiVersion: z.literal(WORKLOAD_KINDS[kind]),
    kind: z.literal(kind),
    metadata: namespacedMetadata,
    spec: z.looseObject({
      replicas: count.optional(),
      parallelism: count.optional(),
      completions: count.optional(),
      serviceName: z.string().optional(),
      selector: z.looseObject({ matchLabels: stringMap.optional() }).optional(),
      template: z.looseObject({ metadata: templateMetadata.optional(), spec: podSpec }),
    }),
  })
}
