/**
 * @module core/netfilter/nft
 * nftables rulesets as `nft list ruleset` shows them: the model, the parser and the printer
 * (byte for byte nft 1.0.6). The engine compiles the model (core/netfilter/engine/nft).
 */
export * from './model.js'
export { type ParseNftOptions, parseNftRuleset } from './parse.js'
export {
  printNftChain,
  printNftRule,
  printNftRuleset,
  printNftSet,
  printNftTable,
} from './print.js'
export { printElement, printExpr, printRuleBody, printStmt } from './print-expr.js'
export { formatPriority, priorityValue } from './priority.js'
export { elementsPerLine, exprType, keyTypes } from './selectors.js'
export { durationSeconds, formatDuration, isDuration } from './time.js'
