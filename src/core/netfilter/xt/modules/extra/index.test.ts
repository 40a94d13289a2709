/**
 * Completeness: kpath knows every extension iptables 1.8.9 ships for IPv4 and IPv6 (its
 * libxt_*, libipt_* and libip6t_* shared objects and the names they register), split between
 * ../core and this folder, and every extension here is exercised by a fixture case.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CORE_MODULES } from '../core/index.js'
import { EXTRA_MODULES } from './index.js'

/** `ls /usr/lib/x86_64-linux-gnu/xtables/` (iptables 1.8.9-2, Debian 12), libebt/libarpt aside. */
const SHIPPED = {
  match:
    'addrtype ah bpf cgroup cluster comment connbytes connlabel connlimit connmark conntrack cpu dccp devgroup dscp dst ' +
    'ecn esp eui64 frag hashlimit hbh helper hl icmp icmp6 ipcomp iprange ipv6header ipvs length limit mac mark mh ' +
    'multiport nfacct osf owner physdev pkttype policy quota rateest realm recent rpfilter rt sctp set socket srh ' +
    'state statistic string tcp tcpmss time tos ttl u32 udp',
  target:
    'AUDIT CHECKSUM CLASSIFY CLUSTERIP CONNMARK CONNSECMARK CT DNAT DNPT DSCP ECN HL HMARK IDLETIMER LED LOG MARK ' +
    'MASQUERADE NETMAP NFLOG NFQUEUE NOTRACK RATEEST REDIRECT REJECT SECMARK SET SNAT SNPT SYNPROXY TCPMSS ' +
    'TCPOPTSTRIP TEE TOS TPROXY TRACE TTL ULOG',
}

const key = (m: { kind: string; name: string }) => `${m.kind}:${m.name}`

describe('the extension set', () => {
  it('is exactly what iptables 1.8.9 ships, between core and extra', () => {
    const shipped = Object.entries(SHIPPED).flatMap(([kind, names]) =>
      names.split(' ').map((name) => `${kind}:${name}`),
    )
    const known = [...CORE_MODULES, ...EXTRA_MODULES].map(key)
    expect(new Set(known)).toEqual(new Set(shipped))
    expect(known.length).toBe(new Set(known).size)
  })

  it('has a fixture case for every extra extension', () => {
    const dir = new URL('./testdata/', import.meta.url)
    const rules = readdirSync(dir)
      .filter((f) => f.endsWith('.rules'))
      .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      .join('\n')
    const missing = EXTRA_MODULES.filter(
      (m) => !rules.includes(`${m.kind === 'match' ? '-m' : '-j'} ${m.name}`),
    ).map(key)
    expect(missing).toEqual([])
  })

  it('gives every option a long name', () => {
    for (const m of EXTRA_MODULES)
      for (const s of m.options) for (const n of s.names) expect(n).toMatch(/^--[a-z0-9-]+$/)
  })
})
