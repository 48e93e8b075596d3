#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A TLS 1.3 peer that says exactly what a test tells it to, for the
conformance tests (selftests/ssa_alerts.sh).  It runs the whole key
schedule (RFC 8446 section 7) itself, so it can break one thing at a
time, and it reads the answer under every key the peer could have used.

  tls13_peer.py client --port P CASE[,CASE...] [--sni NAME] [--cert C --key K]
  tls13_peer.py server --port P CASE[,CASE...] --cert C --key K

The client connects to an SSA server, once per CASE; the server serves
one SSA client per CASE, in turn (it prints READY once listening).
Either prints one line of JSON per CASE:
  {"case": ..., "alert": "decrypt_error" | null, "key": "plaintext" |
   "handshake" | "application" | "none" | "undecryptable",
   "close": "fin" | "rst" | "open", "done": true|false, ...}
"done" says the handshake completed and application data crossed.
CASE names are listed by --list.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import struct
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
          22: "record_overflow", 40: "handshake_failure", 42: "bad_certificate",
          43: "unsupported_certificate", 44: "certificate_revoked",
          45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter",
          48: "unknown_ca", 49: "access_denied", 50: "decode_error", 51: "decrypt_error",
          70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
          86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension",
          110: "unsupported_extension", 112: "unrecognized_name",
          113: "bad_certificate_status_response", 115: "unknown_psk_identity",
          116: "certificate_required", 120: "no_application_protocol"}

X25519, P256, FFDHE2048, MLKEM768 = 0x001d, 0x0017, 0x0100, 0x11ec
GREASE = 0x0a0a
SUITES = {0x1301: ("sha256", 16, AESGCM), 0x1302: ("sha384", 32, AESGCM),
          0x1303: ("sha256", 32, ChaCha20Poly1305)}
SIGALGS = [0x0403, 0x0503, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501]


def u8(n):
    return struct.pack("!B", n)


def u16(n):
    return struct.pack("!H", n)


def u24(n):
    return struct.pack("!I", n)[1:]


def vec(n, body):
    return {1: u8, 2: u16, 3: u24}[n](len(body)) + body


def ext(etype, body):
    return u16(etype) + vec(2, body)


def hs(htype, body):
    return u8(htype) + vec(3, body)


def record(ctype, body, version=0x0303):
    return u8(ctype) + u16(version) + vec(2, body)


# --- the key schedule (RFC 8446 7.1) ---------------------------------------

def hkdf_extract(h, salt, ikm):
    return hmac.new(salt or bytes(hashlib.new(h).digest_size), ikm, h).digest()


def hkdf_expand_label(h, secret, label, context, length):
    info = u16(length) + vec(1, b"tls13 " + label) + vec(1, context)
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(secret, t + info + u8(i), h).digest()
        out, i = out + t, i + 1
    return out[:length]


class Keys:
    """One direction's traffic key, IV and record counter."""

    def __init__(self, suite, secret):
        h, klen, aead = SUITES[suite]
        self.aead = aead(hkdf_expand_label(h, secret, b"key", b"", klen))
        self.iv = hkdf_expand_label(h, secret, b"iv", b"", 12)
        self.seq = 0
        self.secret = secret

    def nonce(self):
        n = bytes(4) + struct.pack("!Q", self.seq)
        return bytes(a ^ b for a, b in zip(self.iv, n))

    def seal(self, ctype, body):
        inner = body + u8(ctype)
        hdr = u8(23) + u16(0x0303) + u16(len(inner) + 16)
        ct = self.aead.encrypt(self.nonce(), inner, hdr)
        self.seq += 1
        return hdr + ct

    def open(self, hdr, ct, seq=None):
        n = self.seq if seq is None else seq
        iv = bytes(a ^ b for a, b in zip(self.iv, bytes(4) + struct.pack("!Q", n)))
        inner = self.aead.decrypt(iv, ct, hdr)
        inner = inner.rstrip(b"\0")
        if seq is None:
            self.seq += 1
        return inner[-1], inner[:-1]


