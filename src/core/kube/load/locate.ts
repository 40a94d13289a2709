/**
 * @module core/kube/load/locate
 * Turns a field path inside one YAML document (`spec.ports[0].port`) back into a file, line and
 * column, through the node ranges `yaml` keeps and its LineCounter. Errors found by the schemas
 * and by the controllers are reported where the user wrote the value.
 */
import { type Document, isNode, type LineCounter } from 'yaml'
import { KpathError, type SourceLocation } from '../../errors.js'

export type FieldPath = readonly (string | number)[]

/** Anything that can say where a field is written (a {@link Locator}, or an extension's `at`). */
export interface FieldLocator {
  at(path?: FieldPath): SourceLocation
}

/** Locates fields of one object (a document, or one item of a `kind: List`). */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly counter: LineCounter,
    private readonly lines: readonly string[],
    readonly file: string,
    /** Path of this object inside its document (`['items', 3]` for a List item). */
    readonly base: FieldPath = [],
  ) {}

  /** A locator for the object at `path` below this one. */
  child(path: FieldPath): Locator {
    return new Locator(this.doc, this.counter, this.lines, this.file, [...this.base, ...path])
  }

  /** Where `path` is written; a missing field is located at its nearest written parent. */
  at(path: FieldPath = []): SourceLocation {
    return this.offsetLocation(this.offsetOf([...this.base, ...path]))
  }

  /** The location of a character offset in the document's source text. */
  offsetLocation(offset: number): SourceLocation {
    const { line, col } = this.counter.linePos(offset)
    return { file: this.file, line, column: col, text: this.lines[line - 1] ?? '' }
  }

  private offsetOf(full: FieldPath): number {
    for (let n = full.length; n >= 0; n--) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(full.slice(0, n), true)
      if (isNode(node) && node.range) return node.range[0]
    }
    return 0
  }
}

/** `spec.ports[0].port`, the way kubectl and the API server name a field. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else out += out === '' ? String(p) : `.${String(p)}`
  }
  return out
}

/** A located error about one field: the message starts with the field path. */
export function fieldError(
  locator: FieldLocator,
  path: FieldPath,
  message: string,
  hint?: string,
  code: 'KPATH_PARSE' | 'KPATH_INVALID_ARGUMENT' = 'KPATH_PARSE',
): KpathError {
  const where = path.length === 0 ? '' : `${formatPath(path)}: `
  return new KpathError(code, `${where}${message}`, {
    location: locator.at(path),
    ...(hint === undefined ? {} : { hint }),
  })
}
