// Inputs for scripts/gen-ipset-fixtures.mjs. Each case is `ipset restore` input run in a fresh
// namespace; `exist: true` runs `ipset restore -exist`. Cases under `invalid` must be refused by
// the real tool (the generator checks it and records ipset's message).

export const CASES = [
  {
    name: 'types-inet',
    input: `create hip hash:ip
add hip 10.0.0.1
add hip 192.168.1.1
add hip 255.255.255.255
create hnet hash:net
add hnet 10.0.0.0/8
add hnet 10.1.0.0/16 nomatch
add hnet 10.1.2.3
add hnet 0.0.0.0/1
create hipport hash:ip,port
add hipport 10.0.0.1,tcp:80
add hipport 10.0.0.1,udp:53
add hipport 10.0.0.1,sctp:9
add hipport 10.0.0.1,udplite:7
add hipport 10.0.0.1,icmp:8/0
add hipport 10.0.0.1,icmp:3/16
add hipport 10.0.0.1,gre:0
add hipport 10.0.0.1,253:0
create hipportip hash:ip,port,ip
add hipportip 10.0.0.1,tcp:80,10.0.0.2
add hipportip 10.0.0.1,udp:53,0.0.0.0
create hipportnet hash:ip,port,net
add hipportnet 10.0.0.1,tcp:80,10.0.0.0/8
add hipportnet 10.0.0.1,tcp:80,10.1.0.0/16 nomatch
add hipportnet 10.0.0.1,tcp:443,10.2.3.4
create hnetport hash:net,port
add hnetport 10.0.0.0/8,tcp:80
add hnetport 10.0.0.1,udp:53
add hnetport 10.0.0.0/16,tcp:80 nomatch
create hnetiface hash:net,iface
add hnetiface 10.0.0.0/8,eth0
add hnetiface 10.0.0.0/16,eth1 nomatch
add hnetiface 0.0.0.0/0,lo
add hnetiface 10.2.0.0/16,physdev:veth0
add hnetiface 10.3.0.0/16,eth+
add hnetiface 10.4.0.1,abcdefghijklmno
create bport bitmap:port range 0-1024
add bport 0
add bport 80
add bport 1024
create lset list:set size 8
add lset hip
add lset hnet
`,
  },
  {
    name: 'types-inet6',
    input: `create hip6 hash:ip family inet6
add hip6 ::1
add hip6 2001:db8::1
add hip6 ::ffff:10.0.0.1
add hip6 fe80::1:2:3:4
create hnet6 hash:net family inet6
add hnet6 2001:db8::/32
add hnet6 2001:db8:1::/48 nomatch
add hnet6 2001:db8::1
add hnet6 ::/1
create hipport6 hash:ip,port family inet6
add hipport6 2001:db8::1,tcp:80
add hipport6 2001:db8::1,ipv6-icmp:128/0
add hipport6 2001:db8::1,icmpv6:1/2
add hipport6 2001:db8::1,esp:0
create hipportip6 hash:ip,port,ip family inet6
add hipportip6 2001:db8::1,udp:53,2001:db8::2
create hipportnet6 hash:ip,port,net family inet6
add hipportnet6 2001:db8::1,tcp:80,2001:db8::/64
add hipportnet6 2001:db8::1,tcp:80,2001:db8::/96 nomatch
create hnetport6 hash:net,port family inet6
add hnetport6 2001:db8::/64,sctp:5
create hnetiface6 hash:net,iface family inet6
add hnetiface6 ::/0,eth0
add hnetiface6 2001:db8::/64,physdev:br0 nomatch
create lset6 list:set
add lset6 hip6
`,
  },
  {
    name: 'extensions',
    input: `create ext hash:ip timeout 600 counters comment skbinfo
add ext 10.0.0.1
add ext 10.0.0.2 timeout 0
add ext 10.0.0.3 timeout 300 packets 5 bytes 700 comment "one two"
add ext 10.0.0.4 skbmark 0x10 skbprio 1:2 skbqueue 3
add ext 10.0.0.5 skbmark 0xa/0xf0 comment x
add ext 10.0.0.6 skbmark 0x0/0xffffffff skbprio 0:0 skbqueue 0
add ext 10.0.0.7 packets 18446744073709551614 bytes 0x10
add ext 10.0.0.8 skbprio 0x10:ffff comment "é, and 'quotes'"
create extnet hash:net timeout 600 counters comment skbinfo
add extnet 10.0.0.0/8 nomatch timeout 100 comment "n"
add extnet 10.0.0.0/24 packets 1 bytes 2
create extport bitmap:port range 10-20 timeout 600 counters comment skbinfo
add extport 10 comment c
add extport 20 timeout 0 skbmark 0x1
create extlist list:set size 4 timeout 600 counters comment skbinfo
add extlist ext comment "member"
add extlist extnet timeout 0
create extiface hash:net,iface counters
add extiface 10.0.0.0/8,eth0 packets 3 bytes 4
create extipportnet hash:ip,port,net comment
add extipportnet 10.0.0.1,tcp:1,10.0.0.0/8 comment z nomatch
`,
  },
  {
    name: 'create-options',
    input: `create o1 hash:ip family inet hashsize 100 maxelem 10 netmask 24 bucketsize 3 initval 5
create o2 hash:net family inet6 hashsize 5000 maxelem 0 bucketsize 20 initval 0x12345678
create o3 hash:ip,port -6 netmask 64 timeout 0
create o4 hash:ip,port bitmask 255.0.0.255 counters
create o5 hash:ip bitmask ffff::ff -6 comment
create o6 hash:ip netmask 32
create o7 hash:net hashsize 64 bucketsize 1
create o8 bitmap:port range 1024-10
create o9 list:set size 2
create o10 list:set size 100 timeout 7
create o11 hash:ip hashsize 0x400 maxelem 010
create o12 hash:net,iface skbinfo
create o13 hash:ip,port,ip -4 bucketsize 12
create o14 hash:ip,port,net family inet6 maxelem 4294967295
create o15 hash:net,port timeout 2147483
create o16 hash:ip bitmask 255.255.255.255
create o17 hash:ip,port netmask 8 family inet
`,
  },
  {
    name: 'normalise-elements',
    input: `create n1 hash:ip
add n1 10.0.0.0/30
add n1 10.0.1.6-10.0.1.4
add n1 10.0.2.1/32
create n2 hash:ip netmask 24
add n2 10.1.3.4
add n2 10.1.4.0/23
add n2 10.2.3.4-10.2.5.1
create n3 hash:ip bitmask 255.0.0.255
add n3 1.2.3.4/30
create n4 hash:net
add n4 10.1.2.3/8
add n4 10.0.0.1/32
add n4 10.3.0.1-10.3.0.10
add n4 10.4.0.0-10.4.0.255
create n5 hash:ip,port
add n5 10.0.0.3,80
add n5 10.0.0.1,TCP:81
add n5 10.0.0.1,http
add n5 10.0.0.2,www
add n5 10.0.0.1,udp:domain
add n5 10.0.0.1,tcp:[ftp-data]
add n5 10.0.0.1,[ssh]
add n5 10.0.0.1,tcp:0x1bb
add n5 10.0.0.1,tcp:100-102
add n5 10.0.0.1,udp:202-200
add n5 10.0.0.1,icmp:ping
add n5 10.0.0.1,icmp:pong
add n5 10.0.0.2,icmp:echo
add n5 10.0.0.1,icmp:timestamp
add n5 10.0.0.1,icmp:Host-Unr
add n5 10.0.0.1,icmp:tos
add n5 10.0.0.1,ICMP:3/4
add n5 10.0.0.1,icmp:0x5/01
add n5 10.0.0.1,47:0
add n5 10.0.0.1,6:8080
add n5 10.0.0.1,IPSEC-ESP:0
add n5 10.0.0.1,ospf:0
add n5 10.0.0.1,143:0
add n5 10.0.0.2-10.0.0.3,udp:5-6
add n5 10.0.1.0/31,sctp:7
create n6 hash:ip,port family inet6
add n6 2001:DB8::1,icmpv6:ping
add n6 2001:db8::1,ipv6-icmp:neighbour
add n6 0:0:0:0:0:0:0:1,IPv6-ICMP:packet
add n6 ::1/128,58:4/2
add n6 ::1,80
create n7 hash:net,port
add n7 10.0.0.1-10.0.0.3,tcp:80-81
add n7 10.9.9.9/8,udp:ntp
create n8 hash:net,iface
add n8 10.0.0.0/0,eth0
add n8 10.0.0.1-10.0.0.2,x
add n8 10.0.0.0/8,physdev:
add n8 10.0.0.0/8,eth0:1
create n9 bitmap:port range 0-1024
add n9 10-12
add n9 http
add n9 tcp:443
add n9 udp:53
add n9 [ftp-data]
add n9 0x10
create n10 hash:ip,port,net
add n10 10.0.0.1,80,10.0.0.1-10.0.0.4
add n10 10.0.0.0/31,80,10.1.0.0/16
create n11 hash:ip,port,ip
add n11 10.0.0.0/31,ssh,10.0.0.9
`,
  },
  {
    name: 'commands',
    input: `# a comment line

-N old1 iphash
-A old1 10.0.0.1
create old2 nethash
create old3 ipporthash
create old4 portmap range 0-10
create old5 setlist
create gone hash:ip
create keep hash:ip
add keep 10.0.0.1
add keep 10.0.0.2
add keep 10.0.0.3
del keep 10.0.0.2
-D keep 10.0.0.3
destroy gone
create reuse hash:net
add old5 keep
add old5 old2 before keep
add old5 old1 after old2
rename old3 renamed
create sw1 hash:ip
add sw1 1.1.1.1
create sw2 hash:ip
add sw2 2.2.2.2
swap sw1 sw2
create fl hash:ip
add fl 3.3.3.3
flush fl
create fl2 hash:ip
add fl2 10.0.0.0/30
del fl2 10.0.0.0/31
-X old4
create   spaced	hash:ip    timeout 500 comment
add spaced 10.0.0.1   comment "a b"
`,
  },
  {
    name: 'restore-exist',
    exist: true,
    input: `create e1 hash:ip timeout 100 comment
create e1 hash:ip timeout 100 comment
add e1 10.0.0.1 comment first
add e1 10.0.0.1 timeout 50 comment second
add e1 10.0.0.0/30
del e1 10.9.9.9
create e2 list:set comment
add e2 e1
add e2 e1 comment again
create e3 hash:net
add e3 10.0.0.0/8 nomatch
add e3 10.0.0.0/8
`,
  },
  {
    name: 'empty',
    input: `create nothing hash:ip
create nothing6 hash:net,iface family inet6
create nolist list:set
create noports bitmap:port range 0-65535
`,
  },
]

