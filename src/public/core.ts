/**
 * @module public/core
 * The pure core of kpath: model, parsers and printers, the netfilter engine and the trace.
 * No Node imports; this entry point runs in a browser.
 */

export * from '../core/app/iptables-trace.js'
export * from '../core/app/trace-json.js'
export * from '../core/app/trace-text.js'
export * from '../core/cluster/index.js'
export * from '../core/conntrack/index.js'
export * from '../core/errors.js'
export type { Execer, ExecOptions, ExecResult } from '../core/exec.js'
export * from '../core/iproute2/index.js'
export * from '../core/ipset/index.js'
export * from '../core/kube/load/index.js'
export * from '../core/kube/model.js'
export * from '../core/kube/proxy/index.js'
export * from '../core/model/netns.js'
export * from '../core/model/packet.js'
export * from '../core/net/ip.js'
export * from '../core/netfilter/engine/index.js'
export { parseIptablesSave, printIptablesSave } from '../core/netfilter/iptables-save/index.js'
export * from '../core/netfilter/nft/index.js'
export * from '../core/netfilter/rule.js'
export * from '../core/route/index.js'
export * from '../core/sysctl/index.js'
export * from '../core/walk/index.js'
