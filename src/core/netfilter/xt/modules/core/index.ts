/**
 * @module core/netfilter/xt/modules/core
 * The extensions kube-proxy, CNI plugins and the engine rely on.
 */
import type { XtModule } from '../../types.js'

export const CORE_MODULES: readonly XtModule[] = []
