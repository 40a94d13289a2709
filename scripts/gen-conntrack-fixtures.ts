/**
 * Regenerate src/core/conntrack/testdata/ from the real tools. Root only; every namespace it
 * makes is called kpath-h4-<pid>-* and is deleted at the end. Nothing touches the root netns.
 *
 *   npx tsx scripts/gen-conntrack-fixtures.ts        # everything
 *   npx tsx scripts/gen-conntrack-fixtures.ts sctp   # only the SCTP part (kpath-h6-<pid>-*)
 *
 * Writes:
 * - sysctls.txt: the net.netfilter.nf_conntrack_* defaults of a fresh namespace;
 * - catalogue*.txt: `conntrack -L` of entries made with `conntrack -I` (every protocol the
 *   tool names, states, status bits, zones, marks), plain and with -o extended / id, and with
 *   accounting and timestamps on;
 * - ntop6.txt: glibc inet_ntop of IPv6 addresses (what the listing uses);
 * - lab/*: real traffic through a router namespace (gen-conntrack-fixtures.lab.ts), SCTP
 *   included (gen-conntrack-fixtures.sctp.ts);
 * - catalogue-sctp*.txt: `conntrack -L` of `conntrack -I -p sctp` entries.
 */
import { spawnSync } from 'node:child_process'
import { buildLab, genLab } from './gen-conntrack-fixtures.lab.js'
import { genSctpCatalogue, genSctpLab } from './gen-conntrack-fixtures.sctp.js'
import { addNs, cleanup, inNs, run, useNsTag, write } from './gen-conntrack-fixtures.shell.js'

// ---------------------------------------------------------------- sysctls

function genSysctls(): void {
  const ns = addNs('sys')
  const out = inNs(ns, ['sysctl', 'net.netfilter'])
  const keep = out
    .split('\n')
    .filter((l) => /^net\.netfilter\.nf_conntrack_\w+ = /.test(l))
    .filter((l) => !/_(count|buckets|max|expect_max|frag6\w*) = /.test(l))
  write('sysctls.txt', `${keep.join('\n')}\n`)
}

// ---------------------------------------------------------------- catalogue

/** `conntrack -I` arguments, one entry each. */
const CATALOGUE: readonly (readonly string[])[] = [
  '-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1234 --dport 80 --state ESTABLISHED -t 300 -u SEEN_REPLY,ASSURED -m 5',
  '-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1235 --dport 80 --state SYN_SENT -t 120',
  '-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1236 --dport 80 --state SYN_RECV -t 60 -u SEEN_REPLY',
  '-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1237 --dport 80 --state FIN_WAIT -t 120 -u SEEN_REPLY,ASSURED',
  '-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1238 --dport 80 --state CLOSE_WAIT -t 60 -u SEEN_REPLY,ASSURED',
  '-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1239 --dport 80 --state LAST_ACK -t 30 -u SEEN_REPLY,ASSURED',
  '-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1240 --dport 80 --state TIME_WAIT -t 120 -u SEEN_REPLY,ASSURED',
  '-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1241 --dport 80 --state CLOSE -t 10 -u SEEN_REPLY',
  '-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1242 --dport 80 --state SYN_SENT2 -t 120',
  '-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1243 --dport 80 --state NONE -t 100',
  // DNAT + SNAT: the reply tuple differs from the inverted original.
  '-p tcp -s 10.244.1.5 -d 10.96.0.10 --sport 40000 --dport 53 --reply-src 10.244.2.7 --reply-dst 192.168.49.2 --reply-port-src 5353 --reply-port-dst 61000 --state ESTABLISHED -t 432000 -u SEEN_REPLY,ASSURED,SRC_NAT,DST_NAT -m 16384',
  '-p udp -s 10.0.0.1 -d 10.0.0.2 --sport 5000 --dport 53 -t 30',
  '-p udp -s 10.0.0.1 -d 10.0.0.2 --sport 5001 --dport 53 -t 120 -u SEEN_REPLY,ASSURED -m 4294967295',
  '-p udp -s 10.0.0.1 -d 10.0.0.2 --sport 5002 --dport 53 -t 30 --orig-zone 3',
  '-p udp -s 10.0.0.1 -d 10.0.0.2 --sport 5003 --dport 53 -t 30 --reply-zone 4 -u SEEN_REPLY',
  '-p udp -s 10.0.0.1 -d 10.0.0.2 --sport 5004 --dport 53 -t 30 -w 7',
  '-p udplite -s 10.0.0.1 -d 10.0.0.2 --sport 5005 --dport 53 -t 30',
  '-p icmp -s 10.0.0.1 -d 10.0.0.2 --icmp-type 8 --icmp-code 0 --icmp-id 77 -t 30',
  '-p icmp -s 10.0.0.1 -d 10.0.0.2 --icmp-type 13 --icmp-code 0 --icmp-id 78 -t 30 -u SEEN_REPLY',
  '-p icmpv6 -s 2001:db8::1 -d 2001:db8::2 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 9 -t 30',
  '-p tcp -s 2001:db8::1 -d 2001:db8:0:1::2 --sport 1 --dport 443 --state ESTABLISHED -t 300 -u SEEN_REPLY,ASSURED',
  '-p udp -s fe80::1 -d ff02::1:3 --sport 5355 --dport 5355 -t 30',
  '-p tcp -s ::ffff:10.0.0.1 -d ::1.2.3.4 --sport 7 --dport 2 --state TIME_WAIT -t 100',
  '-p sctp -s 10.0.0.1 -d 10.0.0.2 --sport 3 --dport 2 --state COOKIE_WAIT -t 3 --orig-vtag 5 --reply-vtag 6',
  '-p sctp -s 10.0.0.1 -d 10.0.0.2 --sport 9 --dport 2 --state ESTABLISHED -t 210 --orig-vtag 5 --reply-vtag 6 -u SEEN_REPLY,ASSURED',
  '-p gre -s 10.0.0.1 -d 10.0.0.2 --srckey 5 --dstkey 0x1234 -t 30',
  '-p gre -s 10.0.0.3 -d 10.0.0.4 --srckey 0 --dstkey 0 -t 180 -u SEEN_REPLY,ASSURED',
  '-p 50 -s 10.0.0.1 -d 10.0.0.3 -t 600',
  '-p 4 -s 10.0.0.1 -d 10.0.0.3 -t 600 -u SEEN_REPLY',
].map((line) => line.split(' '))

