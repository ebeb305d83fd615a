"""``aligner check``: the gate (verdict + flags per document), and ``aligner corpus add|validate``."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..config import CHECK_SHOW
from ._app import (
    CACHE_DIR_OPTION,
    Lang,
    MAX_BEAD_OPTION,
    MAX_INPUT_OPTION,
    MODEL_OPTION,
    ALLOW_DOWNLOAD_OPTION,
    NO_CACHE_OPTION,
    PRESPLIT_OPTION,
    SKIP_COST_OPTION,
    T2S_OPTION,
    WINDOW_SLACK_OPTION,
    app,
    build_config,
    document_paths,
    guarded,
    input_limit,
    progress_bar,
    setup_logging,
    writing_stdout,
)


class FailOn(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"


def _is_corpus(path: Path) -> bool:
    if path.is_dir():
        return True
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8") as fh:
            head = fh.read(4096)
    except (OSError, UnicodeDecodeError):
        return False
    return '"aligner_corpus"' in head


def _flag_line(summary: dict) -> str:
    sev = summary.get("by_severity", {})
    by = summary.get("by_code_severity", {})
    codes = ", ".join(f"{c} {sum(v.values())} ({', '.join(f'{s} {n}' for s, n in sorted(v.items()))})"
                      for c, v in by.items())
    return (f"flags: error {sev.get('error', 0)}, warning {sev.get('warning', 0)}, info {sev.get('info', 0)}"
            + (f" - {codes}" if codes else ""))


def render_verdict(v, *, max_failing: int = CHECK_SHOW) -> str:
    """A few plain-text lines for one verdict; at most ``max_failing`` of each list (0: all)."""
    max_failing = max_failing or 10**9
    mark = {0: "ok", 1: "FAIL", 2: "FAIL", 3: "ERROR"}.get(v.exit_code, "ERROR")
    exp = "" if v.expected is None else (f" (expected {v.expected})" if not v.as_expected else " (as expected)")
    lines = [f"{mark:5} {v.name}: {v.verdict}{exp} [{v.layout}]"]
    s = v.summary
    if s and v.gated != "none":
        cov = s.get("coverage", {})
        if v.verdict == "monolingual":
            lines.append(f"      {s.get('src_sentences', 0)} sentences; monolingual: only damage flags are checked")
        else:
            lines.append(f"      {s.get('beads', 0)} beads; coverage source {cov.get('src', 0):.1f}% "
                         f"({s.get('src_sentences', 0)} sentences), target {cov.get('tgt', 0):.1f}% "
                         f"({s.get('tgt_sentences', 0)} sentences)")
        lines.append("      " + _flag_line(s))
    lines.append(f"      {v.reason}")
    for n in v.notes:
        lines.append(f"      note: {n}")
    if v.damage and v.verdict in ("monolingual", "mixed") and not (v.failing and v.as_expected):
        lines.append(f"      text-extraction damage ({len(v.damage)} places):")
        for _, sev, reason in v.damage[:max_failing]:
            lines.append(f"        {sev} damage: {reason}")
        if len(v.damage) > max_failing:
            lines.append(f"        ... and {len(v.damage) - max_failing} more")
    if v.accepted or v.stale:
        lines.append(f"      review: {v.accepted} flags accepted ({v.accepted_entries} entries)"
                     + (f", {v.stale} stale entries" if v.stale else ""))
    fx = getattr(v, "corrections", None) or {}
    if fx:
        lines.append(f"      corrections: {fx.get('applied', 0)} applied"
                     + (f", {len(fx['stale'])} stale (not applied)" if fx.get("stale") else ""))
        for why in fx.get("stale", [])[:max_failing]:
            lines.append(f"        stale correction: {why}")
        if len(fx.get("stale", [])) > max_failing:
            lines.append(f"        ... and {len(fx['stale']) - max_failing} more")
    if v.failing and v.as_expected:
        from ..review import item_line

        gate = {"damage": " (damage flags only)"}.get(v.gated, "")
        items = v.items
        lines.append(f"      {len(items)} findings ({len(v.failing)} flags) at or above --fail-on not accepted{gate}:")
        for it in items[:max_failing]:
            lines.append("        " + item_line(it))
        if len(items) > max_failing:
            lines.append(f"        ... and {len(items) - max_failing} more")
    return "\n".join(lines)


@app.command()
def check(
    src: Path = typer.Argument(..., help="A corpus directory or manifest.json, a bilingual file ('-': from standard input), "
                                    "or a source file.",
                               show_default=False),
    tgt: Optional[Path] = typer.Argument(None, help="Target file (omit for a bilingual file or a corpus).",
                                         show_default=False),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="Fail when a flag at or above this remains."),
    review: Optional[Path] = typer.Option(None, "--review",
                                          help="Reviewer's baseline (JSON): accepted flags do not fail. "
                                               "A corpus entry names its own in the manifest.",
                                          show_default=False),
    changed_since: Optional[str] = typer.Option(None, "--changed-since", metavar="GIT_REF",
                                                help="Corpus: only entries changed since this git ref.",
                                                show_default=False),
    ids: Optional[List[str]] = typer.Option(None, "--id", help="Corpus: only this entry (repeatable).",
                                            show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with every verdict."),
    show: int = typer.Option(CHECK_SHOW, "--show", min=0, metavar="N",
                             help="List at most N findings per document (0: all); the rest are counted."),
    src_lang: Optional[Lang] = typer.Option(None, "--src-lang",
                                            help="Source language of a bilingual file (default zh)."),
    presplit: bool = PRESPLIT_OPTION,
    model: str = MODEL_OPTION,
    allow_download: bool = ALLOW_DOWNLOAD_OPTION,
    cache_dir: Optional[Path] = CACHE_DIR_OPTION,
    no_cache: bool = NO_CACHE_OPTION,
    t2s: bool = T2S_OPTION,
    max_bead: int = MAX_BEAD_OPTION,
    skip_cost: float = SKIP_COST_OPTION,
    window_slack: float = WINDOW_SLACK_OPTION,
    max_input_mb: float = MAX_INPUT_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar; only failing documents."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each stage and its timing."),
) -> None:
    """Verdict per document (parallel, not-parallel, mixed, monolingual) with coverage and flags.

    Exit codes: 0 clean; 1 flags at or above --fail-on remain (not accepted in a
    review); 2 not parallel, or a corpus entry is not what its manifest status
    says; 3 usage or input error; 4 model or environment error; 5 output error;
    70 internal error; 130 / 143 interrupted (docs/errors.md).
    """
    setup_logging(verbose, quiet)
    with guarded(verbose):
        from ..errors import InputError
        from ..gate import check_corpus, judge, overall_exit

        cfg = build_config(model, cache_dir, no_cache, t2s, max_input_mb, allow_download, max_bead=max_bead,
                           skip_cost=skip_cost, window_slack=window_slack)
        corpus_mode = tgt is None and _is_corpus(src)
        if not corpus_mode and (changed_since or ids):
            raise InputError("--changed-since and --id apply to a corpus (a directory or manifest.json)")
        if corpus_mode:
            if review is not None:
                raise InputError("--review applies to one document; corpus entries name theirs in the manifest")
            from ..corpus import changed_entries, load_manifest, unlisted_changes, unlisted_files
            from ..gate import unlisted_verdict

            manifest = load_manifest(src)
            entries = manifest.entries
            if ids:
                entries = tuple(manifest.get(i) for i in ids)
            unlisted = []
            if changed_since:
                changed = {e.id for e in changed_entries(manifest, changed_since)}
                entries = tuple(e for e in entries if e.id in changed)
                if not ids:  # a new document no entry lists fails the gate (nothing would check it)
                    unlisted = [unlisted_verdict(r, manifest, changed_since)
                                for r in unlisted_changes(manifest, changed_since)]
            elif not ids:  # a full check: every document file of the directory must be some entry's
                unlisted = [unlisted_verdict(r, manifest, None) for r in unlisted_files(manifest)]
            with progress_bar(not quiet and not as_json) as cb:
                verdicts = unlisted + check_corpus(manifest, entries, config=cfg, fail_on=fail_on.value,
                                                   progress=cb)
        else:
            paths = document_paths(src, tgt, cfg.max_input_bytes)
            with progress_bar(not quiet and not as_json) as cb:
                verdicts = [judge(paths, config=cfg, review=review, fail_on=fail_on.value,
                                  src_lang=src_lang.value if src_lang else None, presplit_input=presplit,
                                  progress=cb)]
        code = overall_exit(verdicts)
        with writing_stdout():  # closed or full: exit 5, not a traceback (exit 70)
            if as_json:
                typer.echo(json.dumps({"exit_code": code, "fail_on": fail_on.value,
                                       "verdicts": [v.to_json() for v in verdicts]}, ensure_ascii=False,
                                      indent=1))
            else:
                for v in verdicts:
                    if not quiet or v.exit_code:
                        typer.echo(render_verdict(v, max_failing=show))
                if corpus_mode and not quiet:
                    bad = sum(1 for v in verdicts if v.exit_code)
                    typer.echo(f"{len(verdicts)} {'entry' if len(verdicts) == 1 else 'entries'} checked, "
                               f"{len(verdicts) - bad} ok, {bad} failing "
                               f"(--fail-on {fail_on.value}); exit {code}")
        raise typer.Exit(code)


corpus_app = typer.Typer(help="Manage the corpus manifest (see corpus/README.md).", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("init")
def corpus_init(
    directory: str = typer.Argument("corpus", help="Directory of the new corpus (created)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Errors only."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what is done."),
) -> None:
    """Start a corpus: DIRECTORY with an empty manifest.json (refused when it has one already)."""
    setup_logging(verbose, quiet)
    with guarded(verbose):
        from ..corpus import init_corpus
        from ..errors import InputError

        if not directory.strip():  # '' would be the current directory: an unset shell variable
            raise InputError("DIRECTORY: empty path (an unset shell variable?); give a path")

        m = init_corpus(directory)
        if not quiet:
            typer.echo(f"started corpus {m.path} (no documents); now run: aligner corpus add FILE -C {directory}")


@corpus_app.command("add")
def corpus_add(
    files: List[Path] = typer.Argument(..., help="One file (bilingual or monolingual) or a pair: source, target.",
                                       show_default=False),
    corpus: Path = typer.Option(Path("corpus"), "--corpus", "-C", help="Corpus directory or manifest.json."),
    entry_id: Optional[str] = typer.Option(None, "--id", help="Entry id (default: the file name's stem)",
                                           show_default=False),
    title: str = typer.Option("", "--title", help="Title of the document."),
    publisher: str = typer.Option("", "--publisher", help="Publisher or site."),
    date: Optional[str] = typer.Option(None, "--date", help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.",
                                       show_default=False),
    source: str = typer.Option("", "--source", help="Where it comes from (URL or description)."),
    status: Optional[List[str]] = typer.Option(None, "--status",
                                               help="Override the detected status (repeatable): bilingual, zh-only, "
                                                    "en-only, mixed, not-parallel, damaged.", show_default=False),
    notes: str = typer.Option("", "--notes", help="Free notes."),
    max_input_mb: float = MAX_INPUT_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Errors only."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what is done."),
) -> None:
    """Copy FILES into the corpus, detect layout and languages, and add a manifest entry.

    Then run 'aligner check CORPUS --id ID' to get its verdict.
    """
    setup_logging(verbose, quiet)
    with guarded(verbose):
        from ..corpus import add_document

        e = add_document(corpus, files, entry_id=entry_id, title=title, publisher=publisher, date=date,
                         source=source, status=status, notes=notes,
                         max_input_bytes=input_limit(max_input_mb))
        if not quiet:
            typer.echo(f"added {e.id}: {', '.join(e.files)} [{e.layout}, {'/'.join(e.languages)}, "
                       f"{', '.join(e.status)}]; now run: aligner check {corpus} --id {e.id}")


@corpus_app.command("validate")
def corpus_validate(
    corpus: Path = typer.Argument(Path("corpus"), help="Corpus directory or manifest.json."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Errors only."),
) -> None:
    """Check the manifest without aligning: fields, files present, layout and languages as declared (exit 3 if not)."""
    setup_logging(False, quiet)
    with guarded(False):
        from ..corpus import load_manifest, validate

        m = load_manifest(corpus)
        problems = validate(m)
        for p in problems:
            typer.echo(f"aligner: error: {p}", err=True)
        if not quiet and not problems:
            typer.echo(f"{m.path}: {len(m.entries)} entries, consistent")
        raise typer.Exit(3 if problems else 0)
