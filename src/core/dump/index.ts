/**
 * @module core/dump
 * Node dumps (docs/DUMP.md): the collect script, reading a dump into a NetnsState, a cluster
 * from several dumps for `kpath trace --dump`, and drift against the rendered state
 * (`kpath diff`).
 */
export { dumpFilesFromTar } from './archive.js'
export { clusterFromDumps, type DumpCluster } from './cluster.js'
export { collectScript, shellQuote } from './collect-script.js'
export { diffDumps, diffNode } from './diff.js'
export { driftText, hasDrift } from './diff-text.js'
export type { Drift, DriftKind, DriftReport } from './diff-types.js'
export { COLLECT_LOG, DUMP_FILES, type DumpFileName, type DumpFileSpec } from './files.js'
export { parseHostname, printHostname } from './hostname.js'
export { type DumpNetns, dumpNetns } from './netns.js'
export { printDumpFile } from './print.js'
export { type DumpFiles, has, type ParsedDump, parseDump } from './read.js'
export { readTar, type TarEntry } from './tar.js'
export { type DumpWorld, dumpWorld } from './world.js'
