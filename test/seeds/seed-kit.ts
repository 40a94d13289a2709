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
import { synPacket } from '../../src/core/conntrack/test-packets.js'
import { loadCluster } from '../../src/core/kube/load/index.js'
import type { NetnsState } from '../../src/core/model/netns.js'
import type { Packet } from '../../src/core/model/packet.js'
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
  return synPacket(src, dst, dport)
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

/**
 * The branch delivers its packet and its reply: `there` and `back` are the fields the forward
 * and the reply outcome must have besides `kind: 'delivered'` (toMatchObject: a subset).
 */
export function expectRoundTrip(b: ClusterBranch, there: object, back: object): void {
  expect(b.outcome).toMatchObject({ kind: 'delivered', ...there })
  expect(b.reply?.outcome).toMatchObject({ kind: 'delivered', ...back })
}

/** Netfilter lines of a hop without the per-rule TRACE lines: conntrack, NAT, routes. */
export function events(h: Hop | undefined): string[] {
  return (h?.netfilter ?? []).filter((l) => !l.startsWith('TRACE:'))
}

/**
 * Whether the hop's nat POSTROUTING source-NATs the client's `from`:40000 to `to` (any port:
 * the kernel picks it from the range, so the tests cannot name it).
 */
export function snatsTo(h: Hop | undefined, from: string, to: string): boolean {
  const prefix = `nat(POSTROUTING): SNAT ${from}:40000 -> ${to}:`
  return events(h).some((l) => l.startsWith(prefix) && /^\d+$/.test(l.slice(prefix.length)))
}

/** Every hop's route, as `ip route get` prints it. */
export function routesTaken(hops: readonly Hop[]): string[] {
  return hops.flatMap((h) => (h.route === undefined ? [] : [`${h.netns}: ${h.route}`]))
}
