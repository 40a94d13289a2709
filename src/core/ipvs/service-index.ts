/**
 * @module core/ipvs/service-index
 * The kernel's service hash tables (ip_vs_ctl.c: `ip_vs_svc_table`, hashed by protocol,
 * address and port, and `ip_vs_svc_fwm_table`, hashed by firewall mark) as two maps, so that
 * `ip_vs_service_find` costs a lookup with kube-proxy's 10,000 virtual services, not a walk.
 * The first service of the list wins a key, as the linear search it replaces did.
 */
import type { IpvsService } from './model.js'

export interface ServiceIndex {
  /** `protocol|address|port` → index of the service. */
  readonly byAddr: ReadonlyMap<string, number>
  /** `family|mark` → index of the firewall-mark service. */
  readonly byMark: ReadonlyMap<string, number>
}

export const addrKey = (protocol: string, address: string, port: number | undefined): string =>
  `${protocol}|${address}|${port ?? ''}`

export const markKey = (family: number, mark: number): string => `${family}|${mark >>> 0}`

export function indexServices(services: readonly IpvsService[]): ServiceIndex {
  const byAddr = new Map<string, number>()
  const byMark = new Map<string, number>()
  services.forEach((s, i) => {
    const k = s.key
    const key =
      k.kind === 'fwmark' ? markKey(k.family, k.mark) : addrKey(k.protocol, k.address, k.port)
    const map = k.kind === 'fwmark' ? byMark : byAddr
    if (!map.has(key)) map.set(key, i)
  })
  return { byAddr, byMark }
}
