"""Regenerate flaskref's generated knowledge: `python tools/generate.py`.

Runs `gen_removed.py` (removed and renamed APIs, from PyPI releases) then `gen_messages.py`
(the messages of the installed libraries), writing into flaskref/data/. See tools/README.md.
"""

from __future__ import annotations

import argparse
import sys
import time

import gen_messages
import gen_removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", nargs="*", help="rebuild the removals of these PyPI projects only"
    )
    parser.add_argument("--skip-removed", action="store_true", help="only rebuild the messages")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if not args.skip_removed:
        print("== removed and renamed APIs", flush=True)
        gen_removed.main(["--only", *args.only] if args.only else [])
    print("== library messages", flush=True)
    gen_messages.main([])
    print(f"done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
