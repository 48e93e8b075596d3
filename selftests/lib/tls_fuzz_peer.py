#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tls_fuzz_peer.py - a hostile TLS speaker, seeded and bounded.

  tls_fuzz_peer.py server --client BIN --ca CA.pem --cases N [--seed S]
      plays the server to the SSA client (BIN, samples/ssa_client), one
      connection per case: after the client's ClientHello it answers with
      a mutated flight (see SERVER_CASES).
  tls_fuzz_peer.py client --port P --cases N [--seed S]
      plays the client to an SSA server on 127.0.0.1:P, one connection per
      case: a mutated ClientHello and what may follow (CLIENT_CASES).

The flights are built by our own record layer (nothing here completes a
handshake, so no cryptography is needed): lengths that lie, truncation,
duplicate, unknown and misordered extensions, HelloRetryRequest abuse,
bad or repeated key shares, certificate chains of 100 certificates or of
1 MiB (TLS 1.2 sends them in the clear), ChangeCipherSpec and alerts in
every position, records of every content type, records over the size
limits, and random bytes.

Every case must end, within the handshake timeout, in an error: the
client says why (no case completes a handshake, so a client that
succeeds has accepted a server it never authenticated), the server
closes or alerts.  A hang is a failure.  The seed is printed first; a case is reproducible from
the seed and its number.  Prints TAP, one line per side.
"""

import argparse
import os
import random
import select
import socket
import struct
import subprocess
import sys
import time

HANDSHAKE_LIMIT = 40    # seconds: the 30 s handshake timeout plus slack (--limit)


def record(ctype, body, version=0x0303):
    return struct.pack("!BHH", ctype, version, len(body)) + body


def hs(htype, body):
    return struct.pack("!B", htype) + len(body).to_bytes(3, "big") + body


def ext(etype, body):
    return struct.pack("!HH", etype, len(body)) + body


def vec(n, body):
    return len(body).to_bytes(n, "big") + body


# --- a TLS 1.3 ClientHello, in parts a mutator can rearrange -------------------

def client_hello_exts(rng, key_share=None):
    group = 0x001d
    share = key_share if key_share is not None else bytes(rng.getrandbits(8) for _ in range(32))
    return [
        ext(0x0000, vec(2, b"\x00" + vec(2, b"localhost"))),         # server_name
        ext(0x000a, vec(2, b"\x00\x1d\x00\x17\x00\x18")),             # supported_groups
        ext(0x000d, vec(2, b"\x04\x03\x08\x04\x04\x01\x05\x03")),     # signature_algorithms
        ext(0x002b, vec(1, b"\x03\x04\x03\x03")),                     # supported_versions
        ext(0x002d, vec(1, b"\x01")),                                 # psk_key_exchange_modes
        ext(0x0033, vec(2, struct.pack("!HH", group, len(share)) + share)),  # key_share
    ]


def client_hello(rng, exts, suites=b"\x13\x01\x13\x02\x13\x03\xc0\x2b\xc0\x2f",
                 session_id=None):
    sid = session_id if session_id is not None else bytes(rng.getrandbits(8) for _ in range(32))
    body = (b"\x03\x03" + bytes(rng.getrandbits(8) for _ in range(32)) + vec(1, sid) +
            vec(2, suites) + vec(1, b"\x00") + vec(2, b"".join(exts)))
    return hs(1, body)


def mutate_bytes(rng, data, n=None):
    data = bytearray(data)
    for _ in range(n or rng.randint(1, 4)):
        if not data:
            break
        i = rng.randrange(len(data))
        data[i] = rng.choice([0, 0xff, data[i] ^ (1 << rng.randrange(8)), rng.getrandbits(8)])
    return bytes(data)


def lie_length(rng, msg):
    """Change one 1-, 2- or 3-byte length field's value: larger or smaller."""
    msg = bytearray(msg)
    if len(msg) < 4:
        return bytes(msg)
    delta = rng.choice([-1, 1, 7, -7, 0x1000, 0xffff])
    n = max(0, int.from_bytes(msg[1:4], "big") + delta) & 0xffffff
    msg[1:4] = n.to_bytes(3, "big")
    return bytes(msg)


