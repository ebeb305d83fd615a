"""The calibrated omission / addition model: feature extraction, model file, flags, probabilities.

Fast tests use hand-made coefficients or the real CC-CEDICT dictionary without
an encoder; the end-to-end check on real embeddings is marked slow.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.qa.calibrated import (
    _names_for_parts,
    MODEL_PATH,
    DivergenceModel,
    ModelFileError,
    SideModel,
    document_logit,
    evidence_words,
    hint_rows,
    is_free,
    load_model,
    merge_flags,
    severity_of,
    side_severity,
)
from aligner.data import Flag, Severity
from aligner.qa.divergence import BeadPair, feature_names, features

N = len(feature_names())


def side_model(coef, intercept=0.0, warning=0.8, info=0.5, hint_share=None) -> SideModel:
    return SideModel(np.zeros(N), np.ones(N), np.asarray(coef, float), intercept, warning, info, 0.0, hint_share)


# --- SideModel -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "x0, intercept, expected",
    [
        (0.0, 0.0, 0.5),  # sigmoid(0)
        (1.0, 0.0, 1 / (1 + np.exp(-1))),  # sigmoid(1)
        (0.0, -2.0, 1 / (1 + np.exp(2))),
        (1e6, 0.0, 1.0),  # clipped, no overflow
    ],
)
def test_side_model_is_a_logistic_of_the_standardised_features(x0, intercept, expected):
    coef = np.zeros(N)
    coef[0] = 1.0
    X = np.zeros((1, N))
    X[0, 0] = x0
    assert side_model(coef, intercept).predict(X)[0] == pytest.approx(expected, rel=1e-6)


def test_side_model_standardises_with_mean_and_scale():
    m = SideModel(np.full(N, 2.0), np.full(N, 4.0), np.r_[1.0, np.zeros(N - 1)], 0.0, 0.9, 0.5, 0.0)
    X = np.full((1, N), 6.0)  # (6 - 2) / 4 = 1
    assert m.predict(X)[0] == pytest.approx(1 / (1 + np.exp(-1)))


@pytest.mark.parametrize("p, expected", [(0.95, "warning"), (0.8, "warning"), (0.6, "info"), (0.5, "info"),
                                         (0.49, None)])
def test_severity_from_cut_offs(p, expected):
    assert severity_of(p, side_model(np.zeros(N), warning=0.8, info=0.5)) == expected


# --- hints: a document's likeliest beads only --------------------------------------------------
@pytest.mark.parametrize(
    "p, share, expected",
    [
        ([0.1, 0.9, 0.5, 0.3, 0.7], 0.2, {1}),  # round(0.2 * 5) = 1: the largest
        ([0.1, 0.9, 0.5, 0.3, 0.7], 0.4, {1, 4}),  # 2: the two largest
        ([0.1, 0.9, 0.5, 0.3, 0.7], 1.0, {0, 1, 2, 3, 4}),  # every row
        ([0.4, 0.2], 0.2, {0}),  # round(0.4) = 0, but a document always may have one
        ([0.5, 0.5, 0.5], 0.34, {0}),  # ties: the first row
        ([], 0.2, set()),
    ],
)
def test_hint_rows_are_the_largest_share(p, share, expected):
    assert hint_rows(np.array(p), share) == frozenset(expected)


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60), st.floats(0.01, 1.0))
def test_hint_rows_hold_the_allowed_count_and_nothing_below_a_row_left_out(p, share):
    rows = hint_rows(np.array(p), share)
    assert len(rows) == max(1, round(share * len(p)))
    left = [p[i] for i in range(len(p)) if i not in rows]
    assert not left or min(p[i] for i in rows) >= max(left)


@pytest.mark.parametrize(
    "p, hint_share, free, hinted, expected",
    [
        # no hint share (the Chinese side model): a free document gets nothing, another the cut-offs' severity
        (0.9, None, False, False, "warning"),
        (0.6, None, False, False, "info"),
        (0.9, None, True, True, None),
        (0.6, None, True, True, None),
        # a hint share (the English side model): a warning needs a document that is not free ...
        (0.9, 0.2, False, False, "warning"),
        # ... a hint needs the bead among the document's likeliest, free or not
        (0.6, 0.2, False, True, "info"),
        (0.6, 0.2, False, False, None),
        (0.6, 0.2, True, True, "info"),
        (0.9, 0.2, True, True, "info"),  # a warning held back in a free document: a hint
        (0.9, 0.2, True, False, None),
        (0.4, 0.2, False, True, None),  # under the info cut-off: nothing, hinted or not
    ],
)
def test_side_severity(p, hint_share, free, hinted, expected):
    m = side_model(np.zeros(N), warning=0.8, info=0.5, hint_share=hint_share)
    assert side_severity(p, m, free, hinted) == expected


# --- hints in a document, both directions (stand-in model, real CC-CEDICT, no encoder) -----------------------------
#: Ten 1-1 beads; the stand-in model's probability falls with the bead score, so the two lowest-scored beads
#: (rows 3 and 7) are the likeliest: round(0.2 * 10) = 2 hint rows.
DOC_ZH = ["欧盟峰会周四开幕。", "各国领导人讨论了难民政策。", "会议将持续两天。", "记者将继续关注。", "价格上涨了。",
          "学生们去学校。", "天气很冷。", "他买了一本书。", "我们喜欢音乐。", "政府发表了声明。"]
DOC_EN = ["The EU summit opened on Thursday.", "Leaders discussed refugee policy.", "The meeting will last two days.",
          "Reporters will keep watching.", "Prices rose.", "The students go to school.", "The weather is cold.",
          "He bought a book.", "We like music.", "The government issued a statement."]
DOC_SCORES = [0.9, 0.88, 0.86, 0.5, 0.84, 0.82, 0.8, 0.55, 0.78, 0.76]


def stand_in_model(free_median_logit: float) -> DivergenceModel:
    """p = sigmoid(0.5 - cos) on both sides (0.35 to 0.5 here): all above info 0.1, none at warning 0.99."""
    coef = np.zeros(N)
    coef[feature_names().index("cos")] = -1.0
    zh = SideModel(np.zeros(N), np.ones(N), coef, 0.5, 0.99, 0.1, free_median_logit, None)
    return DivergenceModel("stand-in", zh, SideModel(np.zeros(N), np.ones(N), coef, 0.5, 0.99, 0.1,
                                                      free_median_logit, 0.2))


@pytest.mark.parametrize(
    "src_lang, free_median_logit, expected",
    [
        # zh→en, the document free (median logit about -0.2 above -5): the English side's hints on its likeliest
        # fifth, as additions; nothing from the Chinese side model (no hint share)
        ("zh", -5.0, {3: ["addition"], 7: ["addition"]}),
        # zh→en, not free (below 5): every bead's Chinese side above the info cut-off; additions still capped
        ("zh", 5.0, {k: ["partial", "addition"] if k in (3, 7) else ["partial"] for k in range(10)}),
        # en→zh: the English side's flags are omissions (partial), where no hint share was measured: the gate alone,
        # as before 0.3.8 (README: a free document gets no partial flags)
        ("en", -5.0, {}),
        ("en", 5.0, {k: ["partial", "addition"] for k in range(10)}),
    ],
)
def test_hints_go_to_the_likeliest_additions_of_a_chinese_english_document_only(lexicon, src_lang, free_median_logit,
                                                                                expected):
    from aligner.data import Bead, Sentence, Side
    from aligner.qa import build_context
    from aligner.qa.calibrated import calibrated_flags
    from aligner.qa_config import QAConfig

    def side(lang, texts):
        return Side(lang, f"<{lang}>", tuple(Sentence(i, t, i, i + 1) for i, t in enumerate(texts)))

    zh, en = side("zh", DOC_ZH), side("en", DOC_EN)
    src, tgt = (zh, en) if src_lang == "zh" else (en, zh)
    beads = [Bead((i,), (i,), s) for i, s in enumerate(DOC_SCORES)]
    ctx = build_context(src, tgt, beads, config=QAConfig(calibrated_min_coverage=0.0), lexicon=lexicon)
    got = calibrated_flags(ctx, stand_in_model(free_median_logit))
    assert {k: [f.code for f in fl] for k, fl in got.flags.items()} == expected
    assert all(f.severity == Severity.INFO for fl in got.flags.values() for f in fl)
    assert len(got.p_omission) == len(got.p_addition) == 10


# --- model file ----------------------------------------------------------------------------
def test_shipped_model_loads_and_matches_the_features():
    m = load_model()
    assert isinstance(m, DivergenceModel)
    for sm in (m.zh, m.en):
        assert sm.coef.shape == (N,) and (sm.scale > 0).all()
        assert 0.0 < sm.info < sm.warning < 1.0


def test_shipped_model_hints_additions_in_a_share_of_each_document():
    """The English side model carries a hint share (bench/qa_mqm_fit.py HINT_SHARE), the Chinese one none."""
    m = load_model()
    assert m.zh.hint_share is None
    assert m.en.hint_share is not None and 0.0 < m.en.hint_share <= 1.0


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5, float("nan"),
                                   "0.2", True, [0.2]])  # red team 0.3.8: a string or true was read as a share
def test_model_file_with_a_hint_share_out_of_range_is_refused(tmp_path: Path, share):
    d = json.loads(MODEL_PATH.read_text())
    d["en"]["hint_share"] = share
    p = tmp_path / "m.json"
    p.write_text(json.dumps(d))
    with pytest.raises(ModelFileError, match=r"m\.json en: hint_share"):
        load_model(str(p))


@pytest.mark.parametrize("share, expected", [(None, None), ("absent", None), (1, 1.0), (0.2, 0.2)])
def test_model_file_hint_share_null_absent_or_a_number(tmp_path: Path, share, expected):
    """A model file from before mqm-dev-3 has no hint_share: the side model then has none."""
    d = json.loads(MODEL_PATH.read_text())
    if share == "absent":
        del d["en"]["hint_share"]
    else:
        d["en"]["hint_share"] = share
    p = tmp_path / "m.json"
    p.write_text(json.dumps(d))
    assert load_model(str(p)).en.hint_share == expected


def test_model_file_with_other_features_is_refused(tmp_path: Path):
    d = json.loads(MODEL_PATH.read_text())
    d["features"] = list(d["features"])[:-1]
    p = tmp_path / "m.json"
    p.write_text(json.dumps(d))
    with pytest.raises(ModelFileError, match="do not match"):
        load_model(str(p))


# --- merge_flags -----------------------------------------------------------------------------
W, I, E = Severity.WARNING, Severity.INFO, Severity.ERROR


@pytest.mark.parametrize(
    "existing, new, expected",
    [
        ([], [("partial", W)], [("partial", W)]),  # nothing there: added
        ([("partial", I)], [("partial", W)], [("partial", W)]),  # stronger: replaces the weaker
        ([("partial", W)], [("partial", I)], [("partial", W)]),  # weaker: not added
        ([("partial", W)], [("partial", W)], [("partial", W)]),  # same severity: the existing one stays
        ([("number_mismatch", E)], [("addition", I)], [("number_mismatch", E), ("addition", I)]),  # other codes stay
    ],
)
def test_merge_keeps_one_flag_per_code_the_strongest(existing, new, expected):
    ex = [Flag(c, s, "old") for c, s in existing]
    nw = [Flag(c, s, "new") for c, s in new]
    got = merge_flags(ex, nw)
    assert [(f.code, f.severity) for f in got] == expected


# --- features (real CC-CEDICT, no encoder) -----------------------------------------------------
@pytest.fixture(scope="module")
def lexicon():
    from aligner.qa import Lexicon

    return Lexicon()


@pytest.fixture(scope="module")
def matcher(lexicon):
    return lexicon.matcher


# MQM dev, wmt23 chinanews 280744 seg 3 (majority omission of the second clause; the English is cut by hand here)
ZH = "推进中国式现代化涉及经济、政治、文化、社会、生态文明等各个领域，既要做好系统谋划，又要勇于改革创新，不断实现整体推进。"
EN_FULL = ("Promoting Chinese-style modernization involves various fields such as economy, politics, culture, "
           "society and ecological civilization; it requires systematic planning, bold reform and innovation, "
           "and continuous overall progress.")
EN_CUT = ("Promoting Chinese-style modernization involves various fields such as economy, politics, culture, "
          "society and ecological civilization.")


def test_dictionary_features_see_the_dropped_clause(matcher):
    cols = {n: i for i, n in enumerate(feature_names())}
    X = features([BeadPair(ZH, EN_FULL), BeadPair(ZH, EN_CUT)], np.array([0.8, 0.75]), np.array([0.0, -1.5]), 0.25,
                 matcher, None)["zh"]
    full, cut = X
    assert cut[cols["miss"]] > full[cols["miss"]]
    assert cut[cols["cov"]] < full[cols["cov"]]
    assert cut[cols["clause_miss"]] > full[cols["clause_miss"]]
    assert cut[cols["len_z"]] == pytest.approx(1.5)  # the English is 1.5 sd shorter than usual
    assert full[cols["gain"]] == cut[cols["gain"]] == pytest.approx(-0.1)  # no encoder: no leave-out evidence


def test_features_of_an_empty_document_have_the_right_shape(matcher):
    X = features([], np.zeros(0), np.zeros(0), 0.25, matcher, None)
    assert X["zh"].shape == (0, N) and X["en"].shape == (0, N)


@pytest.mark.parametrize(
    "zh, en, feature, expected",
    [
        ("【环球时报驻比利时特派记者牛瑞飞】据法新社2月10日报道，欧盟峰会结束。", "The EU summit ended, AFP reported.",
         "bracket", 1.0),  # MQM dev: a dropped dateline
        ("【环球时报记者】欧盟峰会结束。", "[Global Times] The EU summit ended.", "bracket", 0.0),  # rendered
        ("欧盟峰会结束了。", "The EU summit", "open_end", 1.0),  # the English stops mid-way
        ("欧盟峰会结束了。", "The EU summit ended.", "open_end", 0.0),
    ],
)
def test_punctuation_features(matcher, zh, en, feature, expected):
    i = feature_names().index(feature)
    X = features([BeadPair(zh, en)], np.array([0.7]), np.array([0.0]), 0.25, matcher, None)["zh"]
    assert X[0, i] == expected


# --- end to end on the real encoder ---------------------------------------------------------------
@pytest.mark.slow
def test_a_dropped_clause_raises_the_omission_probability_and_is_named(tmp_path):
    from aligner.config import AlignConfig
    from aligner.data import Sentence, Side
    from aligner.embed import Embedder, get_encoder
    from aligner.pipeline import align_sides

    zh = ["欧盟峰会周四在布鲁塞尔开幕。", "各国领导人讨论了难民政策。", ZH, "会议将持续两天。", "记者将继续关注。"] * 2
    en = ["The EU summit opened in Brussels on Thursday.", "Leaders discussed refugee policy.", EN_FULL,
          "The meeting will last two days.", "Reporters will continue to follow it."] * 2
    en[7] = EN_CUT
    src = Side("zh", "zh", tuple(Sentence(i, t, 0, i + 1) for i, t in enumerate(zh)))
    tgt = Side("en", "en", tuple(Sentence(i, t, 0, i + 1) for i, t in enumerate(en)))
    cfg = AlignConfig(cache_dir=tmp_path)
    al = align_sides(src, tgt, config=cfg, embedder=Embedder(get_encoder(cfg.model), cfg), presplit_input=True)
    by_src = {b.src_ids: b for b in al.beads}
    full, cut = by_src[(2,)], by_src[(7,)]
    assert cut.p_omission > full.p_omission
    partial = [f for f in cut.flags if f.code == "partial"]
    dropped = ("既要做好系统谋划", "又要勇于改革创新", "不断实现整体推进")  # what EN_CUT leaves out
    assert partial and any(c in f.reason for f in partial for c in dropped)


# --- the words a reason quotes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "words, expected",
    [
        (["United", "States", "United States"], ["United States"]),  # the name once, where its first word stood
        (["a", "United", "b", "States", "United States"], ["a", "United States", "b"]),
        (["Alexey", "Alexey Mukhin"], ["Alexey", "Alexey Mukhin"]),  # Mukhin is rendered: both stay
        (["Russia-US", "Russia", "US"], ["Russia-US"]),
        ([], []),
    ],
)
def test_names_for_parts(words, expected):
    assert _names_for_parts(words) == expected


@pytest.mark.parametrize(
    "zh, quoted, not_quoted",
    [
        # red team, seed 000: 美国 glosses "United States"; its words were rendered, the name was quoted
        ("这是一股强大的政治潮流,不仅影响着美国,也影响着欧洲。", ["undercurrent"], ["United States", "United", "States"]),
        # no 美国: the name is quoted once, not with each of its words
        ("这是一股强大的政治潮流,也影响着欧洲。", ["United States"], ["United", "States"]),
    ],
)
def test_an_english_name_is_quoted_only_when_unrendered(matcher, zh, quoted, not_quoted):
    from aligner.qa.softmatch import unmatched

    en = "This is a very powerful undercurrent, a powerful tendency in the United States and in Europe as well."
    words = evidence_words(BeadPair(zh, en), False, matcher, soft=unmatched(zh, en, matcher))
    assert all(w in words for w in quoted) and not any(w in words for w in not_quoted)


# --- the free-translation gate: a document's median logit shrunk by its size (mqm-dev-4) --------------------------

@pytest.mark.parametrize(
    "p, prior, pseudo, expected",
    [
        ([0.5] * 4, -3.0, 0.0, 0.0),  # no pseudo beads: the plain median logit (before mqm-dev-4)
        ([0.5] * 10, -3.0, 10.0, -1.5),  # ten beads against ten pseudo beads: halfway to the prior
        ([0.5] * 990, -3.0, 10.0, -0.03),  # a book: its own median, nearly
        ([], -3.0, 10.0, -3.0),  # no beads: the prior
        ([0.1, 0.5, 0.9], -2.0, 1.0, -0.5),  # median logit 0: (3 * 0 + 1 * -2) / 4
    ],
)
def test_document_logit_shrinks_the_median_towards_the_prior(p, prior, pseudo, expected):
    assert document_logit(np.array(p), prior, pseudo) == pytest.approx(expected)


def test_a_short_document_is_judged_mostly_by_the_prior_a_long_one_by_its_own_beads():
    """The same median logit (-2.5, above the gate -2.8) reads as free over 150 beads, but not over 10: shrunk by
    10 pseudo beads at the prior -3.3 it is (10 * -2.5 + 10 * -3.3) / 20 = -2.9 (150 beads: -2.55)."""
    m = replace(side_model(np.zeros(N)), free_median_logit=-2.8, free_prior_logit=-3.3, free_pseudo_beads=10.0)
    p = 1 / (1 + np.exp(2.5))  # logit -2.5
    assert document_logit(np.full(10, p), -3.3, 0.0) == pytest.approx(-2.5)  # the plain median: free
    assert not is_free(np.full(10, p), m)
    assert is_free(np.full(150, p), m)
    assert is_free(np.full(10, p), replace(m, free_pseudo_beads=0.0))  # before mqm-dev-4


def test_a_document_with_low_cosines_is_free_whatever_its_size():
    """A short literary passage: the shrinkage judges it by the prior (not free), its median bead cosine (under
    nearly every rated document's) says free."""
    m = replace(side_model(np.zeros(N)), free_median_logit=-2.8, free_prior_logit=-3.3, free_pseudo_beads=10.0,
                free_below_cos=0.6)
    p = np.full(10, 1 / (1 + np.exp(2.5)))  # logit -2.5: shrunk -2.9, under the gate
    assert not is_free(p, m, doc_cos=0.7)
    assert is_free(p, m, doc_cos=0.5)
    assert not is_free(p, replace(m, free_below_cos=-1.0), doc_cos=0.5)  # no floor (before mqm-dev-4)


@pytest.mark.parametrize("field, value", [("free_pseudo_beads", -1.0), ("free_pseudo_beads", "10"),
                                          ("free_prior_logit", float("nan")), ("free_prior_logit", True),
                                          ("free_below_cos", float("inf")), ("free_below_cos", None)])
def test_model_file_with_a_bad_shrinkage_is_refused(tmp_path: Path, field, value):
    d = json.loads(MODEL_PATH.read_text())
    d["zh"][field] = value
    p = tmp_path / "m.json"
    p.write_text(json.dumps(d))
    with pytest.raises(ModelFileError, match=rf"m\.json zh: {field}"):
        load_model(str(p))


def test_model_file_without_a_shrinkage_keeps_the_plain_median(tmp_path: Path):
    """A model file from before mqm-dev-4 has none of the three fields: no pseudo beads, no cosine floor."""
    d = json.loads(MODEL_PATH.read_text())
    for side in ("zh", "en"):
        del d[side]["free_prior_logit"], d[side]["free_pseudo_beads"], d[side]["free_below_cos"]
    p = tmp_path / "m.json"
    p.write_text(json.dumps(d))
    m = load_model(str(p))
    assert m.zh.free_pseudo_beads == 0.0 and m.en.free_pseudo_beads == 0.0
    assert m.zh.free_below_cos == -1.0


def test_shipped_model_shrinks_by_document_size_and_has_a_cosine_floor():
    m = load_model()
    for sm in (m.zh, m.en):
        assert sm.free_pseudo_beads > 0 and sm.free_prior_logit < sm.free_median_logit
        assert 0.0 < sm.free_below_cos < 1.0