class Schedule:
    def __init__(self, suite):
        self.suite = suite
        self.h = SUITES[suite][0]
        self.transcript = b""

    def th(self):
        return hashlib.new(self.h, self.transcript).digest()

    def derive(self, secret, label, context=None):
        hlen = hashlib.new(self.h).digest_size
        ctx = self.th() if context is None else context
        return hkdf_expand_label(self.h, secret, label, ctx, hlen)

    def handshake(self, shared):
        empty = hashlib.new(self.h).digest()
        early = hkdf_extract(self.h, None, bytes(hashlib.new(self.h).digest_size))
        self.hs_secret = hkdf_extract(self.h, self.derive(early, b"derived", empty), shared)
        self.c_hs = self.derive(self.hs_secret, b"c hs traffic")
        self.s_hs = self.derive(self.hs_secret, b"s hs traffic")

    def application(self):
        empty = hashlib.new(self.h).digest()
        hlen = hashlib.new(self.h).digest_size
        master = hkdf_extract(self.h, self.derive(self.hs_secret, b"derived", empty),
                              bytes(hlen))
        self.c_ap = self.derive(master, b"c ap traffic")
        self.s_ap = self.derive(master, b"s ap traffic")

    def finished(self, base):
        hlen = hashlib.new(self.h).digest_size
        fk = hkdf_expand_label(self.h, base, b"finished", b"", hlen)
        return hmac.new(fk, self.th(), self.h).digest()

    def restart(self):
        """After a HelloRetryRequest: ClientHello1 becomes message_hash."""
        self.transcript = hs(254, hashlib.new(self.h, self.transcript).digest())


# --- records and handshake messages -----------------------------------------

class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.hsbuf = b""
        self.rx = None      # Keys for reading, or None for plaintext
        self.tx = None

    def recv_exact(self, n):
        while len(self.buf) < n:
            d = self.sock.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def raw_record(self):
        hdr = self.recv_exact(5)
        body = self.recv_exact(struct.unpack("!H", hdr[3:5])[0])
        return hdr, body

    def record(self):
        """(content type, body), decrypted where keys are in place."""
        while True:
            hdr, body = self.raw_record()
            if hdr[0] == 20:
                continue        # middlebox-compatibility ChangeCipherSpec
            self.plain = not (self.rx and hdr[0] == 23)
            if not self.plain:
                return self.rx.open(hdr, body)
            return hdr[0], body

    def message(self):
        """The next handshake message (type, whole message)."""
        while True:
            if len(self.hsbuf) >= 4:
                n = struct.unpack("!I", b"\0" + self.hsbuf[1:4])[0]
                if len(self.hsbuf) >= 4 + n:
                    m, self.hsbuf = self.hsbuf[:4 + n], self.hsbuf[4 + n:]
                    return m[0], m
            ctype, body = self.record()
            if ctype == 21:
                raise PeerAlert(body)
            if ctype != 22:
                raise ValueError(f"content type {ctype} during the handshake")
            self.hsbuf += body

    def send(self, ctype, body, cuts=()):
        """Send body in as many records as 16 KiB allows, and a record
        boundary at each offset in cuts as well."""
        out, i = b"", 0
        ends = sorted(set(c for c in cuts if 0 < c < len(body)))
        while i < max(len(body), 1):
            j = min([c for c in ends if c > i] + [i + 16384])
            chunk = body[i:j]
            out += self.tx.seal(ctype, chunk) if self.tx else record(ctype, chunk)
            i = j
        self.sock.sendall(out)


class PeerAlert(Exception):
    pass


def alert_name(body):
    if len(body) != 2:
        return f"malformed({body.hex()})"
    return ALERTS.get(body[1], str(body[1]))


def parse_exts(data):
    out = {}
    while len(data) >= 4:
        t, n = struct.unpack("!HH", data[:4])
        out[t] = data[4:4 + n]
        data = data[4 + n:]
    return out


