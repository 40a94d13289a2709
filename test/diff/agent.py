#!/usr/bin/env python3
"""Packet injector and observer for the randomised differential tests (test/diff).

  ip netns exec ROUTER python3 agent.py CONFIG_JSON

Started once per topology inside the router namespace (so /proc/self/net/snmp is the router's).
CONFIG_JSON: {"inject": "<client netns>", "gatewayMac": "<r0's MAC>",
              "sniff": {"<router iface>": "<peer netns>", ...}, "listen": [TCP ports]}.
It opens, by entering each namespace with setns(2) (ctypes: Python 3.11 has no os.setns):
  - an AF_PACKET socket on the client's eth0, to send hand-made IPv4 packets straight to the
    router's MAC: the client's own routing never sees them, so any source and destination
    (the client's own address, 127.0.0.1, a broadcast) reaches the router as written;
  - an AF_PACKET socket per peer namespace, bound to eth0, to see what the router transmits.
Then it answers one JSON request per stdin line with one JSON line on stdout:
  {"send": PACKET, "expect": "<router iface>" | null, "waitMs": N}
  -> {"seen": [{"iface": ..., "src": ..., "dst": ..., "proto": ..., "ttl": ..., "id": ...,
                "sport"?, "dport"?, "icmpType"?, "icmpCode"?, "icmpId"?}],
      "snmp": {"InDelivers": delta, "ForwDatagrams": delta, ...}}
A frame counts only if its IP id is the packet's id (every case uses its own id). Only kpath-*
namespaces are entered; nothing is changed anywhere.
"""
import ctypes
import json
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
TCP_FLAGS = {"FIN": 1, "SYN": 2, "RST": 4, "PSH": 8, "ACK": 16, "URG": 32, "ECE": 64, "CWR": 128}

libc = ctypes.CDLL(None, use_errno=True)


def enter(fd: int) -> None:
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns failed")


def in_netns(name: str, make):
    if not name.startswith("kpath-"):
        raise SystemExit(f"refusing to enter {name}: not a kpath- namespace")
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        enter(target)
        return make()
    finally:
        enter(home)
        os.close(home)
        os.close(target)


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def l4(p: dict) -> bytes:
    payload = b"kpath-diff"
    pseudo = socket.inet_aton(p["src"]) + socket.inet_aton(p["dst"])
    if p["proto"] == 6:
        flags = sum(TCP_FLAGS[f] for f in p.get("tcpFlags", ["SYN"]))
        seg = struct.pack("!HHIIBBHHH", p["sport"], p["dport"], 1000, 0, 5 << 4, flags, 64240, 0, 0)
        seg += payload
        c = checksum(pseudo + struct.pack("!BBH", 0, 6, len(seg)) + seg)
        return seg[:16] + struct.pack("!H", c) + seg[18:]
    if p["proto"] == 17:
        length = 8 + len(payload)
        d = struct.pack("!HHHH", p["sport"], p["dport"], length, 0) + payload
        c = checksum(pseudo + struct.pack("!BBH", 0, 17, length) + d) or 0xFFFF
        return d[:6] + struct.pack("!H", c) + d[8:]
    msg = struct.pack("!BBHHH", p.get("icmpType", 8), p.get("icmpCode", 0), 0, p.get("icmpId", 1), 1)
    msg += payload
    return msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]


def ip_packet(p: dict) -> bytes:
    body = l4(p)
    head = [0x45, p.get("tos", 0), 20 + len(body), p["id"], 0, p.get("ttl", 64), p["proto"], 0,
            socket.inet_aton(p["src"]), socket.inet_aton(p["dst"])]
    raw = struct.pack("!BBHHHBBH4s4s", *head)
    head[7] = checksum(raw)
    return struct.pack("!BBHHHBBH4s4s", *head) + body


def decode(frame: bytes) -> dict:
    ihl = (frame[0] & 15) * 4
    proto = frame[9]
    out = {"src": socket.inet_ntoa(frame[12:16]), "dst": socket.inet_ntoa(frame[16:20]),
           "proto": proto, "ttl": frame[8], "id": struct.unpack("!H", frame[4:6])[0]}
    body = frame[ihl:]
    if proto in (6, 17) and len(body) >= 4:
        out["sport"], out["dport"] = struct.unpack("!HH", body[:4])
    elif proto == 1 and len(body) >= 6:
        out["icmpType"], out["icmpCode"] = body[0], body[1]
        out["icmpId"] = struct.unpack("!H", body[4:6])[0]
    return out


def snmp() -> dict:
    with open("/proc/self/net/snmp") as f:
        lines = [l.split() for l in f if l.startswith("Ip:")]
    return {k: int(v) for k, v in zip(lines[0][1:], lines[1][1:])}


def main() -> None:
    config = json.loads(sys.argv[1])
    def make_sender():
        s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
        s.bind(("eth0", ETH_P_IP))
        return s
    sender = in_netns(config["inject"], make_sender)
    gateway = bytes.fromhex(config["gatewayMac"].replace(":", ""))
    sniffers = {}
    for iface, ns in config["sniff"].items():
        def make():
            s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
            s.bind(("eth0", ETH_P_IP))
            s.setblocking(False)
            return s
        sniffers[in_netns(ns, make)] = iface
    # TCP listeners on the router, so a SYN delivered to it is answered with a SYN-ACK (its
    # connection stays listed) rather than a RST (which deletes it: nf_conntrack_proto_tcp
    # kills an entry whose only reply is a RST).
    listeners = []
    for port in config.get("listen", []):
        l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        l.bind(("0.0.0.0", port))
        l.listen(1024)
        listeners.append(l)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        for s in sniffers:
            while select.select([s], [], [], 0)[0]:
                s.recvfrom(65535)
        before = snmp()
        pkt = req["send"]
        sender.sendto(ip_packet(pkt), ("eth0", ETH_P_IP, 0, 0, gateway))
        seen = []
        deadline = time.monotonic() + req.get("waitMs", 60) / 1000
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready = select.select(list(sniffers), [], [], left)[0]
            for s in ready:
                data, addr = s.recvfrom(65535)
                if addr[2] == PACKET_OUTGOING or len(data) < 20:
                    continue
                d = decode(data)
                if d["id"] == pkt["id"]:
                    d["iface"] = sniffers[s]
                    seen.append(d)
            if req.get("expect") and any(x["iface"] == req["expect"] for x in seen):
                # Give a duplicate (a second copy out of another port) a moment to show up.
                deadline = min(deadline, time.monotonic() + 0.005)
        after = snmp()
        delta = {k: after[k] - before[k] for k in after if after[k] != before[k]}
        print(json.dumps({"seen": seen, "snmp": delta}), flush=True)


if __name__ == "__main__":
    main()
