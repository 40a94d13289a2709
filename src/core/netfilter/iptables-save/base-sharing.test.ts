/**
 * `--noflush` payloads applied onto a shared base (a node's CNI rules onto the kube-proxy
 * rules many nodes share): the base is copied on write and never changed, untouched chains
 * come back as the base's own objects, and a COMMIT check passed once for a change is reused
 * only for the same change on the same base; a different change is checked in full.
 */
import { describe, expect, it } from 'vitest'
import type { Ruleset } from '../rule.js'
import { parseIptablesSave, printIptablesSave } from './index.js'

const BASE = `*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-A - [0:0]
-A PREROUTING -j KUBE-SERVICES
-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-A
-A KUBE-SVC-A -p tcp -j DNAT --to-destination 10.244.1.5:8080
COMMIT
`

const onto = (base: Ruleset, text: string) =>
  parseIptablesSave(text, { family: 4, file: 'cni', noflush: true, base })
const fresh = () => parseIptablesSave(BASE, { family: 4, file: 'base' })
const chain = (rs: Ruleset, name: string) =>
  rs.tables.find((t) => t.name === 'nat')?.chains.find((c) => c.name === name)

/** A CNI's rules for one node: only the addresses differ from node to node. */
const cni = (subnet: string) => `*nat
:CNI-POSTRTG - [0:0]
-A POSTROUTING -j CNI-POSTRTG
-A CNI-POSTRTG -s ${subnet} ! -d 224.0.0.0/4 -j MASQUERADE
COMMIT
`

describe('applying payloads onto a shared base', () => {
  it('leaves the base as it was and shares its untouched chains', () => {
    const base = fresh()
    const before = printIptablesSave(base)
    const node = onto(base, `${cni('10.244.1.0/24')}*nat\n-A KUBE-SVC-A -j RETURN\nCOMMIT\n`)
    expect(printIptablesSave(base)).toBe(before)
    expect(chain(node, 'KUBE-SERVICES')).toBe(chain(base, 'KUBE-SERVICES'))
    expect(chain(node, 'KUBE-SVC-A')).not.toBe(chain(base, 'KUBE-SVC-A'))
    expect(chain(node, 'KUBE-SVC-A')?.rules).toHaveLength(2)
    expect(chain(base, 'KUBE-SVC-A')?.rules).toHaveLength(1)
  })

  it('gives the same rules whether or not the check was remembered', () => {
    const base = fresh()
    const first = onto(base, cni('10.244.1.0/24'))
    const second = onto(base, cni('10.244.2.0/24'))
    // The same payloads on bases nobody applied anything to yet (checked in full).
    expect(printIptablesSave(second)).toBe(printIptablesSave(onto(fresh(), cni('10.244.2.0/24'))))
    expect(printIptablesSave(first)).toBe(printIptablesSave(onto(fresh(), cni('10.244.1.0/24'))))
  })

  it('checks a change of another shape in full after one passed', () => {
    const base = fresh()
    onto(base, cni('10.244.1.0/24'))
    // A loop back into KUBE-SERVICES, and MASQUERADE reached from PREROUTING.
    expect(() => onto(base, '*nat\n-A KUBE-SVC-A -j KUBE-SERVICES\nCOMMIT\n')).toThrow(
      expect.objectContaining({ code: 'KPATH_LOOP' }),
    )
    const masq = '*nat\n:X - [0:0]\n-A KUBE-SVC-A -j X\n-A X -j MASQUERADE\nCOMMIT\n'
    for (let i = 0; i < 2; i++)
      expect(() => onto(base, masq)).toThrow(/MASQUERADE target is not valid from the PREROUTING/)
  })
})
