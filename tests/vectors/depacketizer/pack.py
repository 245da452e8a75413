#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Concatenates files (sorted by name) into one record file: each record is a 4-byte big-endian
length followed by the file's bytes. Usage: pack.py OUT FILE..."""
import struct
import sys

out_path, *inputs = sys.argv[1:]
with open(out_path, "wb") as out:
    for path in sorted(inputs):
        with open(path, "rb") as f:
            data = f.read()
        out.write(struct.pack(">I", len(data)))
        out.write(data)
