/**
 * @module core/sysctl
 * `sysctl -a` parse and print (net.* subset in the model), the sysctls of a new namespace,
 * and the kernel's all/link combination rules for per-link IPv4 settings.
 */
export {
  CONF_KEYS,
  type ConfKey,
  NEW_NETNS_SYSCTLS,
  newNetnsSysctls,
  type SysctlDefault,
  type SysctlOrigin,
} from './defaults.js'
export { effectiveSysctl, type HasSysctls, linkValue } from './effective.js'
export {
  netSysctls,
  parseSysctlA,
  printModelSysctls,
  printSysctlA,
  type SysctlEntry,
  type SysctlParseOptions,
  sysctlCompare,
  sysctlIface,
  sysctlListName,
} from './format.js'
