#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""IPPROTO_TLS from Python's standard socket module - nothing else.

Creates an SSA socket for each address family, sets and reads back the
server name, reads the connection id, and shows that connect() refuses
to fall back to plaintext while the handshake engine is not built in.
"""
import errno
import socket
import struct

IPPROTO_TLS = 205
TLS_REMOTE_HOSTNAME = 85
TLS_ID = 96
TLS_ERROR = 100


def cstr(raw):
    return raw.split(b"\0", 1)[0].decode()


for family, name, addr in ((socket.AF_INET, "AF_INET", ("127.0.0.1", 443)),
                           (socket.AF_INET6, "AF_INET6", ("::1", 443))):
    with socket.socket(family, socket.SOCK_STREAM, IPPROTO_TLS) as s:
        s.setsockopt(IPPROTO_TLS, TLS_REMOTE_HOSTNAME, b"www.example.com\0")
        host = cstr(s.getsockopt(IPPROTO_TLS, TLS_REMOTE_HOSTNAME, 256))
        conn_id = struct.unpack("Q", s.getsockopt(IPPROTO_TLS, TLS_ID, 8))[0]
        print(f"{name:8} socket(..., IPPROTO_TLS) -> fd {s.fileno()}, "
              f"TLS_ID {conn_id}, TLS_REMOTE_HOSTNAME {host!r}")
        try:
            s.connect(addr)
            print("         connect() succeeded")
        except OSError as e:
            why = cstr(s.getsockopt(IPPROTO_TLS, TLS_ERROR, 256))
            print(f"         connect() -> {errno.errorcode[e.errno]}: {why}")
