/**
 * @module core/iproute2/listing/brlink
 * `bridge -j [-d] link` and `bridge [-d] link`: the bridge ports of a namespace.
 */
import { type IpBridgeLink, readBridgeLink, writeBridgeLink } from '../brlink/record.js'
import { bridgeLinkText, readBridgeLinkText } from '../brlink/text.js'
import { printJsonListing } from '../json/print.js'
import {
  checkFinalNewline,
  lineLocator,
  numberedLines,
  type ParseOptions,
  parseJsonListing,
  withFile,
} from './common.js'

export function parseBridgeLinkJson(text: string, options: ParseOptions = {}): IpBridgeLink[] {
  return parseJsonListing(text, options, 'bridge -j link', readBridgeLink)
}

export function printBridgeLinkJson(ports: readonly IpBridgeLink[], details = false): string {
  return printJsonListing(ports.map((p) => writeBridgeLink(p, details)))
}

export function parseBridgeLinkText(
  text: string,
  details = false,
  options: ParseOptions = {},
): IpBridgeLink[] {
  return withFile(options, () => {
    checkFinalNewline(text)
    const lines = numberedLines(text)
    const out: IpBridgeLink[] = []
    for (let i = 0; i < lines.length; ) {
      const line = lines[i]
      if (line === undefined) break
      const { hub, used } = readBridgeLinkText(lines.slice(i), details)
      out.push(readBridgeLink(lineLocator(line), hub))
      i += used
    }
    return out
  })
}

export function printBridgeLinkText(ports: readonly IpBridgeLink[], details = false): string {
  return ports.map((p) => bridgeLinkText(writeBridgeLink(p, details), details)).join('')
}
