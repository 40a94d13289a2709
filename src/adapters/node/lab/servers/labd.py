#!/usr/bin/env python3
"""kpath lab daemon: every user-space program of one lab, in one process.

Reads a JSON configuration (core/lab/daemons.ts LabdConfig) on stdin. For each entry it enters
the entry's network namespace with setns(2) and opens its sockets or TUN device there: a socket
stays in the namespace it was created in, so one select() loop serves the whole lab.

- echo listeners (TCP and UDP): the answer is one line,
  `pod=NS/NAME port=P saw=IP:PORT ttl=N`: the pod and port, the client address and port the server saw, and
  the TTL the client's packet arrived with. TCP: the TTL the kernel kept from the handshake
  (tcp_v4_syn_recv_sock stores it in mc_ttl; IP_PKTOPTIONS returns it once IP_RECVTTL is set).
  UDP: the IP_TTL control message of the datagram.
- flanneld's UDP backend: packets read from the TUN device (IFF_TUN | IFF_NO_PI) go in UDP to
  the node leasing the destination's subnet; datagrams received are written into the device.

Prints `ready` once everything is open, then runs until SIGTERM. Standard library only.
"""
import ctypes
import fcntl
import ipaddress
import json
import os
import select
import signal
import socket
import struct
import sys

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
IP_RECVTTL = 12  # not exported by the socket module
IP_PKTOPTIONS = 9
IP_TTL = 2

libc = ctypes.CDLL(None, use_errno=True)


def enter(netns):
    fd = os.open("/run/netns/" + netns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (netns, os.strerror(err)))
    finally:
        os.close(fd)


def cmsg_ttl(data):
    """The IP_TTL value in a buffer of control messages (struct cmsghdr, 64-bit)."""
    off = 0
    while off + 16 <= len(data):
        length, level, kind = struct.unpack_from("=Qii", data, off)
        if length < 16:
            break
        if level == socket.IPPROTO_IP and kind == IP_TTL:
            return struct.unpack_from("=i", data, off + 16)[0]
        off += (length + 7) & ~7
    return None


def answer(pod, port, addr, ttl):
    return ("pod=%s port=%d saw=%s:%d ttl=%s\n" % (pod, port, addr[0], addr[1], ttl)).encode()


class Lab:
    def __init__(self):
        self.handlers = {}

    def listen(self, entry):
        proto = entry["proto"]
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        s = socket.socket(socket.AF_INET, kind)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
        s.bind(("0.0.0.0", entry["port"]))
        s.setblocking(False)
        who = (entry["pod"], entry["port"])
        if proto == "tcp":
            s.listen(64)
            self.handlers[s.fileno()] = (s, lambda: self.accept(s, who))
        else:
            self.handlers[s.fileno()] = (s, lambda: self.datagram(s, who))

    def accept(self, s, who):
        try:
            c, addr = s.accept()
        except BlockingIOError:
            return
        try:
            c.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
            ttl = cmsg_ttl(c.getsockopt(socket.IPPROTO_IP, IP_PKTOPTIONS, 64))
            c.setblocking(True)
            c.settimeout(1.0)
            c.sendall(answer(who[0], who[1], addr, ttl))
        except OSError:
            pass
        finally:
            c.close()

    def datagram(self, s, who):
        try:
            _, anc, _, addr = s.recvmsg(65535, 64)
        except (BlockingIOError, ConnectionRefusedError):
            return
        ttl = None
        for level, kind, data in anc:
            if level == socket.IPPROTO_IP and kind == IP_TTL:
                ttl = struct.unpack("=i", data[:4])[0]
        try:
            s.sendto(answer(who[0], who[1], addr, ttl), addr)
        except OSError:
            pass

    def flanneld(self, entry):
        tun = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
        ifr = struct.pack("16sH22x", entry["device"].encode(), IFF_TUN | IFF_NO_PI)
        fcntl.ioctl(tun, TUNSETIFF, ifr)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((entry["local"], entry["port"]))
        u.setblocking(False)
        routes = sorted(
            ((ipaddress.ip_network(net), node) for net, node in entry["routes"]),
            key=lambda r: -r[0].prefixlen,
        )
        port = entry["port"]

        def from_tun():
            try:
                pkt = os.read(tun, 65535)
            except BlockingIOError:
                return
            if len(pkt) < 20 or pkt[0] >> 4 != 4:
                return
            dst = ipaddress.ip_address(pkt[16:20])
            for net, node in routes:
                if dst in net:
                    try:
                        u.sendto(pkt, (node, port))
                    except OSError:
                        pass
                    return

        def from_udp():
            try:
                pkt = u.recv(65535)
            except (BlockingIOError, ConnectionRefusedError):
                return
            try:
                os.write(tun, pkt)
            except OSError:
                pass

        self.handlers[tun] = (tun, from_tun)
        self.handlers[u.fileno()] = (u, from_udp)

    def run(self):
        poller = select.epoll()
        for fd in self.handlers:
            poller.register(fd, select.EPOLLIN)
        while True:
            for fd, _ in poller.poll():
                self.handlers[fd][1]()


def main():
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    text = sys.stdin.read()
    if not text.strip():
        return  # started, then abandoned before configuration: nothing to do
    config = json.loads(text)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the lab is stopped by `kpath lab down`
    lab = Lab()
    for entry in config.get("listeners", []):
        enter(entry["netns"])
        lab.listen(entry)
    for entry in config.get("flanneld", []):
        enter(entry["netns"])
        lab.flanneld(entry)
    sys.stdout.write("ready %d\n" % os.getpid())
    sys.stdout.flush()
    os.close(1)
    lab.run()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # reported to the parent before `ready`
        sys.stderr.write("labd: %s\n" % e)
        sys.exit(1)
