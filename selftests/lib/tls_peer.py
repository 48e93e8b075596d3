#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A userspace TLS (OpenSSL, via Python's ssl) or raw-TCP peer for the
selftests.  Serves one connection, then prints one line of results.

  tls_peer.py MODE --port P [--cert C --key K] [options]
  tls_peer.py daemon CTL REPLY

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

daemon serves many peers from one process (each Python start-up costs
seconds on the debug kernel).  It reads requests from the fifo CTL, one
per line, fields separated by tabs:
  OUT MODE --port P [options]  listen, answer "READY P" (or "FAILED P")
                               on the fifo REPLY, serve one connection in
                               a thread that writes its results to the
                               file OUT, then answer "DONE P"
  !close P                     end the connection on port P
"""
import argparse
import hashlib
import os
import socket
import ssl
import sys
import threading

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


def parser():
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
    return ap


def listen(a):
    fam = socket.AF_INET6 if a.v6 else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    try:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("::1" if a.v6 else "127.0.0.1", a.port))
        ls.listen(4)
    except OSError:
        ls.close()
        raise
    ls.settimeout(60)
    return ls


class Conns:
    """The daemon's connections by port, so that "!close" can end one:
    it shuts the socket object down (never a bare fd, which a closed
    socket could hand to another), before or after it is accepted."""

    def __init__(self):
        self.lock, self.socks, self.closing = threading.Lock(), {}, set()

    def add(self, port, sock):
        with self.lock:
            self.socks[port] = sock
            if port in self.closing:
                self._shut(sock)

    def close(self, port):
        with self.lock:
            self.closing.add(port)
            if port in self.socks:
                self._shut(self.socks[port])

    def forget(self, port):
        with self.lock:
            self.socks.pop(port, None)
            self.closing.discard(port)

    @staticmethod
    def _shut(sock):
        try:        # the socket's own, not SSLSocket's, which drops its TLS state
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except (OSError, ValueError, AttributeError):
            pass


def serve(a, ls, out, conns=None):
    """Accept one connection on ls and play mode a.mode; results to out.
    A "!close" that comes before the client does shuts the listener down,
    which ends the accept at once (EINVAL) instead of after its timeout."""
    with ls:
        if conns:
            conns.add(a.port, ls)
        conn, _ = ls.accept()
    try:
        play_conn(a, conn, out, lambda sock: conns and conns.add(a.port, sock))
    finally:
        if conns:
            conns.forget(a.port)


def play_conn(a, conn, out, register):
    def say(text):
        print(text, file=out, flush=True)

    conn.settimeout(60)
    register(conn)

    if a.mode == "straddle":
        conn.sendall(straddle_reply(conn.recv(4096)))
        try:
            conn.recv(4096)
        except OSError:
            pass
        conn.close()
        say(a.mode)
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
        say(a.mode)
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
    # wrap_socket moves conn's fd into the SSLSocket: "!close" must find
    # that one before the handshake starts.
    tls = ctx.wrap_socket(conn, server_side=True, suppress_ragged_eofs=False,
                          do_handshake_on_connect=False)
    with tls:
        register(tls)
        try:
            tls.do_handshake()
        except (ssl.SSLError, OSError, ValueError) as e:
            say("handshake-failed %s" % e)
            return
        play(a, tls, say)


def play(a, tls, say):
    if a.mode == "sink":
        h, n, notify = hashlib.sha256(), 0, "yes"
        try:
            for d in received(tls):
                h.update(d)
                n += len(d)
        except ssl.SSLEOFError:
            notify = "no"
        say("bytes=%d sha256=%s close_notify=%s" % (n, h.hexdigest(), notify))
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
        say("sent=%d" % n)
    elif a.mode == "echo":
        n = 0
        try:
            for d in received(tls):
                tls.sendall(d)
                n += len(d)
            tls.unwrap()
        except (ssl.SSLError, OSError) as e:
            say("echo-error %s" % e)
        say("echoed=%d" % n)
    elif a.mode == "hold":
        tls.sendall(b"x" * a.count)
        try:
            while tls.recv(1 << 16):
                pass
        except (ssl.SSLError, OSError):
            pass
        say("held")


def daemon(ctl, reply):
    lock, conns = threading.Lock(), Conns()
    rep = open(reply, "w", buffering=1)

    def answer(text):
        with lock:
            rep.write(text + "\n")

    def run(a, ls, path):
        try:
            with open(path, "w", buffering=1) as out:
                try:
                    serve(a, ls, out, conns)
                except Exception as e:      # the test reads the reason
                    print("error %s: %s" % (type(e).__name__, e), file=out)
        finally:
            answer("DONE %d" % a.port)

    answer("HELLO")
    for line in open(ctl):
        f = line.rstrip("\n").split("\t")
        if f[0] == "!close":
            if len(f) == 2 and f[1].isdigit():
                conns.close(int(f[1]))
            continue
        port = f[f.index("--port") + 1] if "--port" in f[:-1] else "?"
        try:
            a = parser().parse_args(f[1:])
            ls = listen(a)
        except (SystemExit, OSError, ValueError) as e:
            answer("FAILED %s %s" % (port, e))
            continue
        threading.Thread(target=run, args=(a, ls, f[0]), daemon=True).start()
        answer("READY %d" % a.port)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "daemon":
        daemon(sys.argv[2], sys.argv[3])
        return 0
    a = parser().parse_args()
    ls = listen(a)
    print("READY", flush=True)
    serve(a, ls, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
