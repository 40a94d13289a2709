/**
 * @module core/cni/calico/felix/fragments
 * Match and action fragments in the exact spelling felix v3.22 renders them
 * (felix/iptables `match_builder.go` and `actions.go`). The spelling matters twice: it is what
 * iptables-restore reads, and it is what the `cali:` hash is computed over.
 */

/** Go's `%#x` for a non-zero mark. */
const hx = (n: number): string => `0x${(n >>> 0).toString(16)}`

export const match = {
  markClear: (mark: number) => `-m mark --mark 0/${hx(mark)}`,
  markSingleBitSet: (mark: number) => `-m mark --mark ${hx(mark)}/${hx(mark)}`,
  inInterface: (iface: string) => `--in-interface ${iface}`,
  outInterface: (iface: string) => `--out-interface ${iface}`,
  ctState: (states: string) => `-m conntrack --ctstate ${states}`,
  notCtState: (states: string) => `-m conntrack ! --ctstate ${states}`,
  protocolNum: (n: number) => `-p ${n}`,
  destPorts: (ports: readonly number[]) => `-m multiport --destination-ports ${ports.join(',')}`,
  sourceIpSet: (name: string) => `-m set --match-set ${name} src`,
  destIpSet: (name: string) => `-m set --match-set ${name} dst`,
  notDestIpSet: (name: string) => `-m set ! --match-set ${name} dst`,
  srcAddrTypeLocal: () => '-m addrtype --src-type LOCAL',
  /** `! --src-type LOCAL --limit-iface-out`: not an address of the outgoing interface. */
  notSrcAddrTypeLocalOut: () => '-m addrtype ! --src-type LOCAL --limit-iface-out',
  destAddrTypeLocal: () => '-m addrtype --dst-type LOCAL',
} as const

export const action = {
  accept: '--jump ACCEPT',
  drop: '--jump DROP',
  return: '--jump RETURN',
  jump: (chain: string) => `--jump ${chain}`,
  goto: (chain: string) => `--goto ${chain}`,
  /** `--random-fully` when the kernel and iptables support it (felix `MASQFullyRandom`). */
  masquerade: (fullyRandom: boolean) => `--jump MASQUERADE${fullyRandom ? ' --random-fully' : ''}`,
  setMark: (mark: number) => `--jump MARK --set-mark ${hx(mark)}/${hx(mark)}`,
  clearMark: (mark: number) => `--jump MARK --set-mark 0/${hx(mark)}`,
} as const

/** IANA protocol numbers felix matches by number (felix/rules/static.go). */
export const PROTO = { ipip: 4, udp: 17 } as const
