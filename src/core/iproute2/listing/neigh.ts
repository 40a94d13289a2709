/**
 * @module core/iproute2/listing/neigh
 * `ip -j neigh [show proxy]` and `ip neigh [show proxy]`.
 */
import { printJsonListing } from '../json/print.js'
import { type IpNeighbour, readNeighbour, writeNeighbour } from '../neigh/record.js'
import { neighbourText, readNeighbourText } from '../neigh/text.js'
import { type ParseOptions, parseJsonListing, parseLineListing } from './common.js'

export function parseIpNeighJson(text: string, options: ParseOptions = {}): IpNeighbour[] {
  return parseJsonListing(text, options, 'ip -j neigh', readNeighbour)
}

export function printIpNeighJson(neighbours: readonly IpNeighbour[]): string {
  return printJsonListing(neighbours.map(writeNeighbour))
}

export function parseIpNeighText(text: string, options: ParseOptions = {}): IpNeighbour[] {
  return parseLineListing(text, options, (at, line) => readNeighbour(at, readNeighbourText(line)))
}

export function printIpNeighText(neighbours: readonly IpNeighbour[]): string {
  return neighbours.map((n) => neighbourText(writeNeighbour(n))).join('')
}
