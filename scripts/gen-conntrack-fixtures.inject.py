#!/usr/bin/env python3
"""Hand-made IPv4 packets for gen-conntrack-fixtures.ts.

  inject.py send JSON       send one TCP, UDP, ICMP or SCTP packet described by JSON from this netns
  inject.py capture SECS N  print (as JSON lines) the next N ICMP errors this netns receives

Raw sockets let the fixture generator drive the kernel's conntrack one segment at a time, with
exact flags, sequence numbers and source addresses. Runs inside a kpath-* lab namespace only.
"""
import json
import select
import socket
import struct
import sys

TCP_FLAGS = {"FIN": 1, "SYN": 2, "RST": 4, "PSH": 8, "ACK": 16, "URG": 32, "ECE": 64, "CWR": 128}


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ip_header(src: str, dst: str, proto: int, body_len: int, ttl: int = 64) -> bytes:
    fields = [0x45, 0, 20 + body_len, 0, 0, ttl, proto, 0, socket.inet_aton(src), socket.inet_aton(dst)]
    head = struct.pack("!BBHHHBBH4s4s", *fields)
    fields[7] = checksum(head)
    return struct.pack("!BBHHHBBH4s4s", *fields)


def pseudo(src: str, dst: str, proto: int, length: int) -> bytes:
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, length)


def tcp_options(p: dict) -> bytes:
    """Window scale, SACK-permitted and SACK blocks ([[left, right], ...]), NOP-aligned."""
    opts = b""
    if "wscale" in p:
        opts += struct.pack("!BBBB", 1, 3, 3, p["wscale"])
    if p.get("sackPerm"):
        opts += struct.pack("!BBBB", 1, 1, 4, 2)
    if p.get("sack"):
        blocks = p["sack"]
        opts += struct.pack("!BBBB", 1, 1, 5, 2 + 8 * len(blocks))
        opts += b"".join(struct.pack("!II", left, right) for left, right in blocks)
    return opts


