/**
 * @module core/netfilter/engine/matches/options
 * Reading a canonical match or target's options, and failing loudly, with the rule's location,
 * on anything the engine does not model.
 */
import { KpathError } from '../../../errors.js'
import type { Rule, XtOption } from '../../rule.js'

export class Opts {
  private readonly byName = new Map<string, XtOption>()

  constructor(
    readonly owner: string,
    options: readonly XtOption[],
    readonly rule: Rule,
  ) {
    for (const o of options) this.byName.set(o.name, o)
  }

  get(name: string): XtOption | undefined {
    return this.byName.get(name)
  }

  has(name: string): boolean {
    return this.byName.has(name)
  }

  value(name: string): string | undefined {
    return this.byName.get(name)?.values[0]
  }

  names(): string[] {
    return [...this.byName.keys()]
  }

  /** Reject options the engine has no semantics for, naming them and the rule. */
  only(allowed: readonly string[]): void {
    for (const n of this.byName.keys()) {
      if (!allowed.includes(n))
        throw this.unsupported(`option ${n} of ${this.owner} is not modelled`)
    }
  }

  unsupported(message: string): KpathError {
    return new KpathError('KPATH_UNSUPPORTED', message, {
      ...(this.rule.location ? { location: this.rule.location } : {}),
      hint: 'kpath refuses to guess what this rule does; see docs/FIDELITY.md for what is modelled',
    })
  }
}

/** `0x4000/0x4000` or `0x1` (mask all ones), as the mark, connmark and MARK extensions print. */
export function parseValueMask(text: string): { value: number; mask: number } {
  const [v, m] = text.split('/')
  return { value: Number(v) >>> 0, mask: m === undefined ? 0xffffffff : Number(m) >>> 0 }
}

/** `80`, `1000:2000`, `:1024`, `1024:` as port ranges. */
export function parseRange(text: string, max = 65535): { min: number; max: number } {
  const i = text.indexOf(':')
  if (i < 0) {
    const n = Number(text)
    return { min: n, max: n }
  }
  const a = text.slice(0, i)
  const b = text.slice(i + 1)
  return { min: a === '' ? 0 : Number(a), max: b === '' ? max : Number(b) }
}

export function inRange(n: number | undefined, r: { min: number; max: number }): boolean {
  return n !== undefined && n >= r.min && n <= r.max
}
