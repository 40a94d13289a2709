#!/usr/bin/env python3
"""kpath lab sysctl writer: the sysctls of many namespaces in one process.

Reads JSON on stdin: [[NETNS, [[PATH, VALUE], ...]], ...], PATH relative to /proc/sys
(`net/ipv4/conf/flannel.1/rp_filter`). For each namespace it enters it with setns(2) and writes
the values in order: /proc/sys/net is resolved against the writer's network namespace when a
file is opened, so each write lands in the namespace just entered. One process instead of one
`ip netns exec NS sysctl -w` per namespace. Exits 1 naming every value it could not write.
"""
import ctypes
import json
import os
import sys

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def enter(netns):
    fd = os.open("/run/netns/" + netns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (netns, os.strerror(err)))
    finally:
        os.close(fd)


def main():
    failed = []
    for netns, values in json.load(sys.stdin):
        enter(netns)
        for path, value in values:
            try:
                with open("/proc/sys/" + path, "w") as f:
                    f.write(value)
            except OSError as e:
                failed.append("%s: %s=%s: %s" % (netns, path, value, e.strerror))
    if failed:
        sys.stderr.write("\n".join(failed) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
