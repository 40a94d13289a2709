/**
 * @module core/netfilter/engine/matches/ipvs
 * `-m ipvs` (xt_ipvs.c ipvs_mt) from the packet's IPVS state. `--ipvs` alone tests
 * skb->ipvs_property; any other option first requires it, then finds the IPVS connection with
 * the packet read backwards (ip_vs_fill_iph_skb(…, inverse=true) + conn_out_get, so a request
 * already sent on to its real server, client → real server, is found), and compares:
 * `--vproto` the packet's protocol, `--vaddr`/`--vport` the virtual address and port,
 * `--vportctl` the controlling connection's virtual port (kpath has no control connections,
 * FTP's, so only `! --vportctl` matches), `--vdir` conntrack's direction, `--vmethod` the
 * forwarding method. No connection: no match.
 */
import { cidrContains, parseAddr, parseCidr } from '../../../net/ip.js'
import type { Rule, XtMatch } from '../../rule.js'
import type { Matcher } from '../compiled.js'
import type { PacketState } from '../state.js'
import { Opts } from './options.js'

const METHOD: Readonly<Record<string, string>> = { masq: 'MASQ', route: 'GATE', tunnel: 'IPIP' }

export function compileIpvs(m: XtMatch, rule: Rule): Matcher[] {
  const o = new Opts('ipvs', m.options, rule)
  o.only(['--ipvs', '--vproto', '--vaddr', '--vport', '--vdir', '--vmethod', '--vportctl'])
  const only = o.get('--ipvs')
  if (only) return [(s) => (s.ipvsProperty === true) !== only.negated]
  // Each test is "value matches" XOR "negated", as ipvs_mt's `(a == b) ^ !invert` fails it.
  const tests: ((s: PacketState, c: NonNullable<ReturnType<typeof connOf>>) => boolean)[] = []
  const test = (
    name: string,
    f: (v: string, s: PacketState, c: NonNullable<ReturnType<typeof connOf>>) => boolean,
  ) => {
    const opt = o.get(name)
    const v = opt?.values[0]
    if (opt && v !== undefined) tests.push((s, c) => f(v, s, c) !== opt.negated)
  }
  test('--vport', (v, _s, c) => c.virtual.port === Number(v))
  test('--vportctl', () => false)
  test('--vdir', (v, s) => s.ct?.conn !== undefined && (s.ct.dir === 'reply') === (v === 'REPLY'))
  test('--vmethod', (v, _s, c) => METHOD[c.forward] === v)
  test('--vaddr', (v, _s, c) => {
    const net = parseCidr(v)
    const a = parseAddr(c.virtual.address)
    return net !== undefined && a !== undefined && cidrContains(net, a)
  })
  const vproto = o.get('--vproto')
  return [
    (s) => {
      if (s.ipvsProperty !== true) return false
      if (vproto && (s.pkt.proto === Number(vproto.values[0])) === vproto.negated) return false
      const c = connOf(s)
      // ipvs_mt: --vdir needs a conntrack entry even when negated tests pass.
      if (!c) return false
      if (o.has('--vdir') && s.ct?.conn === undefined) return false
      return tests.every((t) => t(s, c))
    },
  ]
}

function connOf(s: PacketState) {
  return s.rt.ipvs?.connOutInverse(s.pkt)
}
