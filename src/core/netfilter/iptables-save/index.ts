/**
 * @module core/netfilter/iptables-save
 * iptables-save / iptables-restore text ⇄ {@link Ruleset}, matching iptables 1.8.9 byte for
 * byte. See README.md in this folder for the decisions behind it.
 */

export { formatRule, formatRuleSpec, saveString } from './format.js'
export type { ParseOptions } from './parser.js'
export { parseIptablesSave } from './parser.js'
export type { PrintOptions } from './printer.js'
export { printIptablesSave } from './printer.js'
export type { Token } from './tokenizer.js'
export { tokenize } from './tokenizer.js'
