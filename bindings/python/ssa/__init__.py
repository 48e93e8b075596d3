# SPDX-License-Identifier: GPL-2.0
"""TLS done by the kernel (tls_ssa), for Python's standard library.

A socket made with ``socket(AF_INET, SOCK_STREAM, IPPROTO_TLS)`` connects,
handshakes and verifies the server in ``connect()``; afterwards ``send``
and ``recv`` carry plaintext and the kernel encrypts.  This package wraps
that ABI (``<linux/tls_ssa.h>``, ``Documentation/ssa.rst``)::

    import ssa
    with ssa.create_connection(("example.com", 443)) as s:
        s.sendall(b"GET / HTTP/1.0\\r\\nHost: example.com\\r\\n\\r\\n")
        print(s.recv(4096))

    # http.client and urllib.request, with no ssl module involved:
    conn = ssa.HTTPSConnection("example.com")
    urllib.request.install_opener(ssa.build_opener())

Failures the kernel explains raise ``SSAError``, an ``OSError`` whose
``tls_error`` holds the kernel's words (``TLS_ERROR``).
"""
import errno as _errno
import functools
import http.client
import ipaddress
import os
import socket as _socket
import struct
import sys
import urllib.request

__version__ = "0.1.0"

# --- include/uapi/linux/tls_ssa.h -------------------------------------------
# The socket() protocol and the setsockopt() level (on the wire: TCP).
IPPROTO_TLS = 205
# Options at level IPPROTO_TLS; see the header for directions and formats.
TLS_REMOTE_HOSTNAME = 85            # set/get string, client
TLS_HOSTNAME = 86                   # get string: the SNI asked for
TLS_TRUSTED_PEER_CERTIFICATES = 87  # set path or PEM: trust anchors
TLS_CERTIFICATE_CHAIN = 88          # set path or PEM: own chain
TLS_PRIVATE_KEY = 89                # set path or PEM: key of that chain
TLS_ALPN = 90                       # set comma list / get the selected one
TLS_SESSION_TTL = 91                # set/get int seconds
TLS_DISABLE_CIPHER = 92             # set string: IANA suite name
TLS_PEER_IDENTITY = 93              # get string: peer's subject
TLS_REQUEST_PEER_AUTH = 94          # set int: TLS_PEER_AUTH_*
TLS_PEER_CERTIFICATE_CHAIN = 95     # get string: peer's chain, PEM
TLS_ID = 96                         # get u64: connection id
TLS_VERSION_MIN = 97                # set/get int: TLS_VERSION_*
TLS_VERSION_MAX = 98                # set/get int: TLS_VERSION_*
TLS_NEGOTIATED_VERSION = 99         # get int
TLS_ERROR = 100                     # get string: why the last failure
TLS_NEGOTIATED_CIPHER = 101         # get int: IANA number
TLS_CIPHERS = 102                   # set/get colon list
TLS_GROUPS = 103                    # set/get colon list
TLS_SESSION_RESUMED = 104           # get int 0/1
TLS_SSA_OPT_FIRST = TLS_REMOTE_HOSTNAME
TLS_SSA_OPT_LAST = TLS_SESSION_RESUMED
TLS_VERSION_1_2 = 0x0303
TLS_VERSION_1_3 = 0x0304
TLS_PEER_AUTH_NONE = 0
TLS_PEER_AUTH_REQUEST = 1
TLS_PEER_AUTH_REQUIRE = 2
TLS_SSA_STRING_MAX = 255

__all__ = [n for n in dir() if n.startswith(("TLS_", "IPPROTO_"))] + [
    "SSAError", "SSASocket", "socket", "create_connection", "create_server",
    "HTTPSConnection", "HTTPSHandler", "build_opener", "urlopen"]

_DEFAULT = _socket._GLOBAL_DEFAULT_TIMEOUT
# Errors that are TCP's or the caller's, never the handshake's: TLS_ERROR
# (which the kernel never clears) would not describe them.
_PLAIN = {_errno.EAGAIN, _errno.EINPROGRESS, _errno.EALREADY, _errno.EINTR,
          _errno.ECONNREFUSED, _errno.ENETUNREACH, _errno.EHOSTUNREACH,
          _errno.EADDRINUSE, _errno.EADDRNOTAVAIL, _errno.ENOPROTOOPT}
