/**
 * @module core/cni/calico/config-pools
 * IP pools from `IPPool` (`crd.projectcalico.org/v1`, as calico-node stores it, and
 * `projectcalico.org/v3`, as calicoctl writes it) and from the tigera operator's `Installation`
 * (`spec.calicoNetwork.ipPools`), with Calico v3.22's defaults and validation:
 *
 * - blockSize 26; ipipMode and vxlanMode Never; natOutgoing, disabled, disableBGPExport false;
 *   nodeSelector `all()`; allowedUses Workload and Tunnel;
 * - an IPv4 blockSize must be 20–32 and not shorter than the pool's prefix; a pool may not
 *   enable both IPIP and VXLAN (libcalico-go validation refuses both, so kpath does too);
 * - the operator's defaults: encapsulation IPIP, natOutgoing Enabled, blockSize 26, and the
 *   first pool named `default-ipv4-ippool` (the operator creates pools only when none exist).
 *
 * IPv6 pools are reported and skipped (the model is IPv4 only). Fields of the spec the model
 * does not read are reported with their location.
 */
import * as z from 'zod'
import { KpathError } from '../../errors.js'
import { validateExtension } from '../../kube/load/extensions.js'
import { hinted } from '../../kube/load/fields.js'
import type { ExtensionObject } from '../../kube/model.js'
import { formatCidr, parseCidr } from '../../net/ip.js'
import type { EncapMode, Finding, IpPool } from './config-types.js'
import { parseSelector } from './selector.js'

const encap = z.enum(['Always', 'CrossSubnet', 'Never'])

const cidr = z
  .string()
  .refine(
    (s) => /^[^/]+\/\d{1,3}$/.test(s) && parseCidr(s) !== undefined,
    hinted('is not a CIDR', 'write the pool as address/length, e.g. 192.168.0.0/16'),
  )

const poolSpec = z.looseObject({
  cidr,
  blockSize: z.number().int().optional(),
  ipipMode: encap.optional(),
  vxlanMode: encap.optional(),
  natOutgoing: z.boolean().optional(),
  disabled: z.boolean().optional(),
  nodeSelector: z.string().optional(),
  disableBGPExport: z.boolean().optional(),
  allowedUses: z.array(z.enum(['Workload', 'Tunnel', 'LoadBalancer'])).optional(),
})

const POOL_FIELDS = new Set(Object.keys(poolSpec.shape))

function checkBlockSize(
  ext: ExtensionObject,
  at: readonly (string | number)[],
  c: string,
  size: number,
) {
  const len = parseCidr(c)?.len ?? 0
  if (size < 20 || size > 32 || size < len) {
    throw new KpathError('KPATH_INVALID_ARGUMENT', `blockSize ${size} is not valid for ${c}`, {
      location: ext.at([...at, 'blockSize']),
      hint: `an IPv4 blockSize is 20–32 and at least the pool's prefix length (/${len})`,
    })
  }
}

function canonical(c: string): string {
  const parsed = parseCidr(c)
  return parsed ? formatCidr(parsed) : c
}

function ipv6Skipped(ext: ExtensionObject, at: readonly (string | number)[], c: string): Finding {
  return {
    message: `IPv6 pool ${c} is not modelled (kpath's Calico model is IPv4 only)`,
    location: ext.at([...at, 'cidr']),
  }
}

