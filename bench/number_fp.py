"""Re-read a list of number_mismatch flags on clean segments with the current number reader.

The list (a text file written during issue 18's MQM study) holds blocks of

    ## <severity> <reason>
      ZH: <Chinese>
      EN: <English>

for segments that no rater marked with any accuracy error. For each distinct
(ZH, EN) pair this re-runs ``extract_numbers`` / ``unmatched`` /
``describe_mismatch`` and prints whether the pair still gets a reason:

    .venv/bin/python bench/number_fp.py /work/number_fp.txt [-v]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aligner.numbers import describe_mismatch, extract_numbers, unmatched  # noqa: E402


def parse(path: Path) -> list[tuple[str, str, str]]:
    """(old reason, zh, en) of each block, in file order."""
    out, reason, zh = [], "", None
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s.startswith("## "):
            reason, zh = s[3:], None
        elif s.startswith("ZH: "):
            zh = s[4:]
        elif s.startswith("EN: ") and zh is not None:
            out.append((reason, zh, s[4:]))
            zh = None
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every mention read")
    args = ap.parse_args()
    cases = parse(args.path)
    distinct = list(dict.fromkeys((zh, en) for _, zh, en in cases))
    still = 0
    for zh, en in distinct:
        a, b = extract_numbers(zh, "zh"), extract_numbers(en, "en")
        ua, ub = unmatched(a, b)
        why = describe_mismatch(ua, "zh", ub, "en")
        still += why is not None
        print(f"{'FLAG' if why else 'ok  '} {why or ''}\n     ZH: {zh[:70]}\n     EN: {en[:70]}")
        if args.verbose:
            print("     zh:", [(m.surface, m.value, m.kind, m.vague, m.weak) for m in a])
            print("     en:", [(m.surface, m.value, m.kind, m.vague, m.weak) for m in b])
    print(f"\n{len(cases)} blocks, {len(distinct)} distinct pairs: {still} still flagged, {len(distinct) - still} not")


if __name__ == "__main__":
    main()