_GETSOCKOPT_MAX = 1024      # what socket.getsockopt() accepts as buflen
# After the handshake, the errors a record or an alert causes; the rest
# (EPIPE, EAGAIN, ...) are TCP's or the caller's, and TLS_ERROR, which the
# kernel keeps from an earlier failure, would not describe them.
_DATA_PATH = {_errno.EPROTO, _errno.ECONNRESET, _errno.EBADMSG, _errno.EKEYEXPIRED}


class SSAError(OSError):
    """An OSError the kernel explained: ``errno`` as the call failed,
    ``tls_error`` the kernel's words (``TLS_ERROR``), for example
    ``certificate verify failed: hostname mismatch``.  ``SSAError(e, w)``
    is also the OSError subclass Python gives that errno
    (ConnectionResetError, TimeoutError, ...), so that code catching
    those still does."""

    _by_base = {}

    def __new__(cls, errno, tls_error, *args):
        base = type(OSError(errno, ""))
        if cls is SSAError and base is not OSError:
            sub = SSAError._by_base.get(base)
            if sub is None:
                sub = type("SSAError", (SSAError, base), {"__module__": __name__})
                SSAError._by_base[base] = sub
            cls = sub
        return super().__new__(cls, errno, "%s: %s" % (os.strerror(errno), tls_error))

    def __init__(self, errno, tls_error):
        super().__init__(errno, "%s: %s" % (os.strerror(errno), tls_error))
        self.tls_error = tls_error


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _text(raw):
    """A NUL-terminated string value as str."""
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def _names(raw):
    """A colon-separated list value as a list of str."""
    text = _text(raw)
    return text.split(":") if text else []


def _pem_or_path(value):
    """PEM text as it is; a path made absolute (the kernel opens it, and
    only absolute paths, with the caller's credentials)."""
    value = os.fspath(value)
    pem = b"-----BEGIN" if isinstance(value, bytes) else "-----BEGIN"
    return value if value.startswith(pem) else os.path.abspath(value)


