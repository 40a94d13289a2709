/**
 * @module test/seeds/seed-kit
 * Test support for the seed examples (examples/seeds/*.yaml): load one as the CLI would
 * (loadCluster → assembleCluster), pick namespaces, build the packets the seeds' authors sent
 * and find trace branches by where they ended.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { type AssembledCluster, assembleCluster } from '../../src/core/cluster/index.js'
import { loadCluster } from '../../src/core/kube/load/index.js'
import type { NetnsState } from '../../src/core/model/netns.js'
import type { Packet, TcpFlag } from '../../src/core/model/packet.js'
import type { ClusterBranch, Hop } from '../../src/core/walk/index.js'
import { REPO_ROOT } from '../support/shared.js'

/** The text of `examples/seeds/<file>`. */
export function exampleText(file: string): string {
  return readFileSync(join(REPO_ROOT, 'examples', 'seeds', file), 'utf8')
}

/** An example (optionally edited, e.g. to apply one of the authors' fixes) assembled. */
export function assembleExample(
  file: string,
  edit: (text: string) => string = (t) => t,
): AssembledCluster {
  return assembleCluster(loadCluster([{ file, text: edit(exampleText(file)) }]))
}

export function ns(state: AssembledCluster, name: string): NetnsState {
  const n = state.namespaces.find((x) => x.name === name)
  if (n === undefined) throw new Error(`no namespace ${name}`)
  return n
}

/** A namespace changed by `change` (a sysctl flipped, a route added), the rest kept. */
export function withNetns(
  s: AssembledCluster,
  name: string,
  change: (n: NetnsState) => NetnsState,
): AssembledCluster {
  ns(s, name)
  return { ...s, namespaces: s.namespaces.map((n) => (n.name === name ? change(n) : n)) }
}

/** A TCP SYN as a client socket sends it (TTL 64, port 40000). */
export function syn(src: string, dst: string, dport: number): Packet {
  return {
    family: 4,
    src,
    dst,
    proto: 6,
    sport: 40000,
    dport,
    tcpFlags: ['SYN'] as TcpFlag[],
    ttl: 64,
    length: 60,
    mark: 0,
  }
}

/** An ICMP echo request (`ping`), as the seeds' authors sent to test paths. */
export function ping(src: string, dst: string): Packet {
  return { family: 4, src, dst, proto: 1, icmpType: 8, icmpCode: 0, ttl: 64, length: 84, mark: 0 }
}

/** The one branch delivered in namespace `netns` (fails the test when not exactly one). */
export function deliveredIn(branches: readonly ClusterBranch[], netns: string): ClusterBranch {
  const found = branches.filter((b) => b.outcome.kind === 'delivered' && b.outcome.netns === netns)
  expect(found, `one branch delivered in ${netns}`).toHaveLength(1)
  return found[0] as ClusterBranch
}

/** Netfilter lines of a hop without the per-rule TRACE lines: conntrack, NAT, routes. */
export function events(h: Hop | undefined): string[] {
  return (h?.netfilter ?? []).filter((l) => !l.startsWith('TRACE:'))
}

/** Every hop's route, as `ip route get` prints it. */
export function routesTaken(hops: readonly Hop[]): string[] {
  return hops.flatMap((h) => (h.route === undefined ? [] : [`${h.netns}: ${h.route}`]))
}
