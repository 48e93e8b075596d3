#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A userspace TLS (OpenSSL, via Python's ssl) or raw-TCP peer for the
selftests.  Serves one connection, then prints one line of results.

  tls_peer.py MODE --port P [--cert C --key K] [options]

Modes:
  sink     read to EOF; print "bytes=N sha256=H close_notify=yes|no"
  source   send --file, then close_notify; print "sent=N"
  echo     echo to EOF, then close_notify
  hold     finish the handshake, send --count bytes, then wait for EOF
  garbage  plain TCP: read the ClientHello, answer with junk
  hangup   plain TCP: read the ClientHello, close
  silent   plain TCP: accept, say nothing, and exit once the client closes
  straddle plain TCP: a TLS 1.3 ServerHello followed, in the same record,
           by an unprotected EncryptedExtensions (RFC 8446 5.1 violation)
Prints "READY" on stdout once listening.
"""
import argparse
import hashlib
import os
import socket
import ssl
import sys

VERSIONS = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
            "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def received(sock):
    """The chunks a socket delivers until end of stream."""
    while True:
        d = sock.recv(1 << 16)
        if not d:
            return
        yield d


def straddle_reply(hello):
    """ServerHello (TLS 1.3, AES-128-GCM, X25519 with a random share) plus
    a plaintext EncryptedExtensions in the same record."""
    p = 5 + 4 + 2 + 32                  # record, handshake headers, version, random
    sid = hello[p + 1:p + 1 + hello[p]]
    ext = (b"\x00\x2b\x00\x02\x03\x04" +                     # supported_versions
           b"\x00\x33\x00\x24\x00\x1d\x00\x20" + os.urandom(32))  # key_share
    body = (b"\x03\x03" + os.urandom(32) + bytes([len(sid)]) + sid +
            b"\x13\x01\x00" + len(ext).to_bytes(2, "big") + ext)
    msgs = b"\x02" + len(body).to_bytes(3, "big") + body
    msgs += b"\x08\x00\x00\x02\x00\x00"   # EncryptedExtensions, in the clear
    return b"\x16\x03\x03" + len(msgs).to_bytes(2, "big") + msgs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--v6", action="store_true")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--min")
    ap.add_argument("--max")
    ap.add_argument("--ciphers")
    ap.add_argument("--alpn")
    ap.add_argument("--file")
    ap.add_argument("--count", type=int, default=0)
    a = ap.parse_args()

    fam = socket.AF_INET6 if a.v6 else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::1" if a.v6 else "127.0.0.1", a.port))
    ls.listen(4)
    print("READY", flush=True)
    ls.settimeout(60)
    conn, _ = ls.accept()
    conn.settimeout(60)

    if a.mode == "straddle":
        conn.sendall(straddle_reply(conn.recv(4096)))
        try:
            conn.recv(4096)
        except OSError:
            pass
        conn.close()
        print(a.mode, flush=True)
        return

    if a.mode in ("garbage", "hangup", "silent"):
        if a.mode != "silent":
            conn.recv(4096)
        if a.mode == "garbage":
            conn.sendall(os.urandom(64) + b"\x16\x03\x03\x00\x02\xff\xff")
        if a.mode == "silent":
            # Never answer; return only once the client's side is gone.
            try:
                while conn.recv(1 << 16):
                    pass
            except OSError:
                pass
        conn.close()
        print(a.mode, flush=True)
        return

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    if a.min:
        if a.min in ("1.0", "1.1"):
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = VERSIONS[a.min]
    if a.max:
        ctx.maximum_version = VERSIONS[a.max]
    if a.ciphers:
        ctx.set_ciphers(a.ciphers)
    if a.alpn:
        ctx.set_alpn_protocols(a.alpn.split(","))
    try:
        tls = ctx.wrap_socket(conn, server_side=True, suppress_ragged_eofs=False)
    except (ssl.SSLError, OSError) as e:
        print("handshake-failed %s" % e, flush=True)
        return

    if a.mode == "sink":
        h, n, notify = hashlib.sha256(), 0, "yes"
        try:
            for d in received(tls):
                h.update(d)
                n += len(d)
        except ssl.SSLEOFError:
            notify = "no"
        print("bytes=%d sha256=%s close_notify=%s" % (n, h.hexdigest(), notify), flush=True)
        try:
            tls.unwrap()
        except (ssl.SSLError, OSError):
            pass
    elif a.mode == "source":
        with open(a.file, "rb") as f:
            n = 0
            while True:
                d = f.read(1 << 16)
                if not d:
                    break
                tls.sendall(d)
                n += len(d)
        tls.unwrap()
        print("sent=%d" % n, flush=True)
    elif a.mode == "echo":
        n = 0
        try:
            for d in received(tls):
                tls.sendall(d)
                n += len(d)
            tls.unwrap()
        except (ssl.SSLError, OSError) as e:
            print("echo-error %s" % e, flush=True)
        print("echoed=%d" % n, flush=True)
    elif a.mode == "hold":
        tls.sendall(b"x" * a.count)
        try:
            while tls.recv(1 << 16):
                pass
        except (ssl.SSLError, OSError):
            pass
        print("held", flush=True)


if __name__ == "__main__":
    sys.exit(main())
