/**
 * @module core/kube/load/validate
 * Runs a zod schema over one raw object and turns its first issue into a located
 * {@link KpathError}: `service.yaml:12:15: error: spec.ports[0].port: 70000 is out of range`.
 */
import type * as z from 'zod'
import type { KpathError } from '../../errors.js'
import { hintFor } from './fields.js'
import { type FieldLocator, type FieldPath, fieldError } from './locate.js'

/** A value to validate and where its fields are written (a document's object, or a part of one). */
export interface Validatable {
  readonly value: unknown
  readonly locator: FieldLocator
  /** Where `value` sits inside the located object (messages and locations name the full path). */
  readonly base?: FieldPath
}

export function validate<S extends z.ZodType>(schema: S, raw: Validatable): z.output<S> {
  const result = schema.safeParse(raw.value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  if (issue === undefined) throw fieldError(raw.locator, [], 'object is invalid')
  throw issueError(issue, raw)
}

function issueError(issue: z.core.$ZodIssue, raw: Validatable): KpathError {
  const path: FieldPath = issue.path.filter((p) => typeof p !== 'symbol')
  // A strict schema (kpath's own kinds) names the unknown field itself, and points at it.
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? ''
    const where = [...(raw.base ?? []), ...path, key]
    return fieldError(
      raw.locator,
      where,
      'is not a known field',
      'check the spelling; the documentation of the kind lists its fields',
    )
  }
  const value = valueAt(raw.value, path)
  const full = [...(raw.base ?? []), ...path]
  return fieldError(raw.locator, full, describe(issue, value), hint(issue, value))
}

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined) return 'is required'
  // zod's own messages start with "Invalid"; ours say what the field must be.
  const own = !issue.message.startsWith('Invalid')
  if (issue.code === 'invalid_type' && !own)
    return `${show(value)} is a ${typeName(value)}, expected a ${issue.expected}`
  if (!own) return `${show(value)} is not valid here`
  if (issue.code === 'too_small' || issue.code === 'too_big') return issue.message
  return `${show(value)} ${issue.message}`
}

function hint(issue: z.core.$ZodIssue, value: unknown): string {
  const registered = hintFor(issue.message)
  if (registered !== undefined) return registered
  if (issue.code === 'custom' && typeof issue.params?.hint === 'string') return issue.params.hint
  if (issue.code === 'invalid_value')
    return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
  if (value === undefined) return 'add the field; see `kubectl explain` for its shape'
  return 'see `kubectl explain` for the field; kpath validates the fields it reads'
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let v: unknown = root
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined
    v = (v as Record<string | number, unknown>)[p]
  }
  return v
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return 'the list'
  return 'the value'
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'list'
  if (typeof value === 'object') return 'mapping'
  return typeof value
}
