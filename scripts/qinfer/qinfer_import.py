"""Imports the real QInfer 1.0 (commit 8170c84) from a source checkout, on a modern NumPy.

usage (from another script):
    import sys, os; sys.path.insert(0, os.path.dirname(__file__))
    from qinfer_import import qi, np     # qi is the qinfer package

The checkout is named by QINFER_SRC (the repository root, holding src/qinfer). Needs Debian's
python3 with python3-numpy, python3-scipy and python3-future. QInfer 1.0 uses the aliases
np.int, np.float and np.bool that NumPy >= 1.24 removed, and imports qinfer.version, which is
generated at install time: both are supplied here before the import.
"""
import os
import sys
import types

import numpy as np

for _name, _alias in (("int", int), ("float", float), ("bool", bool), ("complex", complex), ("object", object)):
    if not hasattr(np, _name):
        setattr(np, _name, _alias)

_src = os.environ.get("QINFER_SRC")
if not _src:
    sys.exit("QINFER_SRC is not set: fetch github:QInfer/python-qinfer at commit 8170c84 and point QINFER_SRC at it")
_pkg = os.path.join(_src, "src")
if not os.path.isdir(os.path.join(_pkg, "qinfer")):
    sys.exit(f"QINFER_SRC={_src} holds no src/qinfer")
sys.path.insert(0, _pkg)
_version = types.ModuleType("qinfer.version")
_version.version = "1.0"
sys.modules["qinfer.version"] = _version

import qinfer as qi  # noqa: E402

__all__ = ["qi", "np"]
