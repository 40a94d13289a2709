/**
 * @module core/iproute2/listing/common
 * What every listing parser shares: the JSON root (one array of objects), located errors for
 * text input, and the file name for error messages.
 */
import { isKpathError, KpathError, parseError } from '../../errors.js'
import type { Locator } from '../fields.js'
import { type JsonDoc, parseJsonDoc } from '../json/parse.js'
import { isJsonObject, type JsonObject } from '../json/value.js'
import type { NumberedLine } from '../link/text-parse.js'

export interface ParseOptions {
  /** File name for error locations. */
  readonly file?: string
}

/** Run a parser, naming `options.file` in any located error it throws. */
export function withFile<T>(options: ParseOptions, parse: () => T): T {
  try {
    return parse()
  } catch (e) {
    if (options.file !== undefined && isKpathError(e)) throw e.inFile(options.file)
    throw e
  }
}

/** The objects of a `-j` listing: iproute2 prints one array (`[]` when there is nothing). */
export function jsonItems(text: string, what: string): { doc: JsonDoc; items: JsonObject[] } {
  const doc = parseJsonDoc(text)
  const root = doc.root
  if (!Array.isArray(root))
    throw parseError(`${what} must be a JSON array`, 1, 1, text.split('\n')[0] ?? '')
  const items = root.map((item, i) => {
    if (!isJsonObject(item)) throw doc.error(`${what} must hold objects`, root, i)
    return item
  })
  return { doc, items }
}

/** A locator for an object read from one text line: errors point at the line's start. */
export function lineLocator(line: NumberedLine): Locator {
  return {
    error: (message, _c, _k, hint) => parseError(message, line.no, 1, line.text, hint),
    refuse: (message, _c, _k, hint) =>
      new KpathError('KPATH_UNSUPPORTED', message, {
        location: { line: line.no, column: 1, text: line.text },
        ...(hint === undefined ? {} : { hint }),
      }),
  }
}

/** The lines of a text listing, numbered from 1; the newline ending the last one is dropped. */
export function numberedLines(text: string): NumberedLine[] {
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines.map((t, i) => ({ text: t, no: i + 1 }))
}

/** Text listings must end with a newline, like every line iproute2 prints. */
export function checkFinalNewline(text: string): void {
  if (text === '' || text.endsWith('\n')) return
  const lines = text.split('\n')
  const last = lines[lines.length - 1] ?? ''
  throw parseError(
    'the listing does not end with a newline (truncated?)',
    lines.length,
    last.length + 1,
    last,
  )
}

/** A `-j` listing read object by object (`read` gets the document for located errors). */
export function parseJsonListing<T>(
  text: string,
  options: ParseOptions,
  what: string,
  read: (doc: JsonDoc, item: JsonObject) => T,
): T[] {
  return withFile(options, () => {
    const { doc, items } = jsonItems(text, what)
    return items.map((item) => read(doc, item))
  })
}

/** A text listing with one record per line (neigh, rule, fdb): errors point at the line. */
export function parseLineListing<T>(
  text: string,
  options: ParseOptions,
  read: (at: Locator, line: NumberedLine) => T,
): T[] {
  return withFile(options, () => {
    checkFinalNewline(text)
    return numberedLines(text).map((line) => read(lineLocator(line), line))
  })
}
