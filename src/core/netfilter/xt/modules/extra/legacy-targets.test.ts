import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureSuite } from './lib/fixture-suite.js'
import { errorOf, line4, lookup } from './lib/harness.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')
const t = { describe, it, expect }

// This kernel (like every kernel since 6.3 for CLUSTERIP and 3.17 for ULOG, and any without
// LED triggers) refuses these targets, so the fixtures only show that. The expected save forms
// below follow the save functions of libxt_LED.c, libipt_CLUSTERIP.c and libipt_ULOG.c in
// iptables 1.8.9: they are NOT verified against a live iptables-save.
fixtureSuite(t, 'led', read, lookup, { loadable: false })
fixtureSuite(t, 'clusterip', read, lookup, { loadable: false })
fixtureSuite(t, 'ulog', read, lookup, { loadable: false })

describe('LED, CLUSTERIP, ULOG (from the iptables source)', () => {
  it.each([
    ['-A X -j LED --led-trigger-id ssh', '-A X -j LED --led-trigger-id "ssh"'],
    [
      '-A X -j LED --led-trigger-id "a b" --led-delay 100 --led-always-blink',
      '-A X -j LED --led-trigger-id "a b" --led-delay 100 --led-always-blink',
    ],
    [
      '-A X -j LED --led-trigger-id x --led-delay inf',
      '-A X -j LED --led-trigger-id "x" --led-delay -1',
    ],
    ['-A X -j LED --led-trigger-id x --led-delay 0', '-A X -j LED --led-trigger-id "x"'],
    [
      '-A X -d 10.0.0.1/32 -j CLUSTERIP --new --hashmode sourceip --clustermac 01:aa:bb:cc:dd:ee --total-nodes 2 --local-node 1 --hash-init 7',
      '-A X -d 10.0.0.1/32 -j CLUSTERIP --new --hashmode sourceip --clustermac 01:AA:BB:CC:DD:EE --total-nodes 2 --local-node 1 --hash-init 7',
    ],
    ['-A X -j CLUSTERIP', '-A X -j CLUSTERIP'],
    ['-A X -j ULOG', '-A X -j ULOG'],
    [
      '-A X -j ULOG --ulog-qthreshold 10 --ulog-cprange 100 --ulog-nlgroup 2 --ulog-prefix "bad packet"',
      '-A X -j ULOG --ulog-prefix "bad packet" --ulog-nlgroup 2 --ulog-cprange 100 --ulog-qthreshold 10',
    ],
    ['-A X -j ULOG --ulog-nlgroup 1 --ulog-qthreshold 1', '-A X -j ULOG'],
  ])('%s', (input, saved) => expect(line4(input)).toBe(saved))

  it('refuses what the iptables parsers refuse', () => {
    expect(errorOf('-A X -j LED --led-trigger-id abcdefghijklmnopq')?.message).toMatch(
      /maximum length of 16/,
    )
    expect(errorOf('-A X -j CLUSTERIP --hash-init 1')?.message).toMatch(
      /invalid parameter combination/,
    )
    const unicast =
      '-A X -j CLUSTERIP --new --hashmode sourceip --clustermac 00:aa:bb:cc:dd:ee --total-nodes 2 --local-node 1'
    expect(errorOf(unicast)?.message).toMatch(/multicast/)
    expect(errorOf('-A X -j ULOG --ulog-nlgroup 33')?.message).toMatch(/1-32/)
  })
})
