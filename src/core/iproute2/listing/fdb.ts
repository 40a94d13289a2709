/**
 * @module core/iproute2/listing/fdb
 * `bridge -j fdb` and `bridge fdb`.
 */
import { type IpFdbEntry, readFdb, writeFdb } from '../fdb/record.js'
import { fdbText, readFdbText } from '../fdb/text.js'
import { printJsonListing } from '../json/print.js'
import { type ParseOptions, parseJsonListing, parseLineListing } from './common.js'

export function parseBridgeFdbJson(text: string, options: ParseOptions = {}): IpFdbEntry[] {
  return parseJsonListing(text, options, 'bridge -j fdb', readFdb)
}

export function printBridgeFdbJson(entries: readonly IpFdbEntry[]): string {
  return printJsonListing(entries.map(writeFdb))
}

export function parseBridgeFdbText(text: string, options: ParseOptions = {}): IpFdbEntry[] {
  return parseLineListing(text, options, (at, line) => readFdb(at, readFdbText(line)))
}

export function printBridgeFdbText(entries: readonly IpFdbEntry[]): string {
  return entries.map((e) => fdbText(writeFdb(e))).join('')
}
