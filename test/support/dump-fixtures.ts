/**
 * @module test/support/dump-fixtures
 * Test support: the captured dumps under testdata/ (scripts/capture-dumps.ts), read as the CLI
 * reads a dump folder, and the example each was built from. It reads files, so it lives with
 * the test support rather than in src/core, which stays free of Node I/O.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { type ParsedDump, parseDump } from '../../src/core/dump/read.js'

export const TESTDATA = new URL('../../src/core/dump/testdata/', import.meta.url).pathname

/** The captured cases: fixture folder → the example it was built from. */
export const DUMP_CASES = [
  { name: 'flannel-vxlan', example: 'examples/clusters/flannel-vxlan.yaml' },
  { name: 'kube-router', example: 'examples/seeds/001-kube-router.yaml' },
  { name: 'flannel-udp', example: 'examples/seeds/003-flannel-udp-rp-filter.yaml' },
  { name: 'calico', example: 'examples/seeds/004-calico-native.yaml' },
  { name: 'underlay', example: 'examples/seeds/000-underlay-pod-clusterip.yaml' },
  { name: 'nftables', example: 'examples/clusters/flannel-vxlan-nftables.yaml' },
] as const

export function dumpFiles(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]))
}

/** The node folders of a case, in name order. */
export function nodeDirs(caseName: string): string[] {
  const base = join(TESTDATA, caseName)
  return readdirSync(base)
    .map((d) => join(base, d))
    .filter((d) => statSync(d).isDirectory())
    .sort()
}

export function caseDumps(caseName: string): ParsedDump[] {
  return nodeDirs(caseName).map((d) => parseDump(dumpFiles(d), d))
}
