/**
 * @module core/netfilter/xt/modules/extra/lib/define
 * Builds an {@link XtModule} from an option table and a canonicaliser that receives the options
 * after libxtables' generic checks. Each extension file is then only its own parse and save.
 */
import type { Family } from '../../../../../net/ip.js'
import type { XtOption } from '../../../../rule.js'
import type { CanonContext, XtModule } from '../../../types.js'
import { type OptDef, type Opts, OptTable } from './options.js'

export interface ModuleSpec {
  readonly name: string
  readonly kind: 'match' | 'target'
  readonly families?: readonly Family[]
  readonly options: readonly OptDef[]
  /** The name iptables uses in its messages; defaults to `name`. */
  readonly ext?: string
  canon(o: Opts, ctx: CanonContext, table: OptTable): readonly XtOption[]
}

export function defineModule(spec: ModuleSpec): XtModule {
  const table = new OptTable(spec.ext ?? spec.name, spec.options)
  return {
    name: spec.name,
    kind: spec.kind,
    ...(spec.families === undefined ? {} : { families: spec.families }),
    options: table.specs,
    canonicalize: (raw, ctx) => spec.canon(table.read(raw, ctx), ctx, table),
  }
}