def tcp_segment(p: dict) -> bytes:
    flags = sum(TCP_FLAGS[f] for f in p.get("flags", []))
    payload = b"x" * p.get("payload", 0)
    opts = tcp_options(p)
    head = struct.pack("!HHIIBBHHH", p["sport"], p["dport"], p.get("seq", 0), p.get("ack", 0),
                       (5 + len(opts) // 4) << 4, flags, p.get("window", 64240), 0, 0) + opts
    seg = head + payload
    c = checksum(pseudo(p["src"], p["dst"], 6, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp_datagram(p: dict) -> bytes:
    payload = b"x" * p.get("payload", 0)
    length = 8 + len(payload)
    dgram = struct.pack("!HHHH", p["sport"], p["dport"], length, 0) + payload
    c = checksum(pseudo(p["src"], p["dst"], 17, length) + dgram) or 0xFFFF
    return dgram[:6] + struct.pack("!H", c) + dgram[8:]


def icmp_message(p: dict) -> bytes:
    if "inner" in p:
        inner = p["inner"]
        body = l4(inner)[:8]
        rest = struct.pack("!I", 0) + ip_header(inner["src"], inner["dst"], inner["proto"], len(body)) + body
    else:
        rest = struct.pack("!HH", p.get("icmpId", 0), p.get("seq", 1)) + b"kpath"
    msg = struct.pack("!BBH", p["icmpType"], p.get("icmpCode", 0), 0) + rest
    return msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]


# SCTP chunk type numbers (RFC 9260 section 3.2, RFC 9260 / 5061 / 4895 for the rest).
SCTP_CHUNK_IDS = {
    "DATA": 0, "INIT": 1, "INIT_ACK": 2, "SACK": 3, "HEARTBEAT": 4, "HEARTBEAT_ACK": 5,
    "ABORT": 6, "SHUTDOWN": 7, "SHUTDOWN_ACK": 8, "ERROR": 9, "COOKIE_ECHO": 10,
    "COOKIE_ACK": 11, "ECNE": 12, "CWR": 13, "SHUTDOWN_COMPLETE": 14,
}


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def sctp_chunk_body(c: dict) -> bytes:
    """The value part of one chunk: just enough of each kind for a receiver to parse it."""
    kind = c["type"]
    if kind in ("INIT", "INIT_ACK"):
        body = struct.pack("!IIHHI", c.get("initTag", 1), 65535, 10, 10, c.get("tsn", 1))
        if kind == "INIT_ACK":  # a State Cookie parameter is mandatory in INIT ACK
            body += struct.pack("!HH", 7, 12) + b"kpathck!"
        return body
    if kind == "DATA":
        payload = b"x" * c.get("payload", 4)
        return struct.pack("!IHHI", c.get("tsn", 1), 0, 0, 0) + payload
    if kind == "SACK":
        return struct.pack("!IIHH", c.get("tsn", 1), 65535, 0, 0)
    if kind in ("HEARTBEAT", "HEARTBEAT_ACK"):
        return struct.pack("!HH", 1, 12) + b"kpathhb!"
    if kind == "SHUTDOWN":
        return struct.pack("!I", c.get("tsn", 1))
    if kind == "ERROR":  # cause 3, Stale Cookie Error, with its measure of staleness
        return struct.pack("!HHI", 3, 8, 1000)
    if kind == "COOKIE_ECHO":
        return b"kpathck!"
    return b""


def sctp_packet(p: dict) -> bytes:
    chunks = b""
    for c in p.get("chunks", []):
        body = sctp_chunk_body(c)
        head = struct.pack("!BBH", SCTP_CHUNK_IDS[c["type"]], c.get("flags", 0), 4 + len(body))
        chunk = head + body
        chunks += chunk + b"\0" * (-len(chunk) % 4)
    pkt = struct.pack("!HHII", p["sport"], p["dport"], p.get("vtag", 0), 0) + chunks
    # The CRC goes in as the little-endian 32-bit value (RFC 9260 appendix A).
    crc = crc32c(pkt) if not p.get("badCrc") else crc32c(pkt) ^ 1
    return pkt[:8] + struct.pack("<I", crc) + pkt[12:]


def l4(p: dict) -> bytes:
    return {6: tcp_segment, 17: udp_datagram, 1: icmp_message, 132: sctp_packet}[p["proto"]](p)


def send(p: dict) -> None:
    body = l4(p)
    pkt = ip_header(p["src"], p["dst"], p["proto"], len(body), p.get("ttl", 64)) + body
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(pkt, (p["dst"], 0))


def parse_ip(data: bytes) -> dict:
    ihl = (data[0] & 15) * 4
    proto = data[9]
    out = {"src": socket.inet_ntoa(data[12:16]), "dst": socket.inet_ntoa(data[16:20]), "proto": proto}
    l4data = data[ihl:]
    if proto in (6, 17, 132) and len(l4data) >= 4:
        out["sport"], out["dport"] = struct.unpack("!HH", l4data[:4])
    elif proto == 1 and len(l4data) >= 8:
        out["icmpType"], out["icmpCode"] = l4data[0], l4data[1]
        out["icmpId"] = struct.unpack("!H", l4data[4:6])[0]
    return out


def capture(seconds: float, count: int) -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    print("ready", flush=True)
    while count > 0:
        ready, _, _ = select.select([s], [], [], seconds)
        if not ready:
            return
        data = s.recv(65535)
        outer = parse_ip(data)
        if outer.get("icmpType") in (3, 4, 5, 11, 12):
            ihl = (data[0] & 15) * 4
            outer["inner"] = parse_ip(data[ihl + 8:])
            print(json.dumps(outer), flush=True)
            count -= 1


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(json.loads(sys.argv[2]))
    elif sys.argv[1] == "capture":
        capture(float(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(f"unknown mode {sys.argv[1]}")
