#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The ssa package's constants against include/uapi/linux/tls_ssa.h, so
the two cannot drift: every #define of the header is exported with its
value, and every IPPROTO_/TLS_ name the package exports is in the header.
Host-only (no kernel module needed):

  python3 bindings/python/test_constants.py
"""
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.join(HERE, "..", "..", "include", "uapi", "linux", "tls_ssa.h")
sys.path.insert(0, HERE)
import ssa  # noqa: E402


def header_defines(path=HEADER):
    """{name: int} for every object-like #define with a value; a value
    naming an earlier define takes its value."""
    with open(path) as f:
        text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
    defs = {}
    for name, value in re.findall(r"^\s*#\s*define\s+(\w+)[ \t]+(\S+)", text, re.M):
        defs[name] = defs[value] if value in defs else int(value, 0)
    return defs


class Constants(unittest.TestCase):
    defs = header_defines()

    def test_header_parsed(self):
        # The parser sees the header's shape: the protocol, a contiguous
        # option range, and the value macros.
        self.assertEqual(self.defs["IPPROTO_TLS"], 205)
        first, last = self.defs["TLS_SSA_OPT_FIRST"], self.defs["TLS_SSA_OPT_LAST"]
        options = {v for n, v in self.defs.items()
                   if first <= v <= last and not n.startswith("TLS_SSA_OPT_")}
        self.assertEqual(options, set(range(first, last + 1)))
        self.assertNotIn("_UAPI_LINUX_TLS_SSA_H", self.defs)

    def test_every_define_exported(self):
        for name, value in self.defs.items():
            with self.subTest(name=name):
                self.assertIn(name, ssa.__all__)
                self.assertEqual(getattr(ssa, name), value)

    def test_nothing_exported_the_header_lacks(self):
        for name in dir(ssa):
            if name.startswith(("TLS_", "IPPROTO_")):
                with self.subTest(name=name):
                    self.assertIn(name, self.defs)
                    self.assertEqual(getattr(ssa, name), self.defs[name])

    def test_every_option_has_a_method(self):
        # Each option number is used by some SSASocket method.
        import inspect
        src = inspect.getsource(ssa.SSASocket)
        for name, value in self.defs.items():
            if (self.defs["TLS_SSA_OPT_FIRST"] <= value <= self.defs["TLS_SSA_OPT_LAST"]
                    and not name.startswith("TLS_SSA_OPT_")):
                with self.subTest(name=name):
                    self.assertRegex(src, r"\b%s\b" % name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