def fragment(rng, ctype, payload):
    """One handshake payload over records of random sizes (some empty)."""
    out, i = b"", 0
    while i < len(payload):
        n = rng.choice([1, 2, 5, 100, 16384])
        out += record(ctype, payload[i:i + n])
        i += n
    return out


# --- cases: (name, function(rng) -> bytes to send after the peer's first flight) ----

def fake_cert(rng, size):
    return bytes(rng.getrandbits(8) for _ in range(size))


def cert_msg_12(certs):
    return hs(11, vec(3, b"".join(vec(3, c) for c in certs)))


def server_hello(rng, version=0x0303, suite=0x1301, exts=None, random_=None, sid=b""):
    r = random_ if random_ is not None else bytes(rng.getrandbits(8) for _ in range(32))
    body = (struct.pack("!H", version) + r + vec(1, sid) + struct.pack("!HB", suite, 0) +
            vec(2, b"".join(exts or [])))
    return hs(2, body)


HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")


def sv13(rng):
    return ext(0x002b, b"\x03\x04")


def s_case_mutated_sh(rng, ch):
    share = bytes(rng.getrandbits(8) for _ in range(32))
    sh = server_hello(rng, exts=[sv13(rng), ext(0x0033, struct.pack("!HH", 0x1d, 32) + share)])
    return record(22, rng.choice([mutate_bytes(rng, sh), lie_length(rng, sh), sh[:rng.randrange(len(sh))]]))


def s_case_hrr_unoffered(rng, ch):
    # A HelloRetryRequest for a group the client never offered (ffdhe8192).
    hrr = server_hello(rng, random_=HRR_RANDOM, exts=[sv13(rng), ext(0x0033, b"\x01\x04")])
    return record(22, hrr)


def s_case_hrr_twice(rng, ch):
    hrr = server_hello(rng, random_=HRR_RANDOM, exts=[sv13(rng), ext(0x0033, b"\x00\x17")])
    return record(22, hrr) + record(20, b"\x01") + record(22, hrr)


def s_case_hrr_huge_cookie(rng, ch):
    cookie = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 65000])))
    hrr = server_hello(rng, random_=HRR_RANDOM,
                       exts=[sv13(rng), ext(0x0033, b"\x00\x17"), ext(0x002c, vec(2, cookie))])
    return fragment(rng, 22, hrr)


def s_case_bad_key_share(rng, ch):
    n = rng.choice([0, 1, 31, 33, 65, 255])
    share = bytes(rng.getrandbits(8) for _ in range(n))
    sh = server_hello(rng, exts=[sv13(rng), ext(0x0033, struct.pack("!HH", 0x1d, n) + share)])
    return record(22, sh)


def s_case_12_chain(rng, ch):
    # TLS 1.2: the Certificate message is in the clear, so the chain can be
    # 100 certificates or 1 MiB without any key.
    sh = server_hello(rng, suite=0xc02b, exts=[ext(0xff01, b"\x00"), ext(0x0017, b"")])
    if rng.random() < 0.5:
        certs = [fake_cert(rng, 600) for _ in range(100)]
    else:
        certs = [fake_cert(rng, 1 << 20)]
    msg = cert_msg_12(certs)
    if rng.random() < 0.3:
        msg = lie_length(rng, msg)
    return record(22, sh) + fragment(rng, 22, msg) + record(22, hs(14, b""))


def s_case_ccs_alert_anywhere(rng, ch):
    sh = server_hello(rng, exts=[sv13(rng)])
    parts = [record(22, sh), record(20, b"\x01"), record(21, bytes([rng.choice([1, 2]),
                                                                    rng.getrandbits(8)]))]
    rng.shuffle(parts)
    return b"".join(parts[:rng.randint(1, 3)])


def s_case_content_types(rng, ch):
    return b"".join(record(rng.getrandbits(8), bytes(rng.getrandbits(8) for _ in range(rng.randrange(40))))
                    for _ in range(rng.randint(1, 5)))


def s_case_oversized(rng, ch):
    n = rng.choice([16384 + 256 + 1, 16384 + 2048, 65535])
    return struct.pack("!BHH", 22, 0x0303, n) + bytes(n)


def s_case_random(rng, ch):
    return bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 3000)))


