/**
 * @module core/cluster/pods
 * Which pods get a network namespace, and the echo servers standing in for their containers.
 * A pod has a sandbox once it is bound to a node and until it finishes: pods without
 * `nodeName` (Pending, unscheduled) and Succeeded/Failed pods have none. A hostNetwork pod
 * shares its node's namespace. Every containerPort gets an `echo-server` Daemon listening on
 * all addresses of the namespace the container runs in.
 */
import { objectKey, type Pod } from '../kube/model.js'
import type { Daemon } from '../model/netns.js'

export function hasSandbox(pod: Pod): boolean {
  const phase = pod.status?.phase
  return pod.spec.nodeName !== undefined && phase !== 'Succeeded' && phase !== 'Failed'
}

/** One `echo-server` per container port, named `echo-<container>-<port>-<proto>`. */
export function echoServers(pod: Pod): Daemon[] {
  return pod.spec.containers.flatMap((c) =>
    (c.ports ?? []).map((p) => ({
      name: `echo-${c.name}-${p.containerPort}-${p.protocol.toLowerCase()}`,
      kind: 'echo-server' as const,
      config: {
        pod: objectKey(pod),
        container: c.name,
        port: p.containerPort,
        protocol: p.protocol,
        ...(p.name === undefined ? {} : { portName: p.name }),
      },
    })),
  )
}
