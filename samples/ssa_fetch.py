#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""HTTPS GET with nothing but Python's standard socket module.

  ssa_fetch.py URL [CA_FILE]

The kernel does the TLS: IPPROTO_TLS (205) asks for it, TLS_REMOTE_HOSTNAME
names the server to verify, and TLS_TRUSTED_PEER_CERTIFICATES optionally
pins the trust anchors.  Prints the negotiated session to stderr and the
response body to stdout.
"""
import socket
import struct
import sys
from urllib.parse import urlsplit

IPPROTO_TLS = 205
TLS_REMOTE_HOSTNAME = 85
TLS_TRUSTED_PEER_CERTIFICATES = 87
TLS_PEER_IDENTITY = 93
TLS_NEGOTIATED_VERSION = 99
TLS_ERROR = 100
TLS_NEGOTIATED_CIPHER = 101

VERSIONS = {0x0303: "TLSv1.2", 0x0304: "TLSv1.3"}


def text(sock, opt):
    return sock.getsockopt(IPPROTO_TLS, opt, 1024).split(b"\0", 1)[0].decode()


def number(sock, opt):
    return struct.unpack("i", sock.getsockopt(IPPROTO_TLS, opt, 4))[0]


def main():
    url = urlsplit(sys.argv[1])
    host, port = url.hostname, url.port or 443
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    with socket.socket(family, socket.SOCK_STREAM, IPPROTO_TLS) as s:
        s.setsockopt(IPPROTO_TLS, TLS_REMOTE_HOSTNAME, host.encode())
        if len(sys.argv) > 2:
            s.setsockopt(IPPROTO_TLS, TLS_TRUSTED_PEER_CERTIFICATES, sys.argv[2].encode())
        try:
            s.connect((host, port))
        except OSError as e:
            print(f"connect: {e.strerror}: {text(s, TLS_ERROR)}", file=sys.stderr)
            return 1
        print(f"{VERSIONS.get(number(s, TLS_NEGOTIATED_VERSION), '?')} "
              f"cipher 0x{number(s, TLS_NEGOTIATED_CIPHER):04x} "
              f"peer \"{text(s, TLS_PEER_IDENTITY)}\"", file=sys.stderr)
        s.sendall(f"GET {url.path or '/'} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    print(head.split(b"\r\n", 1)[0].decode(), file=sys.stderr)
    sys.stdout.buffer.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