def _getsockopt_libc(fd, opt):
    """getsockopt() through libc, for values longer than socket.getsockopt()
    allows; on ERANGE the kernel says how many bytes the value needs."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    size = 4 * _GETSOCKOPT_MAX
    for _ in range(8):
        buf, n = ctypes.create_string_buffer(size), ctypes.c_uint(size)
        if libc.getsockopt(fd, IPPROTO_TLS, opt, buf, ctypes.byref(n)) == 0:
            return buf.raw[:n.value]
        err = ctypes.get_errno()
        if err != _errno.ERANGE:
            break
        size = max(n.value, 2 * size)
    raise OSError(err, os.strerror(err))


class SSASocket(_socket.socket):
    """A socket.socket at IPPROTO_TLS, with a method per option.  Options
    marked "before" must be set before connect() (client) or listen()
    (server); negotiated values raise ENOTCONN before the handshake."""

    __slots__ = ()

    def __init__(self, family=_socket.AF_INET, type=_socket.SOCK_STREAM,
                 proto=IPPROTO_TLS, fileno=None):
        super().__init__(family, type, proto, fileno)

    # --- plumbing -------------------------------------------------------
    def _explain(self, exc, plain=_PLAIN):
        """exc as an SSAError with the kernel's words, if it has any."""
        if isinstance(exc, SSAError) or exc.errno is None or exc.errno in plain:
            return exc
        try:
            words = self.tls_error()
        except (OSError, ValueError):
            return exc
        return SSAError(exc.errno, words) if words else exc

    def _set(self, opt, value):
        if isinstance(value, int):
            value = struct.pack("i", value)
        else:
            if isinstance(value, str):
                value = value.encode()
            if b"\0" in value:
                raise ValueError("option value with an embedded NUL")
        try:
            self.setsockopt(IPPROTO_TLS, opt, value)
        except OSError as e:
            raise self._explain(e) from None

    def _get(self, opt, size=_GETSOCKOPT_MAX):
        # No TLS_ERROR here: the kernel gives no words for a getsockopt()
        # (ENOTCONN, ERANGE), so any would be an earlier failure's.
        try:
            return self.getsockopt(IPPROTO_TLS, opt, size)
        except OSError as e:
            if e.errno != _errno.ERANGE:
                raise
        return _getsockopt_libc(self.fileno(), opt)

    def _get_int(self, opt):
        return struct.unpack("i", self._get(opt, 4))[0]

    # --- setters ----------------------------------------------------------
    def set_remote_hostname(self, name):
        """Before: the name sent as SNI, which the certificate must carry
        (an IP literal must match an iPAddress SAN)."""
        self._set(TLS_REMOTE_HOSTNAME, name)

    def set_trusted_peer_certificates(self, cafile):
        """Before: trust anchors (a path or PEM text) replacing the system
        store for this socket."""
        self._set(TLS_TRUSTED_PEER_CERTIFICATES, _pem_or_path(cafile))

    def set_certificate_chain(self, certfile):
        """Before: own chain, leaf first (path or PEM); starts a pair."""
        self._set(TLS_CERTIFICATE_CHAIN, _pem_or_path(certfile))

    def set_private_key(self, keyfile):
        """Before: the key of the last chain (path or PEM); never readable."""
        self._set(TLS_PRIVATE_KEY, _pem_or_path(keyfile))

    def load_cert_chain(self, certfile, keyfile):
        """Before: a chain and its key; a listener takes up to 8 pairs."""
        self.set_certificate_chain(certfile)
        self.set_private_key(keyfile)

    def set_alpn(self, protocols):
        """Before: ALPN protocols, a list (or a comma-separated str)."""
        if not isinstance(protocols, str):
            if any("," in p for p in protocols):
                raise ValueError("an ALPN protocol name with a comma")
            protocols = ",".join(protocols)
        self._set(TLS_ALPN, protocols)

    def set_session_ttl(self, seconds):
        """Before: session resumption lifetime; 0 disables resumption."""
        self._set(TLS_SESSION_TTL, seconds)

    def disable_cipher(self, name):
        """Before: remove one suite by IANA name."""
        self._set(TLS_DISABLE_CIPHER, name)

    def set_request_peer_auth(self, mode):
        """Before listen(): TLS_PEER_AUTH_NONE, _REQUEST or _REQUIRE."""
        self._set(TLS_REQUEST_PEER_AUTH, mode)

    def set_version_min(self, version):
        """Before: TLS_VERSION_1_2 or TLS_VERSION_1_3; may only rise."""
        self._set(TLS_VERSION_MIN, version)

    def set_version_max(self, version):
        """Before: TLS_VERSION_1_2 or TLS_VERSION_1_3; may only fall."""
        self._set(TLS_VERSION_MAX, version)

    def set_ciphers(self, names):
        """Before: the suites allowed, IANA names (list or colon str)."""
        self._set(TLS_CIPHERS, names if isinstance(names, str) else ":".join(names))

    def set_groups(self, names):
        """Before: key exchange groups (x25519, secp256r1, secp384r1)."""
        self._set(TLS_GROUPS, names if isinstance(names, str) else ":".join(names))

    # --- getters ----------------------------------------------------------
    def remote_hostname(self):
        """The name set with set_remote_hostname() ("" if none)."""
        return _text(self._get(TLS_REMOTE_HOSTNAME))

    def hostname(self):
        """Negotiated: the SNI name (a server's view: what the client asked)."""
        return _text(self._get(TLS_HOSTNAME))

    def alpn(self):
        """Negotiated: the ALPN protocol selected ("" if none)."""
        return _text(self._get(TLS_ALPN))

    def session_ttl(self):
        return self._get_int(TLS_SESSION_TTL)

    def peer_identity(self):
        """Negotiated: the peer certificate's subject, e.g. "CN=localhost"
        ("" if it sent none, or on a resumed TLS 1.3 session)."""
        return _text(self._get(TLS_PEER_IDENTITY))

    def peer_certificate_chain(self):
        """Negotiated: the peer's chain as received, PEM text."""
        return _text(self._get(TLS_PEER_CERTIFICATE_CHAIN))

    def tls_id(self):
        """The connection id "ssactl conns" shows."""
        return struct.unpack("Q", self._get(TLS_ID, 8))[0]

    def version_min(self):
        return self._get_int(TLS_VERSION_MIN)

    def version_max(self):
        return self._get_int(TLS_VERSION_MAX)

    def negotiated_version(self):
        """Negotiated: TLS_VERSION_1_2 or TLS_VERSION_1_3."""
        return self._get_int(TLS_NEGOTIATED_VERSION)

    def negotiated_cipher(self):
        """Negotiated: the suite's IANA number, e.g. 0x1301."""
        return self._get_int(TLS_NEGOTIATED_CIPHER)

    def ciphers(self):
        """The suites this socket allows, IANA names."""
        return _names(self._get(TLS_CIPHERS))

    def groups(self):
        """The key exchange groups this socket allows."""
        return _names(self._get(TLS_GROUPS))

    def session_resumed(self):
        """Negotiated: whether the handshake resumed a session."""
        return bool(self._get_int(TLS_SESSION_RESUMED))

    def tls_error(self):
        """Why the last handshake or option failed, in words ("" if
        nothing did).  The kernel keeps it until the next failure."""
        return _text(self.getsockopt(IPPROTO_TLS, TLS_ERROR, TLS_SSA_STRING_MAX + 1))

    # --- socket calls -----------------------------------------------------
    def connect(self, address):
        """TCP, the handshake and the verification of the peer.  A refusal
        raises SSAError (EKEYREJECTED, EPROTO, ...) with the kernel's words."""
        try:
            super().connect(address)
        except OSError as e:
            # connect()'s EAGAIN is a policy limit, which TLS_ERROR names.
            raise self._explain(e, _PLAIN - {_errno.EAGAIN}) from None

    def accept(self):
        """A connection whose handshake completed, as an SSASocket."""
        fd, addr = self._accept()
        sock = SSASocket(self.family, self.type, self.proto, fileno=fd)
        if _socket.getdefaulttimeout() is None and self.gettimeout():
            sock.setblocking(True)
        return sock, addr


