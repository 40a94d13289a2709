/**
 * @module core/cni/calico
 * The Calico CNI plugin model. See README.md beside this file for what it follows and what it
 * does not model.
 */
export { readCalicoConfig } from './config.js'
export type { CalicoConfig, EncapMode, Finding, IpPool } from './config-types.js'
export { ruleHashes } from './felix/rule.js'
export { calicoVethName, vxlanTunnelMac } from './names.js'
export { type CalicoPlan, calicoPlan } from './plan.js'
export { calicoPlugin, calicoPodIPs, withCalicoAddress } from './plugin.js'
