/**
 * @module core/kube/controllers/pod-template-hash
 * The `pod-template-hash` label a Deployment puts on its ReplicaSet and Pods.
 *
 * The Deployment controller computes `SafeEncodeString(decimal(FNV-32a(dump)))`, where `dump`
 * is Go's spew printout of the typed PodTemplateSpec (pkg/controller/controller_utils.go
 * ComputeHash). That printout covers every field of the Go struct, defaults included, so it
 * cannot be reproduced from YAML. kpath keeps the same shape and alphabet (FNV-32a, decimal,
 * safe-encoded: up to 10 characters from `456789bcdf`) over a canonical JSON of the template
 * instead: a deterministic stand-in, not the value a real cluster shows.
 */
import { fnv32a, safeEncode } from './names.js'

export function podTemplateHash(template: unknown): string {
  return safeEncode(String(fnv32a(canonicalJson(template))))
}

/** JSON with object keys sorted, so the hash does not depend on key order in the YAML. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}
