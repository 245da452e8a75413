#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of the config_loader fuzzer.

The seeds are the shipped config/presentd.json and every configuration text the tests load: the
raw string literals (R"(...)") that begin with "{" in tests/unit/config/ and tests/integration/,
valid and broken ones alike (pieces cut by a C++ concatenation stay as they are: broken JSON).
Run from the repository root: python3 tests/fuzz/make_config_seeds.py
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET = ROOT / "tests" / "fuzz" / "corpus" / "config_loader"
RAW_STRING = re.compile(r'R"\((.*?)\)"', re.S)


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    (TARGET / "shipped_presentd.json").write_bytes((ROOT / "config" / "presentd.json").read_bytes())
    sources = sorted((ROOT / "tests" / "unit" / "config").glob("*.cpp")) + sorted(
        (ROOT / "tests" / "integration").glob("*.cpp"))
    for source in sources:
        texts = [m.group(1) for m in RAW_STRING.finditer(source.read_text()) if m.group(1).lstrip().startswith("{")]
        for index, text in enumerate(texts):
            (TARGET / f"{source.stem}_{index}.json").write_text(text)


if __name__ == "__main__":
    main()
