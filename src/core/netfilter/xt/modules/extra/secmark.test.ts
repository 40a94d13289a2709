import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

fixtureSuite(t, 'secmark', read, lookup)

describe('SECMARK and CONNSECMARK', () => {
  // This kernel has no LSM for security contexts, so SECMARK never loads here: the expected
  // text follows libxt_SECMARK's save function (" --selctx %s"), not a live iptables-save.
  it('prints the context unquoted (from the iptables source, not verified live)', () => {
    expect(line4('-A X -j SECMARK --selctx system_u:object_r:ssh_packet_t:s0')).toBe(
      '-A X -j SECMARK --selctx system_u:object_r:ssh_packet_t:s0',
    )
  })

  it('needs one of --save and --restore', () => {
    expect(errorOf('-A X -j CONNSECMARK')?.hint).toBe('add --save or --restore')
  })
})
