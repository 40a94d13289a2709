/**
 * @module core/ipvs
 * IPVS: the `ipvsadm` text forms (save `-Sn`, list `-Ln` with `--stats`/`--rate`, connections
 * `-Lnc`), the schedulers, and the runtime state the emulator keeps (connection table,
 * scheduler positions, destination counters). The packet path lives in the netfilter engine
 * (engine/ipvs-hook.ts).
 */
export * from './model.js'
export {
  compareDests,
  compareServices,
  ipvsEndpoint,
  ipvsSort,
  parseIpvsEndpoint,
} from './order.js'
export { parseIpvsConnections } from './parse-conn.js'
export { parseIpvsList } from './parse-list.js'
export { parseIpvsSave } from './parse-save.js'
export {
  type IpvsListFormat,
  printIpvsConnections,
  printIpvsList,
  printIpvsSave,
} from './print.js'
