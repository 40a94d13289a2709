/**
 * @module core/netfilter/xt/modules/core/comment
 * `-m comment --comment TEXT` (libxt_comment.c). The kernel keeps at most 255 bytes; libxtables
 * copies the argument into that buffer and cuts it silently (`xtopt_parse_string`), so a longer
 * comment is saved shortened. iptables-save quotes it unless it is made of `[A-Za-z0-9_-]` only.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, mandatory, spec, value } from './common.js'

/** XT_MAX_COMMENT_LEN (256) minus the terminating NUL. */
const MAX_COMMENT_BYTES = 255

/** Cut a string to a byte budget in UTF-8 without splitting a character. */
export function cutUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text)
  if (bytes.length <= maxBytes) return text
  let end = maxBytes
  // Back off continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return new TextDecoder().decode(bytes.subarray(0, end))
}

export const commentMatch: XtModule = {
  name: 'comment',
  kind: 'match',
  options: [spec('--comment')],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const o =
      raw.length === 1 && raw[0]?.canonical === '--comment'
        ? raw[0]
        : mandatory('comment', byName('comment', raw, ctx), '--comment', ctx)
    return commentOptions(value(o))
  },
  canonicalizeValue(canonical: string, text: string) {
    return canonical === '--comment' ? commentOptions(text) : undefined
  },
}

function commentOptions(text: string): XtOption[] {
  // Any string of up to 85 UTF-16 units fits in 255 bytes of UTF-8.
  const kept = text.length <= MAX_COMMENT_BYTES / 3 ? text : cutUtf8(text, MAX_COMMENT_BYTES)
  return [{ name: '--comment', negated: false, values: [kept], quote: true }]
}
