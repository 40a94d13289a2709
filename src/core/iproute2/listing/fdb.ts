/**
 * @module core/iproute2/listing/fdb
 * `bridge -j fdb` and `bridge fdb`.
 */
import { type IpFdbEntry, readFdb, writeFdb } from '../fdb/record.js'
import { fdbText, readFdbText } from '../fdb/text.js'
import { printJsonListing } from '../json/print.js'
import {
  checkFinalNewline,
  jsonItems,
  lineLocator,
  numberedLines,
  type ParseOptions,
  withFile,
} from './common.js'

export function parseBridgeFdbJson(text: string, options: ParseOptions = {}): IpFdbEntry[] {
  return withFile(options, () => {
    const { doc, items } = jsonItems(text, 'bridge -j fdb')
    return items.map((item) => readFdb(doc, item))
  })
}

export function printBridgeFdbJson(entries: readonly IpFdbEntry[]): string {
  return printJsonListing(entries.map(writeFdb))
}

export function parseBridgeFdbText(text: string, options: ParseOptions = {}): IpFdbEntry[] {
  return withFile(options, () => {
    checkFinalNewline(text)
    return numberedLines(text).map((line) => readFdb(lineLocator(line), readFdbText(line)))
  })
}

export function printBridgeFdbText(entries: readonly IpFdbEntry[]): string {
  return entries.map((e) => fdbText(writeFdb(e))).join('')
}