def _explained(name):
    """SSASocket.name: socket.socket.name, failures a record or an alert
    caused explained."""
    method = getattr(_socket.socket, name)
    plain = set(range(1, 200)) - _DATA_PATH if name != "listen" else _PLAIN

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return getattr(_socket.socket, name)(self, *args, **kwargs)
        except OSError as e:
            raise self._explain(e, plain) from None
    return call


for _name in ("listen", "send", "sendall", "sendmsg", "sendfile",
              "recv", "recv_into", "recvmsg", "recvmsg_into"):
    setattr(SSASocket, _name, _explained(_name))
del _name


def socket(family=_socket.AF_INET, type=_socket.SOCK_STREAM, proto=IPPROTO_TLS,
           fileno=None):
    """A new SSASocket: socket(family, type, IPPROTO_TLS)."""
    return SSASocket(family, type, proto, fileno)


def _configure(sock, alpn=None, cafile=None, certfile=None, keyfile=None):
    if (certfile is None) != (keyfile is None):
        raise ValueError("certfile and keyfile go together")
    if cafile is not None:
        sock.set_trusted_peer_certificates(cafile)
    if certfile is not None:
        sock.load_cert_chain(certfile, keyfile)
    if alpn:
        sock.set_alpn(alpn)


def create_connection(address, timeout=_DEFAULT, source_address=None, *,
                      server_hostname=None, alpn=None, cafile=None,
                      certfile=None, keyfile=None, all_errors=False):
    """socket.create_connection() for TLS: resolve (host, port), try each
    address in turn, and return the first SSASocket whose handshake and
    verification succeed.

    server_hostname is the name the certificate must carry, host if None;
    "" sets none, so the certificate must name the address connected to,
    which is allowed only when host is an IP address (otherwise whoever
    answers DNS would pick the address verified: ValueError).
    alpn is a list of protocols to offer; cafile (path or PEM) replaces the
    system's trust anchors; certfile/keyfile are a client certificate.
    If every address fails, the first SSAError is raised, or else the
    last error (all of them in an ExceptionGroup with all_errors).
    """
    host, port = address[:2]
    if server_hostname is None:
        server_hostname = host
    if not server_hostname and not _is_ip(host):
        raise ValueError("no server_hostname for %r, which is not an IP address" % (host,))
    errors = []
    for af, _, _, _, sa in _socket.getaddrinfo(host, port, 0, _socket.SOCK_STREAM):
        sock = None
        try:
            sock = socket(af)
            if server_hostname:
                sock.set_remote_hostname(server_hostname)
            _configure(sock, alpn, cafile, certfile, keyfile)
            if timeout is not _DEFAULT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sa)
            return sock
        except BaseException as exc:
            if sock is not None:
                sock.close()
            if not isinstance(exc, OSError):
                raise
            errors.append(exc)
    try:
        if not errors:
            raise OSError("getaddrinfo returns an empty list")
        if all_errors:
            raise ExceptionGroup("create_connection failed", errors)
        raise next((e for e in errors if isinstance(e, SSAError)), errors[-1])
    finally:
        errors.clear()      # no reference cycle through the tracebacks