export const INVALID = [
  ['unknown-type', 'create x hash:nope\n'],
  ['unknown-command', 'frobnicate x\n'],
  ['missing-type', 'create x\n'],
  ['unknown-create-option', 'create x hash:ip frob 1\n'],
  ['bitmap-no-range', 'create x bitmap:port\n'],
  ['bitmap-half-range', 'create x bitmap:port range 10\n'],
  ['netmask-and-bitmask', 'create x hash:ip netmask 24 bitmask 255.255.255.0\n'],
  ['timeout-too-big', 'create x hash:ip timeout 2147484\n'],
  ['netmask-too-big', 'create x hash:ip netmask 33\n'],
  ['family-bare', 'create x hash:ip inet6\n'],
  ['duplicate-set', 'create x hash:ip\ncreate x hash:ip\n'],
  ['add-no-set', 'add x 10.0.0.1\n'],
  ['duplicate-element', 'create x hash:ip\nadd x 10.0.0.1\nadd x 10.0.0.1\n'],
  ['duplicate-per-line-exist', 'create x hash:ip\nadd x 10.0.0.1\nadd -exist x 10.0.0.1\n'],
  ['null-element', 'create x hash:ip\nadd x 0.0.0.0\n'],
  ['null-ipport', 'create x hash:ip,port\nadd x 0.0.0.0,tcp:80\n'],
  ['null-after-netmask', 'create x hash:ip netmask 24\nadd x 0.0.0.5\n'],
  ['cidr-zero-net', 'create x hash:net\nadd x 10.0.0.0/0\n'],
  ['cidr-33', 'create x hash:net\nadd x 10.0.0.0/33\n'],
  ['cidr-octal-bad', 'create x hash:net\nadd x 10.0.0.0/08\n'],
  ['v6-in-v4', 'create x hash:ip\nadd x ::1\n'],
  ['v4-in-v6', 'create x hash:ip family inet6\nadd x 10.0.0.1\n'],
  ['v6-prefix-in-hash-ip', 'create x hash:ip family inet6\nadd x 2001:db8::/64\n'],
  ['v6-range-net', 'create x hash:net family inet6\nadd x 2001:db8::1-2001:db8::5\n'],
  ['nomatch-hash-ip', 'create x hash:ip\nadd x 10.0.0.1 nomatch\n'],
  ['nomatch-bitmap', 'create x bitmap:port range 0-10\nadd x 1 nomatch\n'],
  ['timeout-unsupported', 'create x hash:net\nadd x 10.0.0.0/8 timeout 5\n'],
  ['comment-unsupported', 'create x hash:ip\nadd x 10.0.0.1 comment hi\n'],
  ['counters-unsupported', 'create x hash:ip\nadd x 10.0.0.1 packets 1\n'],
  ['skbinfo-unsupported', 'create x hash:ip\nadd x 10.0.0.1 skbmark 0x1\n'],
  ['skbmark-no-0x', 'create x hash:ip skbinfo\nadd x 10.0.0.1 skbmark 5\n'],
  ['port-too-big', 'create x hash:ip,port\nadd x 10.0.0.1,65536\n'],
  ['port-octal-bad', 'create x hash:ip,port\nadd x 10.0.0.1,tcp:080\n'],
  ['service-wrong-proto', 'create x hash:ip,port\nadd x 10.0.0.1,udp:http\n'],
  ['service-dash-unbracketed', 'create x hash:ip,port\nadd x 10.0.0.1,ftp-data\n'],
  ['icmp-type-only', 'create x hash:ip,port\nadd x 10.0.0.1,icmp:8\n'],
  ['icmp-bad-name', 'create x hash:ip,port\nadd x 10.0.0.1,icmp:redirect\n'],
  ['icmp-range', 'create x hash:ip,port\nadd x 10.0.0.1,icmp:3/0-3/1\n'],
  ['icmp-in-v6', 'create x hash:ip,port family inet6\nadd x ::1,icmp:8/0\n'],
  ['icmpv6-in-v4', 'create x hash:ip,port\nadd x 10.0.0.1,icmpv6:128/0\n'],
  ['gre-nonzero', 'create x hash:ip,port\nadd x 10.0.0.1,gre:1\n'],
  ['proto-zero', 'create x hash:ip,port\nadd x 10.0.0.1,0:0\n'],
  ['missing-port', 'create x hash:ip,port\nadd x 10.0.0.1\n'],
  ['too-many-dims', 'create x hash:net,iface\nadd x 10.0.0.0/8,a,b\n'],
  ['iface-too-long', 'create x hash:net,iface\nadd x 10.0.0.0/8,abcdefghijklmnop\n'],
  ['ipportip-third-prefix', 'create x hash:ip,port,ip\nadd x 10.0.0.1,80,10.0.0.0/24\n'],
  ['bitmap-out-of-range', 'create x bitmap:port range 0-10\nadd x 11\n'],
  ['list-missing-member', 'create l list:set\nadd l nosuch\n'],
  ['list-in-list', 'create a list:set\ncreate b list:set\nadd b a\n'],
  ['list-duplicate', 'create a hash:ip\ncreate l list:set\nadd l a\nadd l a\n'],
  ['destroy-referenced', 'create a hash:ip\ncreate l list:set\nadd l a\ndestroy a\n'],
  ['del-missing', 'create x hash:ip\ndel x 10.0.0.1\n'],
  ['maxelem-full', 'create x hash:ip maxelem 2\nadd x 10.0.0.0/30\n'],
  ['unbalanced-quote', 'create x hash:ip comment\nadd x 10.0.0.1 comment "abc\n'],
  ['empty-comment', 'create x hash:ip comment\nadd x 10.0.0.1 comment ""\n'],
  ['unknown-member-option', 'create x hash:ip\nadd x 10.0.0.1 frob 1\n'],
  ['swap-type-mismatch', 'create a hash:ip\ncreate b hash:net\nswap a b\n'],
  ['timeout-member-too-big', 'create x hash:ip timeout 5\nadd x 10.0.0.1 timeout 2147484\n'],
  ['exist-create-different', 'create x hash:ip timeout 5\ncreate x hash:ip\n', true],
]
