#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host-only tests of the ssa package's Python side: no kernel module,
no network (loopback TCP only).  The package against the kernel is
selftests/ssa_python.sh's job.

  python3 bindings/python/test_host.py
"""
import errno
import http.client
import os
import socket
import subprocess
import sys
import threading
import unittest
import urllib.request
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ssa  # noqa: E402


class FakeSock:
    """What create_connection() does to a socket, and a scripted connect()."""

    def __init__(self, af, log, outcome):
        self.af, self.log, self.outcome = af, log, outcome
        self.closed = False

    def __getattr__(self, name):        # set_*, load_cert_chain, settimeout, bind
        return lambda *a: self.log.append((name,) + a)

    def connect(self, sa):
        self.log.append(("connect", sa))
        if self.outcome:
            raise self.outcome

    def close(self):
        self.closed = True


class CreateConnection(unittest.TestCase):
    def run_cc(self, outcomes, host="h.example", **kw):
        addrs = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", 443, 0, 0)),
                 (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 443))]
        log, socks = [], []

        def make(af):
            socks.append(FakeSock(af, log, outcomes[len(socks)]))
            return socks[-1]
        with mock.patch.object(ssa._socket, "getaddrinfo", return_value=addrs[:len(outcomes)]), \
                mock.patch.object(ssa, "socket", make):
            try:
                return ssa.create_connection((host, 443), **kw), log, socks
            except BaseException as e:
                return e, log, socks

    def test_hostname_and_options_before_connect(self):
        got, log, _ = self.run_cc([None], cafile="/ca.pem", alpn=["h2"], timeout=5)
        self.assertIsInstance(got, FakeSock)
        names = [c[0] for c in log]
        self.assertEqual(log[0], ("set_remote_hostname", "h.example"))
        self.assertIn(("set_trusted_peer_certificates", "/ca.pem"), log)
        self.assertIn(("set_alpn", ["h2"]), log)
        self.assertEqual(names[-1], "connect")

    def test_explicit_and_no_hostname(self):
        _, log, _ = self.run_cc([None], server_hostname="other.example")
        self.assertEqual(log[0], ("set_remote_hostname", "other.example"))
        # No name: the address is what the certificate must carry, which
        # only an address the caller gave can be (not one DNS answered).
        got, log, socks = self.run_cc([None], server_hostname="")
        self.assertIsInstance(got, ValueError)
        self.assertEqual((log, socks), ([], []))
        got, log, _ = self.run_cc([None], host="127.0.0.1", server_hostname="")
        self.assertIsInstance(got, FakeSock)
        self.assertNotIn("set_remote_hostname", [c[0] for c in log])

    def test_verification_failure_wins_over_a_later_refusal(self):
        bad = ssa.SSAError(errno.EKEYREJECTED, "certificate verify failed: hostname mismatch")
        got, _, socks = self.run_cc([bad, ConnectionRefusedError(errno.ECONNREFUSED, "refused")])
        self.assertIs(got, bad)
        self.assertTrue(all(s.closed for s in socks))

    def test_last_plain_error_and_all_errors(self):
        e1, e2 = OSError(errno.ENETUNREACH, "x"), ConnectionRefusedError(errno.ECONNREFUSED, "y")
        got, _, _ = self.run_cc([e1, e2])
        self.assertIs(got, e2)
        got, _, _ = self.run_cc([e1, e2], all_errors=True)
        self.assertIsInstance(got, ExceptionGroup)
        self.assertEqual(list(got.exceptions), [e1, e2])

    def test_certfile_needs_keyfile(self):
        got, _, socks = self.run_cc([None], certfile="/c.pem")
        self.assertIsInstance(got, ValueError)
        self.assertTrue(socks[0].closed)


class Values(unittest.TestCase):
    def test_pem_or_path(self):
        pem = "-----BEGIN CERTIFICATE-----\nMII...\n"
        self.assertEqual(ssa._pem_or_path(pem), pem)
        self.assertEqual(ssa._pem_or_path("ca.pem"), os.path.join(os.getcwd(), "ca.pem"))
        self.assertEqual(ssa._pem_or_path(b"/x/ca.pem"), b"/x/ca.pem")

    def test_ssaerror(self):
        e = ssa.SSAError(errno.EKEYREJECTED, "certificate verify failed: hostname mismatch")
        self.assertIsInstance(e, OSError)
        self.assertEqual(e.errno, errno.EKEYREJECTED)
        self.assertEqual(e.tls_error, "certificate verify failed: hostname mismatch")
        self.assertIn("hostname mismatch", str(e))
        self.assertIn(os.strerror(errno.EKEYREJECTED), str(e))

    def test_ssaerror_is_the_errno_subclass_too(self):
        for err, base in ((errno.ECONNRESET, ConnectionResetError),
                          (errno.ETIMEDOUT, TimeoutError),
                          (errno.ECONNREFUSED, ConnectionRefusedError)):
            e = ssa.SSAError(err, "words")
            self.assertIsInstance(e, base)
            self.assertIsInstance(e, ssa.SSAError)
            self.assertEqual((e.errno, e.tls_error), (err, "words"))
            self.assertIn(os.strerror(err) + ": words", str(e))
        self.assertIs(type(ssa.SSAError(errno.EKEYREJECTED, "w")), ssa.SSAError)

    def test_data_path_errors_explained_only_if_tls_caused_them(self):
        # TLS_ERROR keeps an earlier failure's words: an EPIPE is TCP's.
        with socket.socket() as t:
            s = ssa.SSASocket(fileno=t.detach())
            with s, mock.patch.object(ssa.SSASocket, "tls_error", lambda self: "stale words"):
                for err, explained in ((errno.ECONNRESET, True), (errno.EPROTO, True),
                                       (errno.EPIPE, False), (errno.EAGAIN, False)):
                    with mock.patch.object(socket.socket, "send",
                                           side_effect=OSError(err, "x")):
                        with self.assertRaises(OSError) as cm:
                            s.send(b"x")
                    self.assertEqual(isinstance(cm.exception, ssa.SSAError), explained, err)
                    self.assertEqual(cm.exception.errno, err)

    def test_text_and_names(self):
        self.assertEqual(ssa._text(b"CN=x\0junk"), "CN=x")
        self.assertEqual(ssa._names(b"x25519:secp256r1\0"), ["x25519", "secp256r1"])
        self.assertEqual(ssa._names(b"\0"), [])

    def test_on_a_plain_tcp_socket(self):
        # Level IPPROTO_TLS is unknown to TCP: the plain errno comes
        # through (reading TLS_ERROR fails too), and value checks come first.
        with socket.socket() as t:
            s = ssa.SSASocket(fileno=t.detach())
            with s:
                with self.assertRaises(OSError) as cm:
                    s.set_remote_hostname("localhost")
                self.assertNotIsInstance(cm.exception, ssa.SSAError)
                self.assertEqual(cm.exception.errno, errno.ENOPROTOOPT)
                with self.assertRaises(OSError):
                    s.remote_hostname()
                self.assertRaises(ValueError, s.set_remote_hostname, "a\0b")
                self.assertRaises(ValueError, s.set_alpn, ["h2", "a,b"])
                self.assertEqual(s.proto, ssa.IPPROTO_TLS)

    def test_option_values_as_the_kernel_reads_them(self):
        # An int is a native int (its zero bytes are no NUL to refuse);
        # a string goes as its bytes.
        sent = []
        with socket.socket() as t:
            s = ssa.SSASocket(fileno=t.detach())
            with s, mock.patch.object(socket.socket, "setsockopt",
                                      lambda self, *a: sent.append(a)):
                s.set_version_min(ssa.TLS_VERSION_1_3)
                s.set_request_peer_auth(ssa.TLS_PEER_AUTH_NONE)
                s.set_remote_hostname("localhost")
        self.assertEqual(sent, [
            (ssa.IPPROTO_TLS, ssa.TLS_VERSION_MIN, (0x0304).to_bytes(4, sys.byteorder)),
            (ssa.IPPROTO_TLS, ssa.TLS_REQUEST_PEER_AUTH, bytes(4)),
            (ssa.IPPROTO_TLS, ssa.TLS_REMOTE_HOSTNAME, b"localhost")])

    def test_without_the_ssl_module(self):
        code = ("import sys; sys.modules['ssl'] = None\n"
                "import http.client, urllib.request, ssa\n"
                "assert not hasattr(http.client, 'HTTPSConnection')\n"
                "o = ssa.build_opener()\n"
                "assert any(isinstance(h, ssa.HTTPSHandler) for h in o.handlers)\n"
                "print('ok')\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=dict(os.environ, PYTHONPATH=HERE))
        self.assertEqual(out.stdout, "ok\n", out.stderr)


class HTTP(unittest.TestCase):
    """HTTPSConnection and urllib over a plain loopback TCP connection
    standing in for create_connection()'s."""

    BODY = b"hello over ssa\n"

    def setUp(self):
        self.lsock = socket.create_server(("127.0.0.1", 0))
        self.calls = []
        self.server = threading.Thread(target=self.serve, daemon=True)
        self.server.start()

    def tearDown(self):
        if self.server.is_alive():      # nobody came: wake its accept()
            socket.create_connection(self.lsock.getsockname()).close()
        self.server.join(5)
        self.lsock.close()

    def serve(self):
        try:
            c, _ = self.lsock.accept()
        except OSError:
            return
        with c:
            req = b""
            while b"\r\n\r\n" not in req:
                d = c.recv(4096)
                if not d:
                    return
                req += d
            self.request = req
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                      % (len(self.BODY), self.BODY))

    def fake_cc(self, address, timeout=None, source_address=None, **kw):
        self.calls.append((address, kw))
        return socket.create_connection(self.lsock.getsockname())

    def test_https_connection(self):
        with mock.patch.object(ssa, "create_connection", self.fake_cc):
            c = ssa.HTTPSConnection("www.example", cafile="/ca.pem")
            c.request("GET", "/x")
            r = c.getresponse()
            self.assertEqual((r.status, r.read()), (200, self.BODY))
            c.close()
        (address, kw), = self.calls
        self.assertEqual(address, ("www.example", 443))
        self.assertEqual(kw["server_hostname"], "www.example")
        self.assertEqual(kw["cafile"], "/ca.pem")
        self.assertEqual(tuple(kw["alpn"]), ("http/1.1",))
        self.assertIn(b"Host: www.example\r\n", self.request)
        self.assertRaises(http.client.HTTPException, c.set_tunnel, "x")

    def test_urllib_through_ssa_ignoring_an_https_proxy(self):
        with mock.patch.object(ssa, "create_connection", self.fake_cc), \
                mock.patch.dict(os.environ, {"https_proxy": "http://proxy.invalid:3128"}):
            opener = ssa.build_opener(cafile="/ca.pem")
            self.assertFalse(any(type(h) is urllib.request.HTTPSHandler
                                 for h in opener.handlers))
            with opener.open("https://www.example:8443/page", timeout=10) as r:
                self.assertEqual(r.read(), self.BODY)
        (address, kw), = self.calls
        self.assertEqual(address, ("www.example", 8443))
        self.assertEqual(kw["cafile"], "/ca.pem")

if __name__ == "__main__":
    unittest.main(verbosity=2)
