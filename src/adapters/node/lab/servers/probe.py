#!/usr/bin/env python3
"""kpath lab probe client: run inside the sending namespace (`ip netns exec NS python3 ...`).

Usage: probe.py PROTO DST PORT SPORT COUNT TIMEOUT
Attempt i uses source port SPORT+i (0 leaves the choice to the kernel), so each attempt is a new
connection with a known tuple. Prints one JSON object per attempt:
  {"answer": "pod=... saw=IP:PORT ttl=N", "local": "IP:PORT", "replyTtl": N}   answered
  {"error": "refused" | "timeout" | "unreachable" | "...", "local": "IP:PORT"}  not answered
TCP gives no reply TTL (an active socket keeps none); UDP and ICMP do (IP_RECVTTL / IP header).
ICMP sends an echo request; the answer is the replying address.
"""
import json
import os
import select
import socket
import struct
import sys
import time

IP_RECVTTL = 12
IP_TTL = 2


def local_of(s):
    try:
        a = s.getsockname()
        return "%s:%d" % (a[0], a[1])
    except OSError:
        return None


def error_name(e):
    if isinstance(e, ConnectionRefusedError):
        return "refused"
    if isinstance(e, socket.timeout):
        return "timeout"
    if getattr(e, "errno", None) in (101, 113):  # ENETUNREACH, EHOSTUNREACH
        return "unreachable"
    return "error: %s" % e


def tcp(dst, port, sport, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        if sport:
            s.bind(("0.0.0.0", sport))
        s.settimeout(timeout)
        s.connect((dst, port))
        local = local_of(s)
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return {"answer": data.decode().strip(), "local": local}
    except OSError as e:
        return {"error": error_name(e), "local": local_of(s)}
    finally:
        s.close()


def udp(dst, port, sport, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
    try:
        if sport:
            s.bind(("0.0.0.0", sport))
        s.connect((dst, port))
        s.send(b"kpath-probe\n")
        s.settimeout(timeout)
        data, anc, _, _ = s.recvmsg(65535, 64)
        ttl = None
        for level, kind, raw in anc:
            if level == socket.IPPROTO_IP and kind == IP_TTL:
                ttl = struct.unpack("=i", raw[:4])[0]
        return {"answer": data.decode().strip(), "local": local_of(s), "replyTtl": ttl}
    except OSError as e:
        return {"error": error_name(e), "local": local_of(s)}
    finally:
        s.close()


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    total = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def icmp(dst, ident, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    try:
        body = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"kpath-probe"
        body = body[:2] + struct.pack("!H", checksum(body)) + body[4:]
        s.sendto(body, (dst, 0))
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                return {"error": "timeout"}
            pkt, addr = s.recvfrom(65535)
            ihl = (pkt[0] & 0x0F) * 4
            kind, _, _, rid = struct.unpack_from("!BBHH", pkt, ihl)
            if kind == 0 and rid == ident:
                return {"answer": "icmp from=%s" % addr[0], "replyTtl": pkt[8]}
            if kind == 3:
                return {"error": "unreachable"}
    except OSError as e:
        return {"error": error_name(e)}
    finally:
        s.close()


def main():
    proto, dst, port, sport, count, timeout = sys.argv[1:7]
    port, sport, count, timeout = int(port), int(sport), int(count), float(timeout)
    for i in range(count):
        p = sport + i if sport else 0
        if proto == "tcp":
            r = tcp(dst, port, p, timeout)
        elif proto == "udp":
            r = udp(dst, port, p, timeout)
        else:
            r = icmp(dst, (os.getpid() + i) & 0xFFFF, timeout)
        sys.stdout.write(json.dumps(r) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