def s_case_sslv2(rng, ch):
    return b"\x80\x2e\x04\x00\x01\x00\x02" + bytes(rng.getrandbits(8) for _ in range(40))


SERVER_CASES = [s_case_mutated_sh, s_case_hrr_unoffered, s_case_hrr_twice, s_case_hrr_huge_cookie,
                s_case_bad_key_share, s_case_12_chain, s_case_ccs_alert_anywhere,
                s_case_content_types, s_case_oversized, s_case_random, s_case_sslv2]


def c_case_mutated(rng):
    exts = client_hello_exts(rng)
    return record(22, mutate_bytes(rng, client_hello(rng, exts), rng.randint(1, 8)))


def c_case_lying_length(rng):
    return record(22, lie_length(rng, client_hello(rng, client_hello_exts(rng))))


def c_case_truncated(rng):
    ch = client_hello(rng, client_hello_exts(rng))
    return record(22, ch[:rng.randrange(1, len(ch))])


def c_case_duplicate_ext(rng):
    exts = client_hello_exts(rng)
    exts.insert(rng.randrange(len(exts)), rng.choice(exts))
    return record(22, client_hello(rng, exts))


def c_case_unknown_exts(rng):
    exts = client_hello_exts(rng)
    for _ in range(rng.randint(1, 60)):
        exts.insert(rng.randrange(len(exts) + 1),
                    ext(rng.getrandbits(16), bytes(rng.getrandbits(8) for _ in range(rng.randrange(30)))))
    return fragment(rng, 22, client_hello(rng, exts))


def c_case_psk_not_last(rng):
    psk = ext(0x0029, vec(2, vec(2, b"id") + b"\x00\x00\x00\x00") + vec(2, vec(1, bytes(32))))
    exts = client_hello_exts(rng)
    exts.insert(rng.randrange(len(exts)), psk)
    return record(22, client_hello(rng, exts))


def c_case_bad_key_shares(rng):
    n = rng.choice([0, 1, 31, 33, 255])
    shares = b"".join(struct.pack("!HH", g, n) + bytes(n) for g in
                      rng.sample([0x1d, 0x17, 0x18, 0x1d, 0x1e, 0x100], rng.randint(1, 4)))
    exts = client_hello_exts(rng)[:-1] + [ext(0x0033, vec(2, shares))]
    return record(22, client_hello(rng, exts))


def c_case_no_common(rng):
    return record(22, client_hello(rng, client_hello_exts(rng), suites=b"\x00\x2f\x00\x35"))


def c_case_two_hellos(rng):
    ch = client_hello(rng, client_hello_exts(rng))
    return record(22, ch) + record(20, b"\x01") + record(22, ch)


def c_case_ccs_alert_first(rng):
    ch = client_hello(rng, client_hello_exts(rng))
    parts = [record(20, b"\x01"), record(21, b"\x01\x00"), record(22, ch)]
    rng.shuffle(parts)
    return b"".join(parts)


def c_case_after_hello(rng):
    # A valid hello, then whatever the server does not expect before its flight.
    ch = client_hello(rng, client_hello_exts(rng))
    junk = rng.choice([record(23, bytes(100)), record(22, hs(20, bytes(32))),
                       record(22, hs(11, b"\x00\x00\x00")), record(24, b"\x01\x00\x10"),
                       struct.pack("!BHH", 23, 0x0303, 18000) + bytes(18000)])
    return record(22, ch) + junk


def c_case_content_types(rng):
    return s_case_content_types(rng, b"")


def c_case_oversized(rng):
    return s_case_oversized(rng, b"")


def c_case_random(rng):
    return s_case_random(rng, b"")


def c_case_sslv2(rng):
    return s_case_sslv2(rng, b"")


CLIENT_CASES = [c_case_mutated, c_case_lying_length, c_case_truncated, c_case_duplicate_ext,
                c_case_unknown_exts, c_case_psk_not_last, c_case_bad_key_shares, c_case_no_common,
                c_case_two_hellos, c_case_ccs_alert_first, c_case_after_hello, c_case_content_types,
                c_case_oversized, c_case_random, c_case_sslv2]


def send_all(sock, data):
    try:
        sock.sendall(data)
        return True
    except OSError:
        return False


