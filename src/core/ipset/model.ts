/**
 * @module core/ipset/model
 * ipsets of one network namespace, as `ipset save` shows them. Part of the kernel-state
 * contract: the engine tests `-m set --match-set NAME dir[,dir…]` against these.
 */

export type IpSetType =
  | 'hash:ip'
  | 'hash:net'
  | 'hash:ip,port'
  | 'hash:ip,port,ip'
  | 'hash:ip,port,net'
  | 'hash:net,port'
  | 'hash:net,iface'
  | 'bitmap:port'
  | 'list:set'

/** One create option in the order `ipset save` prints it, e.g. `{name:'hashsize', value:'1024'}`. */
export interface IpSetOption {
  readonly name: string
  /** Undefined for a flag option such as `counters` or `comment`. */
  readonly value?: string
}

/** One member. `elem` is the element in `ipset save` spelling (`10.0.0.0/8`, `10.0.0.1,tcp:80`). */
export interface IpSetMember {
  readonly elem: string
  /** Per-member extensions in print order: timeout, packets, bytes, comment, skbmark, … */
  readonly options: readonly IpSetOption[]
  /** `nomatch`: a hash:net* member that excludes its prefix. */
  readonly nomatch: boolean
}

/**
 * What `ipset list` shows besides the save form, computed by the kernel. Kept when a set is read
 * from a listing so that printing it again is byte for byte.
 */
export interface IpSetListing {
  /** The type revision the kernel chose (`Revision:`). */
  readonly revision: number
  /** `Size in memory:` in bytes. */
  readonly sizeInMemory: number
  /** `References:`: list:set sets and iptables rules that use the set. */
  readonly references: number
  /**
   * `Number of entries:` as the kernel counted it (it may count timed-out entries that are no
   * longer listed but not yet garbage-collected).
   */
  readonly entries: number
  /** A terse listing (`ipset list -t`): no `Members:` section, so the model has no members. */
  readonly terse?: boolean
}

export interface IpSet {
  readonly name: string
  readonly type: IpSetType
  /** `inet` or `inet6` for hash types; absent for bitmap:port and list:set. */
  readonly family?: 'inet' | 'inet6'
  /** Create options after the family, in print order (hashsize, maxelem, timeout, …). */
  readonly options: readonly IpSetOption[]
  readonly members: readonly IpSetMember[]
  /** Present when the set was read from `ipset list` output. */
  readonly listing?: IpSetListing
}
