/**
 * @module core/netfilter/engine/targets
 * From a rule's `-j`/`-g` to an action. Built-in verdicts and user chains are handled by the
 * walk; extensions here. An extension without semantics throws KPATH_UNSUPPORTED when reached.
 */
import type { Rule, XtTarget } from '../../rule.js'
import type { CompiledTarget, TargetResult } from '../compiled.js'
import { Opts } from '../matches/options.js'
import type { PacketState } from '../state.js'
import { compileLogTarget } from './log.js'
import { compileConnmarkTarget, compileMarkTarget } from './mark.js'
import { compileNatTarget } from './nat.js'
import { compileNotrackTarget } from './notrack.js'
import { compileRejectTarget } from './reject.js'

type TargetCompiler = (t: XtTarget, rule: Rule) => (s: PacketState) => TargetResult

const COMPILERS: Readonly<Record<string, TargetCompiler>> = {
  MARK: compileMarkTarget,
  CONNMARK: compileConnmarkTarget,
  DNAT: compileNatTarget,
  SNAT: compileNatTarget,
  MASQUERADE: compileNatTarget,
  REDIRECT: compileNatTarget,
  REJECT: compileRejectTarget,
  LOG: compileLogTarget,
  NFLOG: compileLogTarget,
  TRACE: compileLogTarget,
  NOTRACK: compileNotrackTarget,
  CT: compileNotrackTarget,
}

export function modelledTargets(): readonly string[] {
  return Object.keys(COMPILERS)
}

export function compileTarget(
  t: XtTarget | undefined,
  rule: Rule,
  hasChain: (name: string) => boolean,
): CompiledTarget {
  if (!t) return { kind: 'none' }
  if (t.name === 'ACCEPT' || t.name === 'DROP' || t.name === 'RETURN') {
    return { kind: 'verdict', verdict: t.name }
  }
  if (hasChain(t.name)) return { kind: 'chain', chain: t.name, goto: t.goto }
  const compiler = COMPILERS[t.name]
  let run: (s: PacketState) => TargetResult
  try {
    if (!compiler)
      throw new Opts(t.name, t.options, rule).unsupported(
        `target -j ${t.name} is not modelled by the engine`,
      )
    run = compiler(t, rule)
  } catch (e) {
    run = () => {
      throw e
    }
  }
  return { kind: 'ext', name: t.name, run }
}
