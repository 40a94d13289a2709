/**
 * @module core/cni/calico/felix/rule
 * Felix's iptables rules as felix writes them to `iptables-restore`, and the `cali:<hash>`
 * comment felix puts first on each (felix/iptables `RenderAppend`, generictables `RuleHashes`).
 *
 * A rule is rendered `-A CHAIN [-m comment --comment "cali:HASH"] [comments…] [match…] [action]`
 * in felix's own spelling (`--jump`, `--goto`, `--in-interface`, `-p 4`); iptables-restore
 * canonicalises it (`-j`, `-i`, `-p ipencap`) and iptables-save prints the canonical form.
 *
 * The hash of rule *i* is SHA-224 over (hash of rule *i−1* ‖ the rule rendered with the word
 * `HASH` where the comment goes), starting from SHA-224(chain name); the comment keeps the first
 * 16 characters of its unpadded URL-safe base64. Rules a program inserts into a kernel chain
 * are hashed as a chain of their own named after the kernel chain; rules it appends, as a chain
 * named `<chain>*appends*` (felix `expectedHashesForInsertAppendChain`). Checked against the
 * seeds: `-A POSTROUTING … -j cali-POSTROUTING` is `cali:O3lYWMrLQYEMJtB5`.
 */
import { base64Url, sha224, utf8 } from '../digest.js'

export interface FelixRule {
  /** Match fragments in felix's spelling and order. */
  readonly match?: readonly string[]
  /** The action fragment (`--jump ACCEPT`); absent for a rule that only carries comments. */
  readonly action?: string
  /** Comments that follow the hash comment. */
  readonly comments?: readonly string[]
}

export interface FelixChain {
  readonly name: string
  readonly rules: readonly FelixRule[]
}

/** The length felix keeps of each hash (`HashLength`). */
const HASH_LENGTH = 16

/** Felix replaces characters that are not shell-safe in comments with `_` and cuts at 256. */
function escapeComment(c: string): string {
  return c.replace(/[^\w @%+=:,./-]/g, '_').slice(0, 256)
}

/** `head` is `-A CHAIN` or `-I CHAIN`; `hashFrag` is `HASH`, a full comment, or empty. */
function render(head: string, rule: FelixRule, hashFrag: string): string {
  const parts = [head]
  if (hashFrag !== '') parts.push(hashFrag)
  for (const c of rule.comments ?? []) parts.push(`-m comment --comment "${escapeComment(c)}"`)
  const match = (rule.match ?? []).join(' ')
  if (match !== '') parts.push(match)
  if (rule.action !== undefined) parts.push(rule.action)
  return parts.join(' ')
}

/**
 * The `cali:` hashes of a chain's rules. `hashName` is the chain's name, or `<kernel chain>` for
 * inserted rules and `<kernel chain>*appends*` for appended ones.
 *
 * @example
 * ```ts
 * ruleHashes('POSTROUTING', [{ action: '--jump cali-POSTROUTING' }]) // ['O3lYWMrLQYEMJtB5']
 * ```
 */
export function ruleHashes(hashName: string, rules: readonly FelixRule[]): string[] {
  let hash = sha224(hashName)
  return rules.map((rule) => {
    const text = utf8(render(`-A ${hashName}`, rule, 'HASH'))
    const input = new Uint8Array(hash.length + text.length)
    input.set(hash)
    input.set(text, hash.length)
    hash = sha224(input)
    return base64Url(hash).slice(0, HASH_LENGTH)
  })
}

/** The rule as felix writes it to iptables-restore, with its hash comment. */
export function renderRule(head: string, rule: FelixRule, hash: string): string {
  return render(head, rule, `-m comment --comment "cali:${hash}"`)
}
