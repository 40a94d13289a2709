/**
 * @module core/lab/daemons
 * The user-space side of a lab, from the `daemons` of the emulator's namespaces: one lab daemon
 * process (src/adapters/node/lab/servers/labd.py) enters each namespace in turn and opens
 *
 * - an echo server for every `echo-server` daemon (a pod's containerPort, TCP or UDP; a
 *   hostNetwork pod's in its node's namespace), answering with the pod's name, the client
 *   address and port it saw, and the TTL the client's packet arrived with;
 * - flanneld's UDP backend for every `flanneld-udp` daemon: it reads the TUN device, sends each
 *   packet in UDP to the node leasing its destination subnet, and writes what it receives
 *   back into the device (flannel's `udp` backend, port 8285).
 *
 * BIRD daemons are not run: the routes they would learn are installed as computed.
 */
import type { NetnsState } from '../model/netns.js'

export interface EchoListener {
  readonly netns: string
  /** `namespace/name` of the pod answering. */
  readonly pod: string
  readonly port: number
  readonly proto: 'tcp' | 'udp'
}

export interface FlanneldForwarder {
  readonly netns: string
  readonly device: string
  readonly local: string
  readonly port: number
  /** Subnet → the node address leasing it. */
  readonly routes: readonly (readonly [string, string])[]
}

export interface LabdConfig {
  readonly listeners: readonly EchoListener[]
  readonly flanneld: readonly FlanneldForwarder[]
}

function proto(v: unknown): 'tcp' | 'udp' | undefined {
  const p = String(v ?? 'TCP').toUpperCase()
  return p === 'TCP' ? 'tcp' : p === 'UDP' ? 'udp' : undefined
}

export function labdConfig(
  states: readonly NetnsState[],
  rename: (model: string) => string,
): { config: LabdConfig; skipped: string[] } {
  const listeners: EchoListener[] = []
  const flanneld: FlanneldForwarder[] = []
  const skipped: string[] = []
  const seen = new Set<string>()
  for (const s of states)
    for (const d of s.daemons ?? []) {
      const c = d.config
      if (d.kind === 'echo-server') {
        const p = proto(c.protocol)
        const key = `${s.name} ${c.port} ${p}`
        if (p === undefined) skipped.push(`${s.name}: ${d.name}: ${String(c.protocol)} server`)
        else if (!seen.has(key)) {
          seen.add(key)
          listeners.push({
            netns: rename(s.name),
            pod: String(c.pod),
            port: Number(c.port),
            proto: p,
          })
        }
      } else if (d.kind === 'flanneld-udp') {
        const routes = Object.entries(c)
          .filter(([k]) => k.startsWith('route:'))
          .map(([k, v]) => [k.slice('route:'.length), String(v)] as const)
        flanneld.push({
          netns: rename(s.name),
          device: String(c.device),
          local: String(c.local),
          port: Number(c.port),
          routes,
        })
      } else
        skipped.push(
          `${s.name}: ${d.name}: ${d.kind} is not run; its routes are installed as computed`,
        )
    }
  return { config: { listeners, flanneld }, skipped }
}
