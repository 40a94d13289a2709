/**
 * @module core/iproute2/listing/neigh
 * `ip -j neigh [show proxy]` and `ip neigh [show proxy]`.
 */
import { printJsonListing } from '../json/print.js'
import { type IpNeighbour, readNeighbour, writeNeighbour } from '../neigh/record.js'
import { neighbourText, readNeighbourText } from '../neigh/text.js'
import {
  checkFinalNewline,
  jsonItems,
  lineLocator,
  numberedLines,
  type ParseOptions,
  withFile,
} from './common.js'

export function parseIpNeighJson(text: string, options: ParseOptions = {}): IpNeighbour[] {
  return withFile(options, () => {
    const { doc, items } = jsonItems(text, 'ip -j neigh')
    return items.map((item) => readNeighbour(doc, item))
  })
}

export function printIpNeighJson(neighbours: readonly IpNeighbour[]): string {
  return printJsonListing(neighbours.map(writeNeighbour))
}

export function parseIpNeighText(text: string, options: ParseOptions = {}): IpNeighbour[] {
  return withFile(options, () => {
    checkFinalNewline(text)
    return numberedLines(text).map((line) =>
      readNeighbour(lineLocator(line), readNeighbourText(line)),
    )
  })
}

export function printIpNeighText(neighbours: readonly IpNeighbour[]): string {
  return neighbours.map((n) => neighbourText(writeNeighbour(n))).join('')
}