class Share:
    def __init__(self, group):
        self.group = group
        if group == X25519:
            self.priv = x25519.X25519PrivateKey.generate()
            self.pub = self.priv.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        else:
            self.priv = ec.generate_private_key(ec.SECP256R1())
            self.pub = self.priv.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    def shared(self, peer):
        if self.group == X25519:
            return self.priv.exchange(x25519.X25519PublicKey.from_public_bytes(peer))
        pk = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), peer)
        return self.priv.exchange(ec.ECDH(), pk)


# --- what each answer was ---------------------------------------------------

def classify(conn, keys, timeout=20):
    """Read what the peer sends after our last flight: the first alert,
    under which of `keys` (name -> Keys) it decrypted, and how the
    connection ended."""
    conn.sock.settimeout(timeout)
    res = {"alert": None, "key": "none", "close": "open", "records": []}
    try:
        while True:
            hdr, body = conn.raw_record()
            if hdr[0] == 20:
                continue
            if hdr[0] == 21:
                res["records"].append("alert/plaintext")
                if res["alert"] is None:
                    res["alert"], res["key"] = alert_name(body), "plaintext"
                continue
            if hdr[0] != 23:
                res["records"].append(f"type{hdr[0]}/plaintext")
                continue
            for name, k in keys.items():
                try:
                    ctype, inner = k.open(hdr, body)
                except Exception:
                    continue
                res["records"].append(f"type{ctype}/{name}")
                if ctype == 21 and res["alert"] is None:
                    res["alert"], res["key"] = alert_name(inner), name
                break
            else:
                res["records"].append("undecryptable")
                if res["alert"] is None:
                    res["key"] = "undecryptable"
    except EOFError:
        res["close"] = "fin"
    except ConnectionResetError:
        res["close"] = "rst"
    except socket.timeout:
        res["close"] = "open"
    return res


# --- the client ---------------------------------------------------------------

CLIENT_CASES = {
    "ok": "a correct handshake, then application data both ways",
    "finished-bitflip": "Finished with one bit of verify_data flipped",
    "finished-stray-after": "a stray byte after Finished in its record",
    "finished-stray-before": "a stray byte before Finished in its record",
    "finished-short": "Finished one byte short, its length saying so",
    "finished-length-lies": "Finished whose header claims one byte more",
    "unexpected-message": "a NewSessionTicket from the client for its Finished",
    "appdata-before-finished": "application data under the handshake key",
    "cert-unrequested": "an empty Certificate the server never asked for",
    "client-alert": "a plaintext bad_certificate for the server's flight",
    "no-cert": "an empty Certificate to a server that requires one",
    "bad-cert-verify": "a client certificate with a forged CertificateVerify",
    "groups-unsupported": "supported_groups ffdhe2048 and unknown code points only",
    "groups-hrr": "a key share only for an unknown group, x25519 listed",
    "groups-grease": "GREASE and unknown groups and shares beside x25519",
    "share-bad-length": "an x25519 key share of 31 bytes",
    "share-unlisted": "a key share for a group not in supported_groups",
    "no-common-suite": "TLS 1.3 with suites we do not have",
    "no-common-version": "supported_versions with unknown versions only",
    "tls12-cbc-only": "a TLS 1.2 ClientHello with CBC suites only",
    "tls12-rsa-kx-only": "a TLS 1.2 ClientHello with static-RSA suites only",
    "tls12-grease": "TLS 1.2 with GREASE and unknown groups and suites beside good ones",
    "ext-lying-length": "an extension whose length runs past the block",
    "ext-duplicate": "supported_groups twice",
    "record-overflow": "a ClientHello in a record of 2^14 + 256 bytes",
    "hello-28k": "a 28 KiB ClientHello (a post-quantum share, many extensions)",
    "hello-60k": "a 60 KiB ClientHello",
    "hello-100k": "a 100 KiB ClientHello",
    "ok-split": "ClientHello's header over three records, Finished's over two",
    "hello-60k-split": "a 60 KiB ClientHello whose header is split 3 + 1",
    "empty-hs-record": "an empty handshake record before Finished",
}


