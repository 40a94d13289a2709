/**
 * @module core/iproute2/listing/rule
 * `ip -j [-6] rule` and `ip [-6] rule`: one family per listing (`family`, 4 unless `-6`).
 */
import { printJsonListing } from '../json/print.js'
import { type IpRule, readRule, writeRule } from '../rule/record.js'
import { readRuleText, ruleText } from '../rule/text.js'
import { type ParseOptions, parseJsonListing, parseLineListing } from './common.js'

export interface RuleParseOptions extends ParseOptions {
  readonly family?: 4 | 6
}

export function parseIpRuleJson(text: string, options: RuleParseOptions = {}): IpRule[] {
  return parseJsonListing(text, options, 'ip -j rule', (doc, item) =>
    readRule(doc, item, options.family ?? 4),
  )
}

export function printIpRuleJson(rules: readonly IpRule[]): string {
  return printJsonListing(rules.map(writeRule))
}

export function parseIpRuleText(text: string, options: RuleParseOptions = {}): IpRule[] {
  return parseLineListing(text, options, (at, line) =>
    readRule(at, readRuleText(line), options.family ?? 4),
  )
}

export function printIpRuleText(rules: readonly IpRule[]): string {
  return rules.map((r) => ruleText(writeRule(r))).join('')
}
