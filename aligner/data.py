"""Plain frozen data passed between the stages.

read -> ``Text`` (paragraphs of one language) -> segment -> ``Side``
(sentences) -> embed -> arrays -> align -> ``Bead`` tuples -> score ->
``Bead`` with flags -> ``Alignment`` -> report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How much a flag matters; ordered info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of one language as read from the input.

    ``text`` is the original text (lines of the paragraph joined by "\\n");
    ``line`` is the 1-based line number of its first line in the input file.
    """

    text: str
    line: int


@dataclass(frozen=True)
class Text:
    """The paragraphs of one language taken from one input file."""

    lang: str  # "zh" or "en"
    path: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Sentence:
    """One sentence, in its original text.

    ``id`` is 0-based within its side; ``para`` the 0-based paragraph index;
    ``line`` the 1-based input line where the sentence starts.
    """

    id: int
    text: str
    para: int
    line: int


@dataclass(frozen=True)
class Side:
    """The segmented sentences of one language."""

    lang: str  # "zh" or "en"
    path: str
    sentences: tuple[Sentence, ...]
    #: How the text was cut: "lines" (one sentence a line: --presplit, subtitle cues), "rules" / "punkt"
    #: (``segment.Segmenter``), "" when not said (sentences given as they are). Provenance, not content.
    cut: str = field(default="", compare=False)

    def __len__(self) -> int:
        return len(self.sentences)

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]


@dataclass(frozen=True)
class Flag:
    """A QA finding on a bead: a code, a severity and a one-line reason."""

    code: str
    severity: Severity
    reason: str

    @property
    def ident(self) -> str:
        """What this flag is about, stable across runs: ``flag_ident(code, reason)``."""
        return flag_ident(self.code, self.reason)


def flag_ident(code: str, reason: str) -> str:
    """A flag's identity within its bead: ``code:`` + 8 hex of its reason with measurements masked.

    Two flags of one code on one bead (English has ABM / English has SALT) differ
    in what they are about, which the reason names (the token, the clause, the
    sentence); the measured figures in it (decimals such as cosines 0.58, shares
    such as 60%) are masked so that a re-run whose figures move slightly keeps the
    identity. Counted numbers (3000亿, 30 billion) are what a number flag is about
    and are kept.
    """
    import hashlib
    import re

    masked = re.sub(r"\d+\.\d+|\d+%", "#", " ".join(reason.split()))
    return f"{code}:{hashlib.sha1(masked.encode('utf-8')).hexdigest()[:8]}"


@dataclass(frozen=True)
class Bead:
    """One alignment unit: consecutive source ids paired with consecutive target ids.

    ``score`` is a similarity in [0, 1], ``None`` when one side is empty.
    ``p_omission`` / ``p_addition``: the calibrated probability that the
    source holds content the target leaves out / the reverse
    (``aligner.qa.calibrated``), ``None`` when not computed (one side empty, not
    zh/en, or the bead was built outside the score stage).
    """

    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    score: float | None = None
    flags: tuple[Flag, ...] = ()
    p_omission: float | None = None
    p_addition: float | None = None

    @property
    def kind(self) -> str:
        """Bead type as ``"a-b"`` (e.g. ``"1-2"``)."""
        return f"{len(self.src_ids)}-{len(self.tgt_ids)}"


@dataclass(frozen=True)
class Alignment:
    """A whole aligned document: both sides, the beads in order, how it was made."""

    src: Side
    tgt: Side
    beads: tuple[Bead, ...]
    signature: str
    layout: str = "pair"
    meta: dict = field(default_factory=dict, compare=False, hash=False)


def bead_key(src_texts: list[str] | tuple[str, ...], tgt_texts: list[str] | tuple[str, ...]) -> str:
    """Stable 16-hex key of a bead's text (not its ids), so review decisions survive re-alignment.

    Independent of how the text is split into sentences: each side is joined
    by single spaces with whitespace collapsed, as the TSV writes it.
    """
    import hashlib

    def norm(texts) -> str:
        return " ".join(" ".join(texts).split())

    h = hashlib.sha1()
    h.update(norm(src_texts).encode("utf-8"))
    h.update(b"\x1e")
    h.update(norm(tgt_texts).encode("utf-8"))
    return h.hexdigest()[:16]
