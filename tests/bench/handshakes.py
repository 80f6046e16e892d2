# tests/bench/handshakes.py PORT THREADS SECONDS [ADDRS]: a flood of TLS
# handshakes against 127.0.0.1:PORT for tests/bench/bench_ui_flood.sh:
# THREADS threads (each bound to one of the comma-separated loopback
# source ADDRS in turn), each completing a handshake and closing, again
# and again for SECONDS.  Prints how many it completed.
import socket, ssl, sys, threading, time
port, nth, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
addrs = (sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1").split(",")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
done = [0]
fail = [0]
end = time.time() + secs
def run(i):
    src = addrs[i % len(addrs)]
    while time.time() < end:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10,
                                         source_address=(src, 0))
            t = ctx.wrap_socket(s)
            t.close()
            done[0] += 1
        except Exception:
            fail[0] += 1
            time.sleep(0.05)
th = [threading.Thread(target=run, args=(i,)) for i in range(nth)]
for t in th: t.start()
for t in th: t.join()
print(f"handshakes {done[0]} failed {fail[0]} in {secs} s: {done[0]/secs:.0f}/s")