def create_server(address, *, certfile, keyfile, family=_socket.AF_INET,
                  backlog=None, reuse_port=False, dualstack_ipv6=False,
                  alpn=None, cafile=None, request_peer_auth=None):
    """socket.create_server() for TLS: a listening SSASocket serving the
    chain certfile with keyfile (paths or PEM).  accept() returns only
    connections whose handshake completed.

    alpn: protocols the server accepts; request_peer_auth: a
    TLS_PEER_AUTH_* value, client certificates verified against cafile
    (or the system store).
    """
    if dualstack_ipv6 and family != _socket.AF_INET6:
        raise ValueError("dualstack_ipv6 requires AF_INET6 family")
    sock = socket(family)
    try:
        sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEPORT, 1)
        if family == _socket.AF_INET6:
            sock.setsockopt(_socket.IPPROTO_IPV6, _socket.IPV6_V6ONLY,
                            0 if dualstack_ipv6 else 1)
        sock.load_cert_chain(certfile, keyfile)
        _configure(sock, alpn, cafile)
        if request_peer_auth is not None:
            sock.set_request_peer_auth(request_peer_auth)
        try:
            sock.bind(address)
        except OSError as err:
            raise OSError(err.errno, "%s (while attempting to bind on address %r)"
                          % (err.strerror, address)) from None
        if backlog is None:
            sock.listen()
        else:
            sock.listen(backlog)
        return sock
    except BaseException:
        sock.close()
        raise


class HTTPSConnection(http.client.HTTPConnection):
    """http.client's HTTPS connection, with the TLS in the kernel: a plain
    HTTPConnection whose socket comes from create_connection(), verified
    for host.  Keyword arguments as create_connection(); ALPN offers
    http/1.1 unless told otherwise."""

    default_port = http.client.HTTPS_PORT

    def __init__(self, host, port=None, timeout=_DEFAULT, source_address=None,
                 blocksize=8192, *, cafile=None, certfile=None, keyfile=None,
                 alpn=("http/1.1",)):
        super().__init__(host, port, timeout, source_address, blocksize)
        self._ssa = dict(cafile=cafile, certfile=certfile, keyfile=keyfile, alpn=alpn)

    def set_tunnel(self, host, port=None, headers=None):
        raise http.client.HTTPException(
            "SSA cannot tunnel through an HTTP proxy: TLS starts at connect()")

    def connect(self):
        sys.audit("http.client.connect", self, self.host, self.port)
        self.sock = create_connection((self.host, self.port), self.timeout,
                                      self.source_address, server_hostname=self.host,
                                      **self._ssa)
        try:
            self.sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        except OSError as e:
            if e.errno != _errno.ENOPROTOOPT:
                raise


# Derived from urllib's own HTTPSHandler (where Python has ssl), so that
# build_opener() leaves that one out.
_HTTPSBase = getattr(urllib.request, "HTTPSHandler", urllib.request.AbstractHTTPHandler)


class HTTPSHandler(_HTTPSBase):
    """A urllib.request handler opening https:// URLs with HTTPSConnection;
    keyword arguments go to it (cafile, certfile, keyfile, alpn)."""

    def __init__(self, debuglevel=0, **connection_args):
        urllib.request.AbstractHTTPHandler.__init__(self, debuglevel)
        self._ssa = connection_args

    def https_open(self, req):
        return self.do_open(HTTPSConnection, req, **self._ssa)

    https_request = urllib.request.AbstractHTTPHandler.do_request_


def build_opener(*handlers, **connection_args):
    """urllib.request.build_opener() with https:// through SSA
    (install_opener() it to make urllib.request.urlopen() use it).
    connection_args go to HTTPSHandler.  An https proxy from the
    environment is not used: SSA cannot tunnel."""
    def given(cls):
        return any(isinstance(h, cls) or (isinstance(h, type) and issubclass(h, cls))
                   for h in handlers)
    first = []
    if not given(HTTPSHandler):
        first.append(HTTPSHandler(**connection_args))
    elif connection_args:
        # They would go nowhere: a pin (cafile) silently lost.
        raise ValueError("connection arguments and an HTTPSHandler of your own")
    if not given(urllib.request.ProxyHandler):
        proxies = urllib.request.getproxies()
        proxies.pop("https", None)
        first.append(urllib.request.ProxyHandler(proxies))
    return urllib.request.build_opener(*first, *handlers)


def urlopen(url, data=None, timeout=_DEFAULT, **connection_args):
    """urllib.request.urlopen() through build_opener(**connection_args)."""
    return build_opener(**connection_args).open(url, data, timeout)
