#!/usr/bin/env python3
"""Hand-made ipvsadm 1.31 fixtures for src/core/ipvs/testdata (no kernel here has IPVS).

Each line is produced by applying ipvsadm.c's own printf format strings (ipvsadm-1.31
ipvsadm.c: print_title, print_service_entry, print_largenum, print_conn, list_conn,
list_all) with Python's %-formatting, which follows C printf. The services are listed in
the order ipvsadm's qsort (libipvs.c ipvs_cmp_services / ipvs_cmp_dests) gives them.
Run: python3 scripts/gen-ipvs-fixtures.py   (writes src/core/ipvs/testdata/*.txt)
"""
import os

OUT = os.path.join(os.path.dirname(__file__), '..', 'src', 'core', 'ipvs', 'testdata')

# (svc_name for -L, svc_name for -S, sched, list tail, save tail, is_v6, dests)
# dests: (dname, Forward, switch, weight, active, inactive, tunnel save suffix)
SERVICES = [
    ('%-4s %s' % ('TCP', '10.96.0.1:443'), '-t 10.96.0.1:443', 'rr', '', '', False, [
        ('192.168.0.101:6443', 'Masq', '-m', 1, 0, 0, ''),
        ('192.168.0.102:6443', 'Masq', '-m', 0, 3, 12, ''),
    ]),
    ('%-4s %s' % ('TCP', '10.96.0.10:53'), '-t 10.96.0.10:53', 'wlc',
     ' persistent 10800', ' -p 10800', False, [
         ('10.244.1.5:53', 'Masq', '-m', 1, 17, 4, ''),
     ]),
    ('%-4s %s' % ('TCP', '10.96.5.7:8080'), '-t 10.96.5.7:8080', 'sh',
     ' (sh-fallback,sh-port) persistent 360 mask 255.255.255.0',
     ' -p 360 -M 255.255.255.0 -b sh-fallback,sh-port', False, [
         ('10.0.0.9:8080', 'Route', '-g', 100, 0, 0, ''),
         ('10.0.1.9:8080', 'Tunnel', '-i', 2, 1, 0, ' --tun-type ipip'),
         ('10.0.2.9:8080', 'Tunnel', '-i', 2, 0, 0, ' --tun-type gue --tun-port 6080 --tun-nocsum'),
     ]),
    ('%-4s %s' % ('UDP', '10.96.0.10:53'), '-u 10.96.0.10:53', 'rr', ' ops', ' -o', False, [
        ('10.244.1.5:53', 'Masq', '-m', 1, 0, 2, ''),
        ('10.244.2.8:53', 'Masq', '-m', 1, 0, 1, ''),
    ]),
    ('%-4s %s' % ('SCTP', '10.96.9.9:3868'), '--sctp-service 10.96.9.9:3868', 'mh', ' (mh-port)',
     ' -b mh-port', False, [
         ('10.244.3.3:3868', 'Masq', '-m', 5, 0, 0, ''),
     ]),
    ('%-4s %s' % ('TCP', '[fd00:96::1]:443'), '-t [fd00:96::1]:443', 'lc', ' persistent 60 mask 64',
     ' -p 60 -M 64', True, [
         ('[fd00:244::5]:6443', 'Masq', '-m', 1, 0, 0, ''),
     ]),
    ('FWM  5', '-f 5', 'wrr', '', '', False, [
        ('10.244.1.5:0', 'Masq', '-m', 3, 0, 0, ''),
        ('10.244.2.8:0', 'Masq', '-m', 1, 0, 0, ''),
    ]),
    ('FWM  7 IPv6', '-f 7 -6', 'rr', '', '', True, []),
]


def largenum(i):
    return '%9d' % i  # print_largenum, below 100 million


def plain():
    lines = ['IP Virtual Server version %d.%d.%d (size=%d)' % (1, 2, 1, 4096),
             'Prot LocalAddress:Port Scheduler Flags',
             '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn']
    for lname, _, sched, ltail, _, v6, dests in SERVICES:
        lines.append('%s %s' % (lname if v6 else lname[:33], sched) + ltail)
        for d in dests:
            lines.append('  -> %-28s %-7s %-6d %-10u %-10u' % (d[0], d[1], d[3], d[4], d[5]))
    return lines


def stats(rate):
    heads = ('CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS') if rate else (
        'Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes')
    lines = ['IP Virtual Server version 1.2.1 (size=4096)',
             '%-33s %8s %8s %8s %8s %8s' % (('Prot LocalAddress:Port',) + heads),
             '  -> RemoteAddress:Port']
    for lname, _, _, _, _, v6, dests in SERVICES:
        lines.append('%-33s' % (lname if v6 else lname[:33]) + largenum(0) * 5)
        for d in dests:
            if rate:
                lines.append('  -> %-28s %8u %8u %8u' % (d[0], 0, 0, 0) + largenum(0) * 2)
            else:
                lines.append('  -> %-28s' % d[0] + largenum(0) * 5)
    return lines


def save():
    lines = []
    for _, sname, sched, _, stail, _, dests in SERVICES:
        lines.append('-A %s -s %s' % (sname, sched) + stail)
        for d in dests:
            lines.append('-a %s -r %s %s -w %d' % (sname, d[0], d[2], d[3]) + d[6])
    return lines


def conns():
    rows = [('TCP', 900 - 3, 'ESTABLISHED', '10.244.1.7:40112', '10.96.0.1:443', '192.168.0.101:6443'),
            ('TCP', 58, 'SYN_RECV', '192.168.0.31:51000', '10.96.0.1:443', '192.168.0.102:6443'),
            ('UDP', 299, 'UDP', '10.244.2.9:33333', '10.96.0.10:53', '10.244.1.5:53'),
            ('TCP', 10799, 'NONE', '10.244.1.7:0', '10.96.0.10:53', '10.244.1.5:53'),
            ('TCP', 119, 'TIME_WAIT', '[fd00:244::9]:50000', '[fd00:96::1]:443', '[fd00:244::5]:6443')]
    lines = ['IPVS connection entries',
             'pro expire %-11s %-18s %-18s %s' % ('state', 'source', 'virtual', 'destination')]
    for pro, exp, state, c, v, d in rows:
        e = '%02d:%02d' % (exp // 60, exp % 60)
        lines.append('%-3s %-6s %-11s %-18s %-18s %s' % (pro, e, state, c, v, d))
    return lines


def write(name, lines):
    with open(os.path.join(OUT, name), 'w') as f:
        f.write(''.join(l + '\n' for l in lines))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    write('list.txt', plain())
    write('list-stats.txt', stats(False))
    write('list-rate.txt', stats(True))
    write('save.txt', save())
    write('conns.txt', conns())
