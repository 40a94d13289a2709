/**
 * kube-router's command line, parsed as spf13/pflag does, and the typed options with
 * kube-router's defaults.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../../errors.js'
import { parseKubeRouterArgs } from './args.js'
import { KUBE_ROUTER_FLAGS } from './flags.js'
import { toOptions, unmodelledFlags } from './options.js'

function code(f: () => unknown): string | undefined {
  try {
    f()
  } catch (e) {
    return isKpathError(e) ? `${e.code}: ${e.message}` : String(e)
  }
  return undefined
}

describe('parseKubeRouterArgs', () => {
  it('reads --name=value, --name value, bare booleans and shorthands', () => {
    const a = parseKubeRouterArgs(
      ['--run-router=false', '--overlay-type', 'full', '--masquerade-all', '-v', '3', '-h'],
      false,
    )
    expect(Object.fromEntries(a.values)).toEqual({
      'run-router': ['false'],
      'overlay-type': ['full'],
      'masquerade-all': ['true'],
      v: ['3'],
      help: ['true'],
    })
    expect(parseKubeRouterArgs(['-v2'], false).values.get('v')).toEqual(['2'])
    expect(parseKubeRouterArgs(['-v=4'], false).values.get('v')).toEqual(['4'])
  })

  it('lets a later scalar win and appends slices after replacing the default', () => {
    const a = parseKubeRouterArgs(
      [
        '--overlay-type=full',
        '--overlay-type=subnet',
        '--peer-router-ips=10.0.0.1,10.0.0.2',
        '--peer-router-ips=10.0.0.3',
      ],
      false,
    )
    expect(a.values.get('overlay-type')).toEqual(['subnet'])
    expect(a.values.get('peer-router-ips')).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3'])
  })

  it('keeps positional arguments, and everything after --', () => {
    const a = parseKubeRouterArgs(['--run-router', 'false', '--', '--run-firewall=false'], false)
    expect(a.values.get('run-router')).toEqual(['true'])
    expect(a.positional).toEqual(['false', '--run-firewall=false'])
  })

  it('refuses what pflag refuses (kube-router exits)', () => {
    expect(code(() => parseKubeRouterArgs(['--run-routr=true'], false))).toBe(
      'KPATH_INVALID_ARGUMENT: kube-router: unknown flag: --run-routr',
    )
    expect(code(() => parseKubeRouterArgs(['--run-router=yes'], false))).toMatch(
      /^KPATH_INVALID_ARGUMENT: kube-router: invalid argument "yes" for "--run-router" flag/,
    )
    expect(code(() => parseKubeRouterArgs(['--overlay-type'], false))).toBe(
      'KPATH_INVALID_ARGUMENT: kube-router: flag needs an argument: --overlay-type',
    )
    expect(code(() => parseKubeRouterArgs(['--bgp-holdtime=90'], false))).toMatch(
      /invalid argument "90"/,
    )
    expect(code(() => parseKubeRouterArgs(['--peer-router-ips=10.0.0.300'], false))).toMatch(
      /invalid argument/,
    )
    expect(code(() => parseKubeRouterArgs(['-x'], false))).toMatch(/unknown shorthand flag: 'x'/)
  })

  it('refuses flags of v2.x for a v1.x image', () => {
    expect(code(() => parseKubeRouterArgs(['--enable-ipv6=true'], true))).toBe(
      'KPATH_INVALID_ARGUMENT: kube-router: unknown flag: --enable-ipv6',
    )
    expect(parseKubeRouterArgs(['--enable-ipv6=true'], false).values.get('enable-ipv6')).toEqual([
      'true',
    ])
  })

  it('accepts every Go boolean spelling and no other', () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True'])
      expect(toOptions(parseKubeRouterArgs([`--run-router=${t}`], false)).runRouter).toBe(true)
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False'])
      expect(toOptions(parseKubeRouterArgs([`--run-router=${f}`], false)).runRouter).toBe(false)
    fc.assert(
      fc.property(fc.string(), (s) => {
        const ok = [
          '1',
          't',
          'T',
          'TRUE',
          'true',
          'True',
          '0',
          'f',
          'F',
          'FALSE',
          'false',
          'False',
        ].includes(s)
        expect(code(() => parseKubeRouterArgs([`--enable-cni=${s}`], false)) === undefined).toBe(ok)
      }),
    )
  })

  it('reads a string flag the same in both spellings', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.startsWith('-')),
        (s) => {
          const a = parseKubeRouterArgs([`--overlay-type=${s}`], false)
          const b = parseKubeRouterArgs(['--overlay-type', s], false)
          expect(a.values).toEqual(b.values)
        },
      ),
    )
  })
})

describe('toOptions', () => {
  it("gives kube-router's defaults when no flag is set", () => {
    expect(toOptions(parseKubeRouterArgs([], false))).toEqual({
      runRouter: true,
      runFirewall: true,
      runServiceProxy: true,
      enableCni: true,
      enableOverlay: true,
      overlayType: 'subnet',
      overlayEncap: 'ipip',
      enablePodEgress: true,
      masqueradeAll: false,
      autoMtu: true,
      nodesFullMesh: true,
      enableIbgp: true,
      advertisePodCidr: true,
      enableIpv4: true,
      enableIpv6: false,
      hostnameOverride: '',
    })
  })

  it('refuses an unknown --overlay-encap, as NewNetworkRoutingController does', () => {
    expect(code(() => toOptions(parseKubeRouterArgs(['--overlay-encap=gre'], false)))).toBe(
      'KPATH_INVALID_ARGUMENT: kube-router: invalid --overlay-encap "gre"',
    )
  })

  it('keeps an unknown --overlay-type as written (kube-router does not check it)', () => {
    expect(toOptions(parseKubeRouterArgs(['--overlay-type=Full'], false)).overlayType).toBe('Full')
  })
})

describe('unmodelledFlags', () => {
  it('reports unmodelled flags set away from their default, and only those', () => {
    const a = parseKubeRouterArgs(
      [
        '--hairpin-mode=true',
        '--ipvs-permit-all=true',
        '--peer-router-ips=10.0.0.1',
        '--bgp-port=1179',
      ],
      false,
    )
    expect(unmodelledFlags(a)).toEqual([
      'kube-router --hairpin-mode=true: the IPVS service proxy (virtual servers, its firewall and ipsets) is not modelled',
      'kube-router --peer-router-ips=10.0.0.1: routes learned from external BGP peers are not modelled',
    ])
  })

  it('classifies every flag', () => {
    for (const [name, spec] of Object.entries(KUBE_ROUTER_FLAGS)) {
      expect(['modelled', 'inert', 'unmodelled'], name).toContain(spec.effect)
      if (spec.effect === 'unmodelled') expect(spec.why, name).toBeTruthy()
    }
  })
})
