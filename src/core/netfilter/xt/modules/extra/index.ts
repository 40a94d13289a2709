/**
 * @module core/netfilter/xt/modules/extra
 * The rest of what iptables 1.8.9 ships, so that real-world rulesets load and print exactly.
 */
import type { XtModule } from '../../types.js'

export const EXTRA_MODULES: readonly XtModule[] = []