# Cases that must end in a working connection.
POSITIVE = ("ok", "groups-hrr", "groups-grease", "share-unlisted", "hello-28k", "hello-60k",
            "ok-split", "hello-60k-split")


def client_hello(args, rnd, sid, shares, groups, suites=(0x1301, 0x1302, 0x1303),
                 versions=(0x0304,), extra=b"", lie=False, dup=False, pad_to=0,
                 share_bytes=None):
    e = b""
    if args.sni:
        name = args.sni.encode()
        e += ext(0, vec(2, u8(0) + vec(2, name)))
    e += ext(10, vec(2, b"".join(u16(g) for g in groups)))
    if dup:
        e += ext(10, vec(2, b"".join(u16(g) for g in groups)))
    e += ext(13, vec(2, b"".join(u16(s) for s in SIGALGS)))
    if versions:
        e += ext(43, vec(1, b"".join(u16(v) for v in versions)))
    if share_bytes is None:
        share_bytes = b"".join(u16(g) + vec(2, pub) for g, pub in shares)
    if versions:
        e += ext(51, vec(2, share_bytes))
    e += extra
    if lie:
        e += u16(0xff01) + u16(200) + b"\0" * 10
    suites = list(suites)
    if pad_to > 60000:
        # the extensions block holds 64 KiB at most: the rest goes into
        # unknown cipher suites, which a server ignores (RFC 8446 4.1.2)
        suites += [0xfe00 + i % 256 for i in range((pad_to - 60000) // 2)]
    body = u16(0x0303) + rnd + vec(1, sid) + vec(2, b"".join(u16(s) for s in suites)) + \
        vec(1, b"\0")
    if pad_to:
        # unknown extensions of 1 KiB each: a server ignores them (RFC 8446 4.2)
        need = pad_to - len(body) - len(e) - 6
        i = 0
        while need > 4:
            n = min(1024, need - 4)
            e += ext(0xfe00 + i, os.urandom(n))
            need -= n + 4
            i += 1
    return hs(1, body + vec(2, e))


def run_client(args):
    with socket.create_connection(("127.0.0.1", args.port), timeout=20) as sock:
        return hello(args, sock)


def hello(args, sock):
    case = args.case
    conn = Conn(sock)
    rnd, sid = os.urandom(32), os.urandom(32)
    x = Share(X25519)
    groups, shares = [X25519, P256], [(X25519, x.pub)]
    kw = {}
    mine = {X25519: x}
    if case == "groups-unsupported":
        groups, shares = [FFDHE2048, 0x1234, GREASE], [(0x1234, os.urandom(32))]
    elif case == "groups-hrr":
        groups, shares = [0x1234, GREASE, X25519], [(0x1234, os.urandom(32))]
    elif case == "groups-grease":
        groups = [GREASE, 0x1234, MLKEM768, X25519]
        shares = [(GREASE, b"\0"), (0x1234, os.urandom(65)), (X25519, x.pub)]
    elif case == "share-bad-length":
        shares = [(X25519, x.pub[:31])]
    elif case == "share-unlisted":
        groups = [P256]
    elif case == "no-common-suite":
        kw["suites"] = (0x1305, 0x13ff)
    elif case == "no-common-version":
        kw["versions"] = (0x0305, 0x7f1c)
    elif case == "tls12-cbc-only":
        kw["versions"] = ()
        kw["suites"] = (0xc009, 0xc013, 0xc023, 0xc027, 0x002f, 0x0035)
    elif case == "tls12-grease":
        kw["versions"] = ()
        kw["suites"] = (0x0a0a, 0x1a1a, 0xc02b, 0xc02f)
        groups = [GREASE, 0x1234, X25519, P256]
    elif case == "tls12-rsa-kx-only":
        kw["versions"] = ()
        kw["suites"] = (0x009c, 0x009d, 0x003c, 0x002f)
    elif case == "ext-lying-length":
        kw["lie"] = True
    elif case == "ext-duplicate":
        kw["dup"] = True
    elif case.startswith("hello-"):
        kw["pad_to"] = int(case[6:].split("k")[0]) * 1024
        # a post-quantum-sized share for a group we do not have, listed first
        groups = [MLKEM768, X25519, P256]
        shares = [(MLKEM768, os.urandom(1216)), (X25519, x.pub)]
    ch = client_hello(args, rnd, sid, shares, groups, **kw)
    if case == "record-overflow":
        # longer than any plaintext record may be (RFC 8446 5.1)
        sock.sendall(record(22, ch + bytes(16384 + 256 - len(ch))))
    else:
        conn.send(22, ch, {"ok-split": (1, 3), "hello-60k-split": (3,)}.get(case, ()))
    res = {"case": case, "done": False, "hello_bytes": len(ch)}

    try:
        t, sh = conn.message()
    except PeerAlert as a:
        res.update(alert=alert_name(a.args[0]), key="plaintext")
        res.update({k: v for k, v in classify(conn, {}).items() if k == "close"})
        return res
    except EOFError:
        res.update(alert=None, key="none", close="fin")
        return res
    except ConnectionResetError:
        res.update(alert=None, key="none", close="rst")
        return res
    if t != 2:
        res["error"] = f"first message type {t}"
        return res
    suite, exts = parse_sh(sh)
    res["suite"] = f"0x{suite:04x}"
    if 43 not in exts:
        res["version"] = "TLSv1.2"
        res.update(classify(conn, {}, timeout=5))
        return res
    sched = Schedule(suite)
    sched.transcript = ch
    hrr = sh[6:38] == hashlib.sha256(b"HelloRetryRequest").digest()
    if hrr:
        want = struct.unpack("!H", exts[51][:2])[0]
        res["hrr_group"] = f"0x{want:04x}"
        sched.restart()
        sched.transcript += sh
        if want not in groups:
            res["error"] = "HelloRetryRequest for a group the ClientHello did not list"
            return res
        if want not in (X25519, P256):
            res["error"] = "HelloRetryRequest for a group this peer does not implement"
            return res
        mine[want] = mine.get(want) or Share(want)
        ch = client_hello(args, rnd, sid, [(want, mine[want].pub)], groups, **kw)
        conn.send(22, ch)
        sched.transcript += ch
        try:
            t, sh = conn.message()
        except PeerAlert as a:
            res.update(alert=alert_name(a.args[0]), key="plaintext")
            return res
        suite, exts = parse_sh(sh)
    sched.transcript += sh
    group = struct.unpack("!H", exts[51][:2])[0]
    peer = exts[51][4:]
    sched.handshake(mine[group].shared(peer))
    conn.rx = Keys(suite, sched.s_hs)
    c_hs = Keys(suite, sched.c_hs)
    cert_req = False
    while True:
        try:
            t, m = conn.message()
        except PeerAlert as a:
            res.update(alert=alert_name(a.args[0]),
                       key="plaintext" if conn.plain else "handshake")
            return res
        except (EOFError, ConnectionResetError) as e:
            res.update(alert=None, key="none",
                       close="fin" if isinstance(e, EOFError) else "rst")
            return res
        if t == 20:
            if m[4:] != sched.finished(sched.s_hs):
                res["error"] = "the server's Finished does not verify"
                return res
            sched.transcript += m
            break
        if t == 13:
            cert_req = True
            req_ctx = m[5:5 + m[4]]
        sched.transcript += m
    s_hs_seq = conn.rx.seq
    sched.application()
    s_ap = Keys(suite, sched.s_ap)
    conn.tx = c_hs
    res["cert_request"] = cert_req

    fin_th_transcript = sched.transcript
    flight = []             # (content type, body) records of our second flight
    if cert_req and case not in ("no-cert", "bad-cert-verify"):
        flight.append(hs(11, vec(1, req_ctx) + vec(3, b"")))
    if case == "cert-unrequested" or case == "no-cert":
        flight.append(hs(11, vec(1, b"") + vec(3, b"")))
    if case == "bad-cert-verify":
        der = load_cert(args.cert)
        flight.append(hs(11, vec(1, req_ctx) + vec(3, vec(3, der) + vec(2, b""))))
    for m in flight:
        sched.transcript += m
    if case == "bad-cert-verify":
        sig = sign(args.key, b"\x20" * 64 + b"TLS 1.3, client CertificateVerify\0" +
                   sched.th())
        sig = sig[:-8] + bytes(b ^ 0x5a for b in sig[-8:])
        m = hs(15, u16(0x0403) + vec(2, sig))
        flight.append(m)
        sched.transcript += m
    fin = sched.finished(sched.c_hs)
    fmsg = hs(20, fin)
    recs = [(22, m) for m in flight]
    if case == "finished-bitflip":
        recs.append((22, hs(20, bytes([fin[0] ^ 0x01]) + fin[1:])))
    elif case == "finished-stray-after":
        recs.append((22, fmsg + b"\x00"))
    elif case == "finished-stray-before":
        recs.append((22, b"\x14" + fmsg))
    elif case == "finished-short":
        recs.append((22, hs(20, fin[:-1])))
    elif case == "finished-length-lies":
        recs.append((22, u8(20) + u24(len(fin) + 1) + fin))
    elif case == "unexpected-message":
        recs.append((22, hs(4, struct.pack("!II", 60, 0) + vec(1, b"") + vec(2, b"x") +
                           vec(2, b""))))
    elif case == "appdata-before-finished":
        recs.append((23, b"GET / HTTP/1.0\r\n\r\n"))
    elif case == "client-alert":
        # RFC 8446 A.1: no send key yet, so the alert goes in plaintext
        sock.sendall(record(21, b"\x02\x2a"))
    elif case == "empty-hs-record":
        recs += [(22, b""), (22, fmsg)]
    else:
        recs.append((22, fmsg))
    for ctype, body in recs:
        conn.send(ctype, body, (2,) if case == "ok-split" and body[:1] == b"\x14" else ())
    sched.transcript = fin_th_transcript
    keys = {"application": s_ap, "handshake": Keys(suite, sched.s_hs)}
    keys["handshake"].seq = s_hs_seq
    if case in POSITIVE:
        conn.tx = Keys(suite, sched.c_ap)
        conn.send(23, b"ping\n")
        conn.rx = s_ap
        sock.settimeout(20)
        res["done"] = len(read_app(conn, res, lambda got: len(got) >= 5)) >= 5
        res["key"] = "application"
        conn.send(21, b"\x01\x00")
        return res
    res.update(classify(conn, keys))
    return res


def read_app(conn, res, enough):
    """Application data until enough(data) holds, an alert (noted in
    res) or the end; returns the data."""
    got = b""
    try:
        while not enough(got):
            ctype, body = conn.record()
            if ctype == 23:
                got += body
            elif ctype == 21:
                res["alert"] = alert_name(body)
                break
    except (EOFError, ConnectionResetError, socket.timeout) as e:
        res["error"] = type(e).__name__
    return got


def parse_sh(sh):
    body = sh[4:]
    p = 2 + 32
    p += 1 + body[p]
    suite = struct.unpack("!H", body[p:p + 2])[0]
    p += 3
    if len(body) < p + 2:
        return suite, {}         # TLS 1.2 without extensions
    n = struct.unpack("!H", body[p:p + 2])[0]
    return suite, parse_exts(body[p + 2:p + 2 + n])


def load_chain(path):
    """The DER certificates of a PEM file, in order."""
    out = []
    with open(path) as f:
        for block in f.read().split("-----BEGIN CERTIFICATE-----")[1:]:
            b64 = block.split("-----END CERTIFICATE-----")[0]
            out.append(base64.b64decode("".join(b64.split())))
    return out


def load_cert(path):
    return load_chain(path)[0]


def load_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), None)


