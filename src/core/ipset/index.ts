/**
 * @module core/ipset
 * ipsets: `ipset save` / `ipset list` parsing and printing, and the membership tests that
 * `-m set` and the SET target perform.
 */

export {
  createIpSetDb,
  type IpSetDb,
  type MatchSetFlags,
  type SetDir,
  type TestResult,
} from './db.js'
export { type ParseIpsetListOptions, parseIpsetList, printIpsetList } from './list.js'
export type { IpSet, IpSetListing, IpSetMember, IpSetOption, IpSetType } from './model.js'
export { type ParseIpsetOptions, parseIpsetSave, printIpsetSave } from './save.js'
