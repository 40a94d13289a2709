/**
 * `kpath show … ipvs`: `ipvsadm -Ln` of a node's IPVS state, and the model as JSON. The IPVS
 * services come from the kube-proxy IPVS renderer (seed 000 in IPVS mode, as in the seed).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compareServices, ipvsSort, parseIpvsList } from '../ipvs/index.js'
import type { IpvsState } from '../ipvs/model.js'
import { show } from './show.js'

const input = (name: string) => {
  const file = new URL(`../../../examples/seeds/${name}`, import.meta.url)
  return [{ file: name, text: readFileSync(file, 'utf8') }]
}

describe('show ipvs', () => {
  it('prints ipvsadm -Ln for a node in IPVS mode; the listing parses back to the JSON model', () => {
    const r = show({
      inputs: input('000-underlay-pod-clusterip-ipvs.yaml'),
      view: 'ipvs',
      node: 'k8s-worker-02',
    })
    const lines = r.text.split('\n')
    expect(lines.slice(0, 3)).toEqual([
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
    ])
    // The seed's kubernetes Service, as the author's ipvsadm -ln shows it.
    expect(lines).toContain('TCP  10.96.0.1:443 rr')
    const model = JSON.parse(r.json) as IpvsState
    // ipvsadm sorts; the model keeps the kernel's order: compare both sorted the ipvsadm way.
    const strip = (s: IpvsState) =>
      ipvsSort(s.services, compareServices).map((x) => ({
        key: x.key,
        scheduler: x.scheduler,
        n: x.destinations.length,
      }))
    expect(strip(parseIpvsList(r.text))).toEqual(strip(model))
  })

  it('says so when the namespace has no IPVS (kube-proxy in iptables mode)', () => {
    expect(() =>
      show({ inputs: input('002-calico-ipip.yaml'), view: 'ipvs', node: 'slave1' }),
    ).toThrow(
      expect.objectContaining({
        code: 'KPATH_INVALID_ARGUMENT',
        hint: expect.stringContaining('mode: ipvs'),
      }),
    )
  })
})
