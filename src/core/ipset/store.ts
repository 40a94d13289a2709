/**
 * @module core/ipset/store
 * The sets of one namespace while `ipset restore` input is read: what each command does to
 * them, with the kernel's rules (a set index is reused after destroy, a set referenced by a
 * list:set cannot be destroyed, an element is added once unless `-exist`, maxelem is a hard
 * limit). Errors are {@link LineError}s; the restore reader locates them.
 */
import type { CreateSpec } from './create-spec.js'
import type { Part } from './element.js'
import { LineError } from './line-error.js'
import type { IpSetOption, IpSetType } from './model.js'

export interface StoredMember {
  readonly key: string
  readonly parts: readonly Part[]
  readonly nomatch: boolean
  readonly options: readonly IpSetOption[]
}

export interface StoredSet {
  name: string
  readonly type: IpSetType
  readonly spec: CreateSpec
  /** Hash and bitmap members by key, in insertion order. */
  members: Map<string, StoredMember>
  /** list:set members in list order. */
  list: StoredMember[]
}

export class Store {
  /** Sets by kernel index; a destroyed set leaves a hole that the next create fills. */
  private readonly slots: (StoredSet | undefined)[] = []

  get(name: string): StoredSet | undefined {
    return this.slots.find((s) => s?.name === name)
  }

  require(name: string, column: number): StoredSet {
    const s = this.get(name)
    if (!s)
      throw new LineError(`the set "${name}" does not exist`, column, 'create it before this line')
    return s
  }

  sets(): StoredSet[] {
    return this.slots.filter((s): s is StoredSet => s !== undefined)
  }

  create(set: StoredSet): void {
    const free = this.slots.indexOf(undefined)
    if (free >= 0) this.slots[free] = set
    else this.slots.push(set)
  }

  /** How many list:set sets list `name`. */
  references(name: string): number {
    return this.sets().filter((s) => s.list.some((m) => m.key === name)).length
  }

  destroy(name: string | undefined, column: number): void {
    const targets = name === undefined ? this.sets() : [this.require(name, column)]
    for (const s of targets) {
      if (this.references(s.name) > 0) {
        throw new LineError(
          `the set "${s.name}" cannot be destroyed: a list:set refers to it`,
          column,
        )
      }
    }
    for (const s of targets) this.slots[this.slots.indexOf(s)] = undefined
  }

  rename(from: string, to: string, column: number): void {
    const s = this.require(from, column)
    if (this.get(to)) throw new LineError(`a set named "${to}" already exists`, column)
    for (const l of this.sets()) {
      l.list = l.list.map((m) =>
        m.key === from ? { ...m, key: to, parts: [{ kind: 'set', name: to }] } : m,
      )
    }
    s.name = to
  }

  /** `swap A B`: the kernel exchanges the two sets' contents; names and positions stay. */
  swap(a: string, b: string, column: number): void {
    const x = this.require(a, column)
    const y = this.require(b, column)
    if (x.type !== y.type || x.spec.family !== y.spec.family) {
      throw new LineError(
        `the sets "${a}" and "${b}" cannot be swapped: their type or family differs`,
        column,
      )
    }
    const i = this.slots.indexOf(x)
    const j = this.slots.indexOf(y)
    this.slots[i] = { ...y, name: a }
    this.slots[j] = { ...x, name: b }
  }
}

/** The number of members of a stored set. */
export function memberCount(s: StoredSet): number {
  return s.type === 'list:set' ? s.list.length : s.members.size
}