def drain(sock, limit):
    """Read until the peer closes, or limit seconds.  Returns (closed, bytes)."""
    end, got = time.monotonic() + limit, b""
    while time.monotonic() < end:
        r, _, _ = select.select([sock], [], [], max(0, end - time.monotonic()))
        if not r:
            break
        try:
            d = sock.recv(65536)
        except OSError:
            return True, got
        if not d:
            return True, got
        got += d
    return False, got


def run_server_side(a, rng):
    """We are the server; the SSA client connects once per case."""
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", 0))
    lst.listen(4)
    port = lst.getsockname()[1]
    bad = []
    for i in range(a.cases):
        case = SERVER_CASES[rng.randrange(len(SERVER_CASES))]
        crng = random.Random(f"{a.seed}:s:{i}")
        t0 = time.monotonic()
        cl = subprocess.Popen([a.client, "-A", a.ca, "localhost", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        lst.settimeout(a.limit)
        try:
            conn, _ = lst.accept()
        except OSError:
            cl.kill()
            bad.append(f"case {i} {case.__name__}: the client never connected")
            continue
        conn.settimeout(5)
        try:
            ch = conn.recv(65536)
        except OSError:
            ch = b""
        send_all(conn, case(crng, ch))
        try:
            _, err = cl.communicate(timeout=a.limit)
        except subprocess.TimeoutExpired:
            cl.kill()
            cl.communicate()
            bad.append(f"case {i} {case.__name__}: the client hung for {a.limit} s")
            conn.close()
            continue
        conn.close()
        err = err.decode(errors="replace").strip()
        if cl.returncode < 0 or cl.returncode > 128:
            bad.append(f"case {i} {case.__name__}: the client died (status {cl.returncode})")
        elif cl.returncode == 0:
            # Nothing here completes a handshake: success would mean the
            # client accepted a server it never authenticated.
            bad.append(f"case {i} {case.__name__}: the client succeeded against garbage")
        elif cl.returncode != 0 and not err:
            bad.append(f"case {i} {case.__name__}: the client failed without a word")
        elif a.verbose:
            print(f"# case {i} {case.__name__}: exit {cl.returncode} in "
                  f"{time.monotonic() - t0:.1f} s: {err.splitlines()[-1] if err else ''}")
    lst.close()
    return bad


def run_client_side(a, rng):
    """We are the client of the SSA server on a.port."""
    bad = []
    for i in range(a.cases):
        case = CLIENT_CASES[rng.randrange(len(CLIENT_CASES))]
        crng = random.Random(f"{a.seed}:c:{i}")
        try:
            s = socket.create_connection(("127.0.0.1", a.port), timeout=10)
        except OSError as e:
            bad.append(f"case {i} {case.__name__}: cannot connect ({e}): the server is gone")
            break
        t0 = time.monotonic()
        send_all(s, case(crng))
        closed, _ = drain(s, a.limit)
        s.close()
        if not closed:
            bad.append(f"case {i} {case.__name__}: the server kept the connection "
                       f"for {a.limit} s")
        elif a.verbose:
            print(f"# case {i} {case.__name__}: closed after {time.monotonic() - t0:.1f} s")
    return bad


def main():
    p = argparse.ArgumentParser()
    p.add_argument("side", choices=["server", "client"])
    p.add_argument("--cases", type=int, default=30)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--client")
    p.add_argument("--ca")
    p.add_argument("--port", type=int)
    p.add_argument("--limit", type=int, default=HANDSHAKE_LIMIT,
                   help="seconds a case may take (the handshake timeout plus slack)")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args()
    if a.seed is None:
        a.seed = int.from_bytes(os.urandom(4), "big")
    print(f"# tls_fuzz_peer {a.side}: seed {a.seed}, {a.cases} cases", flush=True)
    rng = random.Random(a.seed)
    t0 = time.monotonic()
    bad = run_server_side(a, rng) if a.side == "server" else run_client_side(a, rng)
    for b in bad:
        print(f"# seed {a.seed}: {b}")
    what = "the SSA client against a hostile server" if a.side == "server" else \
        "the SSA server against a hostile client"
    print(f"{'not ok' if bad else 'ok'} - {what}: {a.cases} cases, seed {a.seed}, "
          f"{time.monotonic() - t0:.0f} s", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
