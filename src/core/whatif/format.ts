/**
 * @module core/whatif/format
 * Edits written back as the command-line options that make them (`--set node/a:sysctl.…=2`),
 * so that a fix explain proposes can be pasted into `kpath trace` or `kpath explain`.
 */
import type { FieldPath, WhatIfEdit } from './types.js'

/** `spec.ports[0].port`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatFieldPath(path: FieldPath): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else if (!/^[A-Za-z0-9_-]+$/.test(p)) out += `["${p}"]`
    else out += out === '' ? p : `.${p}`
  }
  return out
}

/** A value as `--set` reads it back (YAML flow: plain scalars bare, the rest as JSON). */
function formatValue(v: unknown): string {
  if (typeof v === 'string' && /^[A-Za-z0-9_./:-]+$/.test(v) && !/^[0-9.]+$/.test(v)) return v
  return JSON.stringify(v)
}

/** A shell word: quoted when it holds anything a shell would split or expand. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`
}

/**
 * @example
 * formatEdit(parseSetEdit('node/a:sysctl.net.ipv4.ip_forward=1')) // "--set node/a:sysctl.net.ipv4.ip_forward=1"
 */
export function formatEdit(e: WhatIfEdit): string {
  switch (e.kind) {
    case 'sysctl':
      return `--set ${e.target.ref}:sysctl.${e.name}=${e.value}`
    case 'route':
      return `--add-route ${shellWord(`${e.target.ref}:${e.route}`)}`
    case 'rule':
      return `--add-rule ${shellWord(`${e.target.ref}:${e.rule}`)}`
    case 'field':
      return `--set ${shellWord(`${e.target.ref}:${formatFieldPath(e.path)}=${formatValue(e.value)}`)}`
    case 'merge-patch':
      return `--patch FILE (${e.target.ref}: ${JSON.stringify(e.patch)})`
  }
}
