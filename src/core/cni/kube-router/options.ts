/**
 * @module core/cni/kube-router/options
 * The kube-router settings kpath renders, read from the parsed arguments with kube-router's
 * defaults (pkg/options `NewKubeRouterConfig` and `AddFlags`). Settings outside this type are
 * either inert for the kernel state or reported as unmodelled (see flags.ts).
 */
import { KpathError, type SourceLocation } from '../../errors.js'
import { type ParsedArgs, parseGoBool } from './args.js'
import { KUBE_ROUTER_FLAGS } from './flags.js'

export interface KubeRouterOptions {
  readonly runRouter: boolean
  readonly runFirewall: boolean
  readonly runServiceProxy: boolean
  readonly enableCni: boolean
  readonly enableOverlay: boolean
  /**
   * `subnet` (default): tunnel only to nodes outside the node's subnet; `full`: to every node.
   * kube-router does not validate it: any other word means no tunnel at all (injectRoute's
   * `shouldCreateTunnel` matches neither), and kpath keeps that behaviour.
   */
  readonly overlayType: string
  /** `ipip` (default) or `fou` (GUE over UDP, not modelled). */
  readonly overlayEncap: 'ipip' | 'fou'
  readonly enablePodEgress: boolean
  readonly masqueradeAll: boolean
  readonly autoMtu: boolean
  readonly nodesFullMesh: boolean
  readonly enableIbgp: boolean
  readonly advertisePodCidr: boolean
  readonly enableIpv4: boolean
  readonly enableIpv6: boolean
  readonly hostnameOverride: string
}

/** The last value of a flag, or its default. */
function text(args: ParsedArgs, name: string): string {
  const given = args.values.get(name)
  return given?.[given.length - 1] ?? KUBE_ROUTER_FLAGS[name]?.def ?? ''
}

function bool(args: ParsedArgs, name: string): boolean {
  return parseGoBool(text(args, name)) ?? false
}

function choice<T extends string>(
  args: ParsedArgs,
  name: string,
  allowed: readonly T[],
  where: SourceLocation | undefined,
): T {
  const v = text(args, name)
  const found = allowed.find((a) => a === v)
  if (found !== undefined) return found
  // NewNetworkRoutingController refuses an unknown encapsulation (tunnels.ParseEncapType), and
  // kube-router exits.
  throw new KpathError('KPATH_INVALID_ARGUMENT', `kube-router: invalid --${name} "${v}"`, {
    ...(where === undefined ? {} : { location: where }),
    hint: `kube-router accepts ${allowed.join(' or ')}`,
  })
}

/** The typed options of a parsed command line. Throws on values kube-router refuses. */
export function toOptions(args: ParsedArgs, where?: SourceLocation): KubeRouterOptions {
  return {
    runRouter: bool(args, 'run-router'),
    runFirewall: bool(args, 'run-firewall'),
    runServiceProxy: bool(args, 'run-service-proxy'),
    enableCni: bool(args, 'enable-cni'),
    enableOverlay: bool(args, 'enable-overlay'),
    overlayType: text(args, 'overlay-type'),
    overlayEncap: choice(args, 'overlay-encap', ['ipip', 'fou'], where),
    enablePodEgress: bool(args, 'enable-pod-egress'),
    masqueradeAll: bool(args, 'masquerade-all'),
    autoMtu: bool(args, 'auto-mtu'),
    nodesFullMesh: bool(args, 'nodes-full-mesh'),
    enableIbgp: bool(args, 'enable-ibgp'),
    advertisePodCidr: bool(args, 'advertise-pod-cidr'),
    enableIpv4: bool(args, 'enable-ipv4'),
    enableIpv6: bool(args, 'enable-ipv6'),
    hostnameOverride: text(args, 'hostname-override'),
  }
}

/**
 * Flags set to something other than their default whose effect kpath does not render, each
 * with the reason (for `CniContext.unsupported`).
 */
export function unmodelledFlags(args: ParsedArgs): string[] {
  const out: string[] = []
  for (const [name, values] of args.values) {
    const spec = KUBE_ROUTER_FLAGS[name]
    if (spec?.effect !== 'unmodelled') continue
    const value = spec.kind.endsWith('s') ? `[${values.join(',')}]` : (values.at(-1) ?? '')
    const same =
      spec.kind === 'bool' ? parseGoBool(value) === parseGoBool(spec.def) : value === spec.def
    if (!same) out.push(`kube-router --${name}=${value.replace(/^\[|\]$/g, '')}: ${spec.why}`)
  }
  return out
}