function genCatalogue(): void {
  const ns = addNs('cat')
  for (const args of CATALOGUE) inNs(ns, ['conntrack', '-I', ...args])
  write(
    'catalogue-commands.txt',
    `${CATALOGUE.map((a) => `conntrack -I ${a.join(' ')}`).join('\n')}\n`,
  )
  write('catalogue.txt', inNs(ns, ['conntrack', '-L']))
  write('catalogue-extended.txt', inNs(ns, ['conntrack', '-L', '-o', 'extended']))
  write('catalogue-id.txt', inNs(ns, ['conntrack', '-L', '-o', 'extended,id']))
  const r = spawnSync('ip', ['netns', 'exec', ns, 'conntrack', '-L'], { encoding: 'utf8' })
  write('catalogue.stderr.txt', r.stderr)
  inNs(ns, ['conntrack', '-F'])
  inNs(ns, [
    'sysctl',
    '-qw',
    'net.netfilter.nf_conntrack_acct=1',
    'net.netfilter.nf_conntrack_timestamp=1',
  ])
  for (const args of CATALOGUE.slice(0, 6)) inNs(ns, ['conntrack', '-I', ...args])
  write('catalogue-acct.txt', inNs(ns, ['conntrack', '-L']))
  write('catalogue-ktimestamp.txt', inNs(ns, ['conntrack', '-L', '-o', 'ktimestamp']))
}

// ---------------------------------------------------------------- inet_ntop

const NTOP_SAMPLES = [
  '::',
  '::1',
  '::2',
  '1::',
  '1::1',
  '2001:db8::1',
  '2001:db8:0:0:1:0:0:1',
  '2001:0:0:1:0:0:0:1',
  '2001:db8:0:1:1:1:1:1',
  '0:0:1:0:0:0:0:0',
  '1:0:0:2:0:0:0:3',
  '::ffff:10.0.0.1',
  '::ffff:0:0',
  '::1.2.3.4',
  '::0.0.1.0',
  '::ffff:1:2',
  '0:0:0:0:0:1:0:0',
  '0:0:0:0:1:ffff:1:2',
  'fe80::1',
  'ff02::1:ff00:1',
  '64:ff9b::10.0.0.1',
  '1:2:3:4:5:6:7:8',
  '1:0:3:0:5:0:7:0',
  '0:0:0:0:0:ffff:ffff:ffff',
]

function genNtop(): void {
  const code = [
    'import socket, sys',
    'for a in sys.argv[1:]:',
    '    b = socket.inet_pton(socket.AF_INET6, a)',
    '    print(b.hex(), socket.inet_ntop(socket.AF_INET6, b))',
  ].join('\n')
  write('ntop6.txt', run(['python3', '-c', code, ...NTOP_SAMPLES]))
}

function versions(): string {
  const first = (argv: string[]) => run(argv).split('\n')[0] ?? ''
  return [
    `kernel: ${first(['uname', '-r'])}`,
    `conntrack: ${first(['conntrack', '--version'])}`,
    `iptables: ${first(['iptables-legacy', '--version'])}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a template
    `libnetfilter-conntrack: ${run(['dpkg-query', '-W', '-f', '${Version}', 'libnetfilter-conntrack3'])}`,
    `python: ${first(['python3', '--version'])}`,
  ].join('\n')
}

function main(): void {
  if (process.getuid?.() !== 0) throw new Error('run as root: this creates network namespaces')
  const sctpOnly = process.argv[2] === 'sctp'
  try {
    write('versions.txt', `${versions()}\n`)
    if (sctpOnly) useNsTag('h6')
    else {
      genSysctls()
      genCatalogue()
      genNtop()
    }
    const lab = buildLab()
    if (!sctpOnly) genLab(lab)
    genSctpLab(lab)
    genSctpCatalogue()
  } finally {
    cleanup()
  }
}

main()
