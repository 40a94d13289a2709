/**
 * @module core/cluster/config-source
 * Plugin configurations (a CNI network config, flannel's net-conf.json) come from the Topology
 * (located field by field) or from a JSON string inside a ConfigMap (located at the data key,
 * with the JSON path named in the message). {@link validateConfig} and {@link parseJsonConfig}
 * turn a bad value into a located `KPATH_PARSE` error, as the loader does for its own kinds.
 */
import type * as z from 'zod'
import { KpathError, type SourceLocation } from '../errors.js'
import { hintFor } from '../kube/load/fields.js'
import { formatPath } from '../kube/load/locate.js'

export type ConfigPath = readonly (string | number)[]

export interface ConfigSource {
  /** What the value is, in messages: `Topology spec.cniConfig`, `kube-flannel-cfg net-conf.json`. */
  readonly label: string
  /** Where a field of the value is written, if the input says. */
  at(path: ConfigPath): SourceLocation | undefined
}

/** A source located only as a whole (a JSON string in a ConfigMap's data). */
export function wholeSource(label: string, location: SourceLocation | undefined): ConfigSource {
  return { label, at: () => location }
}

/** Validate `value` with `schema`; the first issue becomes a located `KPATH_PARSE` error. */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  value: unknown,
  src: ConfigSource,
): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol')
  const field = path.length === 0 ? '' : ` ${formatPath(path)}`
  const message = issue?.message ?? 'is invalid'
  const location = src.at(path)
  return failWith(
    `${src.label}${field}: ${message}`,
    location,
    hintFor(message) ?? 'see the plugin’s documentation for the field',
  )
}

/** JSON text → value; a syntax error is located at the text's field with JSON's own position. */
export function parseJsonConfig(text: string, src: ConfigSource): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e)
    return failWith(
      `${src.label}: not valid JSON (${reason})`,
      src.at([]),
      'the plugin reads this value with a JSON decoder; fix the JSON syntax',
    )
  }
}

function failWith(message: string, location: SourceLocation | undefined, hint: string): never {
  throw new KpathError('KPATH_PARSE', message, {
    ...(location === undefined ? {} : { location }),
    hint,
  })
}
