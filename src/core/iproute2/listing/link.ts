/**
 * @module core/iproute2/listing/link
 * `ip -j [-d] link` and `ip [-d] link`: parse into {@link IpLink} records and print them back
 * byte for byte.
 */
import { parseError } from '../../errors.js'
import type { IpContext } from '../context.js'
import { printJsonListing } from '../json/print.js'
import { type IpLink, type LinkView, readLink, writeLink } from '../link/record.js'
import { linkText } from '../link/text.js'
import { isLinkHeader, type NumberedLine, readLinkText } from '../link/text-parse.js'
import {
  checkFinalNewline,
  jsonItems,
  lineLocator,
  numberedLines,
  type ParseOptions,
  withFile,
} from './common.js'

const LINK_VIEW: LinkView = { details: true, mode: 'link' }

/**
 * @example
 * const lo = '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK"],"mtu":65536,"link_type":"loopback"}]\n'
 * parseIpLinkJson(lo, { netns: 'n1' })[0].link // { index: 1, name: 'lo', kind: 'loopback', mtu: 65536, up: false }
 */
export function parseIpLinkJson(
  text: string,
  ctx: IpContext,
  options: ParseOptions = {},
): IpLink[] {
  return withFile(options, () => {
    const { doc, items } = jsonItems(text, 'ip -j link')
    return items.map((item) => readLink(doc, item, ctx))
  })
}

export function printIpLinkJson(
  links: readonly IpLink[],
  ctx: IpContext,
  view: LinkView = LINK_VIEW,
): string {
  return printJsonListing(links.map((l) => writeLink(l, ctx, view)))
}

/** Split a text listing into the lines of each link (header first). */
export function linkBlocks(lines: readonly NumberedLine[]): NumberedLine[][] {
  const blocks: NumberedLine[][] = []
  for (const line of lines) {
    if (isLinkHeader(line.text)) blocks.push([line])
    else {
      const block = blocks[blocks.length - 1]
      if (block === undefined)
        throw parseError('expected a link header first', line.no, 1, line.text)
      block.push(line)
    }
  }
  return blocks
}

export function parseIpLinkText(
  text: string,
  ctx: IpContext,
  view: LinkView = LINK_VIEW,
  options: ParseOptions = {},
): IpLink[] {
  return withFile(options, () => {
    checkFinalNewline(text)
    return linkBlocks(numberedLines(text)).map((block) => {
      const hub = readLinkText(block, view)
      return readLink(lineLocator(block[0] as NumberedLine), hub, ctx)
    })
  })
}

export function printIpLinkText(
  links: readonly IpLink[],
  ctx: IpContext,
  view: LinkView = LINK_VIEW,
): string {
  return links.map((l) => `${linkText(writeLink(l, ctx, view), view)}\n`).join('')
}
