/**
 * @module cli/whatif-options
 * The what-if options `kpath trace` and `kpath explain` share: `--set`, `--add-route`,
 * `--add-rule` (repeatable) and `--patch FILE`, read into core/whatif edits. Edits apply in
 * this order: patches, then `--set`, `--add-route`, `--add-rule`, each in the order given.
 */
import { readTextInput } from '../adapters/node/files.js'
import {
  parsePatchFile,
  parseRouteEdit,
  parseRuleEdit,
  parseSetEdit,
  type WhatIfEdit,
} from '../core/whatif/index.js'

/** commander's collector for a repeatable option. */
export function collect(v: string, previous: string[] = []): string[] {
  return [...previous, v]
}

export interface WhatIfFlags {
  readonly set?: readonly string[]
  readonly addRoute?: readonly string[]
  readonly addRule?: readonly string[]
  readonly patch?: readonly string[]
}

export const WHATIF_HELP = {
  set: 'what-if: TARGET:sysctl.NAME=V (node/NAME, pod/NS/NAME, router/NAME) or OBJECT:FIELD=V (svc/NS/NAME:spec.externalTrafficPolicy=Local, kube-proxy:clusterCIDR=…); repeatable',
  addRoute: 'what-if: TARGET:"ip route add ARGS" (node/a:"10.96.0.0/12 dev eth0"); repeatable',
  addRule:
    'what-if: TARGET:"iptables ARGS" (node/a:"-t nat -A POSTROUTING … -j MASQUERADE"); repeatable',
  patch:
    'what-if: a YAML or JSON file of merge patches (RFC 7386), each addressed by kind, metadata.name and metadata.namespace; repeatable',
} as const

/**
 * Every edit the options ask for.
 *
 * @throws KpathError located in the option's text or the patch file
 */
export async function readWhatIf(o: WhatIfFlags): Promise<WhatIfEdit[]> {
  const patches = await Promise.all(
    (o.patch ?? []).map(async (f) => {
      const input = await readTextInput(f, 'merge patches')
      return parsePatchFile(input.text, input.file)
    }),
  )
  return [
    ...patches.flat(),
    ...(o.set ?? []).map((t) => parseSetEdit(t)),
    ...(o.addRoute ?? []).map((t) => parseRouteEdit(t)),
    ...(o.addRule ?? []).map((t) => parseRuleEdit(t)),
  ]
}
