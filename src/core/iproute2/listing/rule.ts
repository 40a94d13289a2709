/**
 * @module core/iproute2/listing/rule
 * `ip -j [-6] rule` and `ip [-6] rule`: one family per listing (`family`, 4 unless `-6`).
 */
import { printJsonListing } from '../json/print.js'
import { type IpRule, readRule, writeRule } from '../rule/record.js'
import { readRuleText, ruleText } from '../rule/text.js'
import {
  checkFinalNewline,
  jsonItems,
  lineLocator,
  numberedLines,
  type ParseOptions,
  withFile,
} from './common.js'

export interface RuleParseOptions extends ParseOptions {
  readonly family?: 4 | 6
}

export function parseIpRuleJson(text: string, options: RuleParseOptions = {}): IpRule[] {
  return withFile(options, () => {
    const { doc, items } = jsonItems(text, 'ip -j rule')
    return items.map((item) => readRule(doc, item, options.family ?? 4))
  })
}

export function printIpRuleJson(rules: readonly IpRule[]): string {
  return printJsonListing(rules.map(writeRule))
}

export function parseIpRuleText(text: string, options: RuleParseOptions = {}): IpRule[] {
  return withFile(options, () => {
    checkFinalNewline(text)
    return numberedLines(text).map((line) =>
      readRule(lineLocator(line), readRuleText(line), options.family ?? 4),
    )
  })
}

export function printIpRuleText(rules: readonly IpRule[]): string {
  return rules.map((r) => ruleText(writeRule(r))).join('')
}