def sign(path, data):
    key = load_key(path)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


# --- the server ---------------------------------------------------------------

SERVER_CASES = {
    "ok": "a correct handshake, then application data both ways",
    "ok-packed": "the same, Certificate to Finished packed in full records",
    "ok-split": "the same, each message's header split after 1, 2 or 3 bytes",
    "ok-half-close": "the same, then close_notify, and the FIN only 5 s later",
    "finished-bitflip": "the server's Finished with one bit flipped",
    "bad-cert-verify": "a CertificateVerify that does not verify",
    "unexpected-message": "a NewSessionTicket where Certificate belongs",
    "suite-not-offered": "a ServerHello choosing a suite the client did not offer",
    "group-not-offered": "a ServerHello share for a group the client did not offer",
    "version-not-offered": "supported_versions 0x0305 in the ServerHello",
    "hrr-not-offered": "a HelloRetryRequest for a group the client did not list",
    "ee-bad-extension": "EncryptedExtensions with supported_versions in it",
    "empty-cert": "a Certificate with no certificate in it",
    "finished-stray-after": "a stray byte after the server's Finished in its record",
}


def listener(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(1)
    print("READY", flush=True)
    ls.settimeout(60)
    return ls


def run_server(args, ls):
    sock, _ = ls.accept()
    with sock:      # closed before the next case's accept()
        return serve(args, sock)


def serve(args, sock):
    sock.settimeout(20)
    conn = Conn(sock)
    case = args.case
    res = {"case": case, "done": False}
    t, ch = conn.message()
    body = ch[4:]
    p = 2 + 32
    sid = body[p + 1:p + 1 + body[p]]
    p += 1 + body[p]
    n = struct.unpack("!H", body[p:p + 2])[0]
    offered = [struct.unpack("!H", body[p + 2 + i:p + 4 + i])[0] for i in range(0, n, 2)]
    p += 2 + n
    p += 1 + body[p]
    exts = parse_exts(body[p + 2:])
    suite = 0x1301 if 0x1301 in offered else offered[0]
    shares, q = {}, 2
    while q < len(exts.get(51, b"")):
        g, ln = struct.unpack("!HH", exts[51][q:q + 4])
        shares[g] = exts[51][q + 4:q + 4 + ln]
        q += 4 + ln
    sched = Schedule(suite)
    sched.transcript = ch
    if case == "hrr-not-offered":
        hrr_exts = ext(43, u16(0x0304)) + ext(51, u16(0x0100))
        hrr = hs(2, u16(0x0303) + hashlib.sha256(b"HelloRetryRequest").digest() +
                 vec(1, sid) + u16(suite) + b"\0" + vec(2, hrr_exts))
        conn.send(22, hrr)
        res.update(classify(conn, {}))
        return res
    group = X25519 if X25519 in shares else P256
    me = Share(group)
    sv = 0x0305 if case == "version-not-offered" else 0x0304
    sgroup = 0x001e if case == "group-not-offered" else group
    ssuite = 0x1305 if case == "suite-not-offered" else suite
    sh = hs(2, u16(0x0303) + os.urandom(32) + vec(1, sid) + u16(ssuite) + b"\0" +
            vec(2, ext(43, u16(sv)) + ext(51, u16(sgroup) + vec(2, me.pub))))
    conn.send(22, sh)
    if case in ("suite-not-offered", "group-not-offered", "version-not-offered"):
        res.update(classify(conn, {}))
        return res
    sched.transcript += sh
    sched.handshake(me.shared(shares[group]))
    conn.tx = Keys(suite, sched.s_hs)
    c_hs = Keys(suite, sched.c_hs)
    ee_ext = ext(43, u16(0x0304)) if case == "ee-bad-extension" else b""
    msgs = [hs(8, vec(2, ee_ext))]
    if case == "unexpected-message":
        msgs.append(hs(4, struct.pack("!II", 60, 0) + vec(1, b"") + vec(2, b"x") + vec(2, b"")))
    chain = [] if case == "empty-cert" else load_chain(args.cert)
    msgs.append(hs(11, vec(1, b"") + vec(3, b"".join(vec(3, c) + vec(2, b"") for c in chain))))
    for m in msgs:
        sched.transcript += m
    sig = sign(args.key, b"\x20" * 64 + b"TLS 1.3, server CertificateVerify\0" + sched.th())
    if case == "bad-cert-verify":
        sig = sig[:-8] + bytes(b ^ 0x5a for b in sig[-8:])
    key = load_key(args.key)
    alg = 0x0804 if isinstance(key, rsa.RSAPrivateKey) else 0x0403
    cv = hs(15, u16(alg) + vec(2, sig))
    msgs.append(cv)
    sched.transcript += cv
    fin = sched.finished(sched.s_hs)
    if case == "finished-bitflip":
        fin = bytes([fin[0] ^ 1]) + fin[1:]
    fm = hs(20, fin)
    msgs.append(fm)
    sched.transcript += fm
    if case == "ok-packed":
        conn.send(22, msgs.pop(0))      # EncryptedExtensions on its own
    flight = b"".join(msgs)
    if case == "finished-stray-after":
        flight += b"\x0b"
    cuts, at = [], 0
    for k, m in enumerate(msgs):
        if case == "ok-split":
            cuts.append(at + 1 + k % 3)     # 1, 2 or 3 header bytes first
        at += len(m)
    conn.send(22, flight, cuts)
    sched.application()
    keys = {"handshake": c_hs, "application": Keys(suite, sched.c_ap)}
    if case not in ("ok", "ok-packed", "ok-split", "ok-half-close"):
        res.update(classify(conn, keys))
        return res
    conn.rx = c_hs
    t, m = conn.message()
    res["client_finished"] = t == 20 and m[4:] == sched.finished(sched.c_hs)
    conn.rx = Keys(suite, sched.c_ap)
    conn.tx = Keys(suite, sched.s_ap)
    conn.send(23, b"pong\n")
    got = read_app(conn, res, lambda got: b"ping" in got)
    res["done"] = res["client_finished"] and b"ping" in got
    conn.send(21, b"\x01\x00")
    if case == "ok-half-close":
        time.sleep(5)
    sock.shutdown(socket.SHUT_WR)
    return res


class Overdue(BaseException):
    """A case over its time: no handler of socket errors may take it
    (socket.timeout is TimeoutError, an OSError, since Python 3.10)."""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["client", "server"])
    ap.add_argument("case", nargs="?", default="ok",
                    help="a case, or several separated by commas: one connection each, in turn")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--sni", default="localhost")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_intermixed_args()
    cases = CLIENT_CASES if args.role == "client" else SERVER_CASES
    if args.list:
        for k, v in cases.items():
            print(f"{k}\t{v}")
        return 0
    names = args.case.split(",")
    for c in names:
        if c not in cases:
            print(json.dumps({"case": c, "error": "unknown case"}))
            return 2
    # One process for many cases: its start-up (the cryptography import)
    # costs seconds in the VM, each case a fraction of that.
    ls = listener(args.port) if args.role == "server" else None

    def overdue(signum, frame):
        raise Overdue("the case took over 90 s")
    signal.signal(signal.SIGALRM, overdue)
    for c in names:
        args.case = c
        try:
            try:
                signal.alarm(90)    # a wedged case fails alone, not the batch
                res = run_client(args) if ls is None else run_server(args, ls)
            finally:
                signal.alarm(0)
        except (Exception, Overdue) as e:   # the line must come out whatever happened
            res = {"case": c, "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
