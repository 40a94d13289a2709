/**
 * @module adapters/node/lab/world
 * The cluster a lab is built from, loaded exactly as `kpath trace` loads it (loadCluster, then
 * assembleCluster), so that the lab and the emulator consume the same NetnsStates.
 */
import type { RefWorld } from '../../../core/app/refs.js'
import { assembleCluster } from '../../../core/cluster/index.js'
import { type LoadInput, loadCluster } from '../../../core/kube/load/index.js'

export function loadWorld(inputs: readonly LoadInput[]): RefWorld & { warnings: string[] } {
  const cluster = loadCluster(inputs)
  const state = assembleCluster(cluster)
  const warnings = [
    ...cluster.warnings.map((w) => w.message),
    ...state.unsupported.map((u) => u.message),
  ]
  return { cluster, state, warnings }
}
