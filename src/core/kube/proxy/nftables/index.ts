/**
 * @module core/kube/proxy/nftables
 * kube-proxy's nftables mode for one IP family (pkg/proxy/nftables/proxier.go, v1.33-era test
 * layout): the `ip kube-proxy` / `ip6 kube-proxy` table after a full sync, as `nft list table`
 * prints it, and an `nft -f` script that builds it.
 */

import { KpathError } from '../../../errors.js'
import { type NftTable as NftTableModel, parseNftRuleset } from '../../../netfilter/nft/index.js'
import type { ServicePortPlan } from '../plan.js'
import type { Warn } from '../service-ports.js'
import { addElements } from './elements.js'
import { setupTable } from './fixed.js'
import { listTable } from './listing.js'
import type { NftTable } from './model.js'
import { serviceChainNames } from './names.js'
import type { NftOptions } from './options.js'
import { addServiceChains } from './service-chains.js'
import { transactionText } from './transaction.js'

export type { NftTable } from './model.js'
export type { NftOptions } from './options.js'

export function buildTable(plans: readonly ServicePortPlan[], o: NftOptions, warn: Warn): NftTable {
  const { table, sets } = setupTable(o)
  for (const plan of plans) {
    const names = serviceChainNames(plan.svc)
    addElements(sets, plan, names, warn)
    addServiceChains(table, plan, names, o)
  }
  return table
}

export interface NftRender {
  /** `nft list table ip kube-proxy` (nft 1.0.6). */
  readonly listing: string
  /** An `nft -f` script that creates the same table from nothing. */
  readonly transaction: string
  /** The listing read back by the nft parser: the project's nftables model. */
  readonly model: NftTableModel
  /** The renderer's own objects (both spellings of every rule). */
  readonly objects: NftTable
}

export function renderNftables(
  plans: readonly ServicePortPlan[],
  o: NftOptions,
  warn: Warn,
): NftRender {
  const objects = buildTable(plans, o, warn)
  const listing = listTable(objects)
  const [model] = parseNftRuleset(listing, { file: `${objects.family} kube-proxy` }).tables
  if (!model)
    throw new KpathError('KPATH_PARSE', 'the rendered kube-proxy table did not parse back')
  return { listing, transaction: transactionText(objects), model, objects }
}
