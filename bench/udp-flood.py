# Send N UDP datagrams to 127.0.0.1, each to a different port, and print the seconds it took.
# Every datagram is a new conntrack entry, so each one walks the whole nat OUTPUT path: the
# kernel's per-packet rule-walk cost (kernel-lab.md §8). Run inside a kpath-… namespace.
import socket, sys, time
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload = b'x'
start = time.perf_counter()
for i in range(n):
    s.sendto(payload, ('127.0.0.1', 1024 + i % 60000))
print(time.perf_counter() - start)
