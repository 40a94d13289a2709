/**
 * @module core/iproute2/listing/addr
 * `ip -j [-d] addr` and `ip addr`: each link, then its addresses. Parsing gives the links and
 * the addresses apart ({@link IpAddrListing}); printing puts each address under the link it
 * names, in the order given.
 */
import { KpathError } from '../../errors.js'
import { type IpAddress, readAddress, writeAddress } from '../addr/record.js'
import { addressText, isAddressLine, readAddressText } from '../addr/text.js'
import type { IpContext } from '../context.js'
import { arr } from '../fields.js'
import { printJsonListing } from '../json/print.js'
import { isJsonObject, type JsonObject, omitKeys } from '../json/value.js'
import { type IpLink, type LinkView, readLink, writeLink } from '../link/record.js'
import { linkText } from '../link/text.js'
import { type NumberedLine, readLinkText } from '../link/text-parse.js'
import {
  checkFinalNewline,
  jsonItems,
  lineLocator,
  numberedLines,
  type ParseOptions,
  withFile,
} from './common.js'
import { linkBlocks } from './link.js'

export interface IpAddrListing {
  readonly links: readonly IpLink[]
  readonly addresses: readonly IpAddress[]
}

const ADDR_VIEW: LinkView = { details: false, mode: 'addr' }

export function parseIpAddrJson(
  text: string,
  ctx: IpContext,
  options: ParseOptions = {},
): IpAddrListing {
  return withFile(options, () => {
    const { doc, items } = jsonItems(text, 'ip -j addr')
    const links: IpLink[] = []
    const addresses: IpAddress[] = []
    for (const item of items) {
      const rec = readLink(doc, omitKeys(item, ['addr_info']), ctx)
      links.push(rec)
      const list = arr(item, 'addr_info') ?? []
      for (const [i, a] of list.entries()) {
        if (!isJsonObject(a)) throw doc.error('addr_info must hold objects', list, i)
        addresses.push(readAddress(doc, a, rec.link.name))
      }
    }
    return { links, addresses }
  })
}

function addressesOf(listing: IpAddrListing, link: IpLink): IpAddress[] {
  return listing.addresses.filter((a) => a.address.iface === link.link.name)
}

function checkIfaces(listing: IpAddrListing): void {
  const names = new Set(listing.links.map((l) => l.link.name))
  const lost = listing.addresses.find((a) => !names.has(a.address.iface))
  if (lost) {
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `address ${lost.address.local} is on ${lost.address.iface}, which is not listed`,
    )
  }
}

export function printIpAddrJson(
  listing: IpAddrListing,
  ctx: IpContext,
  view: LinkView = ADDR_VIEW,
): string {
  checkIfaces(listing)
  const items = listing.links.map((l): JsonObject => {
    const info = addressesOf(listing, l).map(writeAddress)
    return { ...writeLink(l, ctx, view), addr_info: info }
  })
  return printJsonListing(items)
}

export function parseIpAddrText(
  text: string,
  ctx: IpContext,
  options: ParseOptions = {},
): IpAddrListing {
  return withFile(options, () => {
    checkFinalNewline(text)
    const links: IpLink[] = []
    const addresses: IpAddress[] = []
    for (const block of linkBlocks(numberedLines(text))) {
      const first = block.findIndex((l) => isAddressLine(l.text))
      const linkLines = first < 0 ? block : block.slice(0, first)
      const rec = readLink(
        lineLocator(block[0] as NumberedLine),
        readLinkText(linkLines, ADDR_VIEW),
        ctx,
      )
      links.push(rec)
      let rest = first < 0 ? [] : block.slice(first)
      while (rest.length > 0) {
        const head = rest[0] as NumberedLine
        const { hub, used } = readAddressText(rest)
        addresses.push(readAddress(lineLocator(head), hub, rec.link.name))
        rest = rest.slice(used)
      }
    }
    return { links, addresses }
  })
}

export function printIpAddrText(listing: IpAddrListing, ctx: IpContext): string {
  checkIfaces(listing)
  return listing.links
    .map((l) => {
      const head = `${linkText(writeLink(l, ctx, ADDR_VIEW), ADDR_VIEW)}\n`
      return (
        head +
        addressesOf(listing, l)
          .map((a) => addressText(writeAddress(a)))
          .join('')
      )
    })
    .join('')
}