/** An IPPool object; undefined (with a finding) for an IPv6 pool. */
export function readIpPool(ext: ExtensionObject, findings: Finding[]): IpPool | undefined {
  const { spec } = validateExtension(z.looseObject({ spec: poolSpec }), ext)
  for (const key of Object.keys(spec)) {
    if (!POOL_FIELDS.has(key)) {
      findings.push({
        message: `IPPool field spec.${key} is not modelled`,
        location: ext.at(['spec', key]),
      })
    }
  }
  if (spec.cidr.includes(':')) {
    findings.push(ipv6Skipped(ext, ['spec'], spec.cidr))
    return undefined
  }
  const blockSize = spec.blockSize ?? 26
  checkBlockSize(ext, ['spec'], spec.cidr, blockSize)
  const ipipMode = spec.ipipMode ?? 'Never'
  const vxlanMode = spec.vxlanMode ?? 'Never'
  if (ipipMode !== 'Never' && vxlanMode !== 'Never') {
    throw new KpathError('KPATH_INVALID_ARGUMENT', 'an IPPool cannot enable both IPIP and VXLAN', {
      location: ext.at(['spec', 'vxlanMode']),
      hint: 'Calico refuses the pool; set ipipMode or vxlanMode to Never',
    })
  }
  const uses = spec.allowedUses ?? ['Workload', 'Tunnel']
  return {
    name: ext.metadata.name,
    cidr: canonical(spec.cidr),
    blockSize,
    ipipMode,
    vxlanMode,
    natOutgoing: spec.natOutgoing ?? false,
    disabled: spec.disabled ?? false,
    nodeSelector: selectorAt(ext, ['spec', 'nodeSelector'], spec.nodeSelector),
    disableBGPExport: spec.disableBGPExport ?? false,
    forWorkloads: uses.includes('Workload'),
    forTunnels: uses.includes('Tunnel'),
    location: ext.location,
  }
}

/** Parse a selector, moving its error to where the selector is written. */
function selectorAt(
  ext: ExtensionObject,
  at: readonly (string | number)[],
  src: string | undefined,
) {
  try {
    return parseSelector(src ?? '')
  } catch (e) {
    if (!(e instanceof KpathError)) throw e
    const where = ext.at(at)
    throw new KpathError(e.code, e.message, {
      location: { ...where, column: where.column + (e.location?.column ?? 1) - 1 },
      ...(e.hint === undefined ? {} : { hint: e.hint }),
    })
  }
}

const operatorPool = z.looseObject({
  cidr,
  name: z.string().optional(),
  blockSize: z.number().int().optional(),
  encapsulation: z
    .enum(['IPIP', 'IPIPCrossSubnet', 'VXLAN', 'VXLANCrossSubnet', 'None'])
    .optional(),
  natOutgoing: z.enum(['Enabled', 'Disabled']).optional(),
  nodeSelector: z.string().optional(),
})

const installation = z.looseObject({
  spec: z
    .looseObject({
      calicoNetwork: z.looseObject({ ipPools: z.array(operatorPool).optional() }).optional(),
    })
    .optional(),
})

const ENCAP: Record<string, [EncapMode, EncapMode]> = {
  IPIP: ['Always', 'Never'],
  IPIPCrossSubnet: ['CrossSubnet', 'Never'],
  VXLAN: ['Never', 'Always'],
  VXLANCrossSubnet: ['Never', 'CrossSubnet'],
  None: ['Never', 'Never'],
}

/** The pools the operator would create from an Installation. */
export function readInstallationPools(ext: ExtensionObject, findings: Finding[]): IpPool[] {
  const spec = validateExtension(installation, ext).spec
  const pools = spec?.calicoNetwork?.ipPools ?? []
  return pools.flatMap((p, i): IpPool[] => {
    const at = ['spec', 'calicoNetwork', 'ipPools', i]
    if (p.cidr.includes(':')) {
      findings.push(ipv6Skipped(ext, at, p.cidr))
      return []
    }
    const blockSize = p.blockSize ?? 26
    checkBlockSize(ext, at, p.cidr, blockSize)
    const [ipipMode, vxlanMode] = ENCAP[p.encapsulation ?? 'IPIP'] ?? ['Always', 'Never']
    return [
      {
        name: p.name ?? (i === 0 ? 'default-ipv4-ippool' : `ipv4-ippool-${i}`),
        cidr: canonical(p.cidr),
        blockSize,
        ipipMode,
        vxlanMode,
        natOutgoing: (p.natOutgoing ?? 'Enabled') === 'Enabled',
        disabled: false,
        nodeSelector: selectorAt(ext, [...at, 'nodeSelector'], p.nodeSelector),
        disableBGPExport: false,
        forWorkloads: true,
        forTunnels: true,
        location: ext.at(at),
      },
    ]
  })
}
