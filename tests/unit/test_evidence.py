"""Honest follow-ups (domain/evidence.py, services/evidence.py): GIVEN follow-ups filed for other
complaints, WHEN a new follow-up reuses a photo (a near match) or copies a text with a word or two
changed, THEN it is flagged; a genuinely new photo or text is not, nor is the same complaint's
own earlier follow-up; and the index finds every photo match the rules may ask for."""
from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from chalicelib.domain.evidence import (
    MAX_DISTANCE,
    PHOTO,
    TEXT,
    Evidence,
    Thresholds,
    distance,
    flags,
    photo_index_keys,
    photo_lookup_keys,
    shingles,
    similarity,
)
from chalicelib.domain.model import Event
from chalicelib.rules.bundle import load_bundle
from chalicelib.services.evidence import check, file_follow_ups, refuses_approval, thresholds
from tests.fakes_evidence import FakeEvidenceIndex

AT = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
ROAD = "Jalan berlubang di depan pasar sudah kami tambal dengan aspal baru dan sudah rata kembali."
ROAD_SCHOOL = "Jalan berlubang di depan sekolah sudah kami tambal dengan aspal baru dan sudah rata kembali."
PERMIT = "Petugas sudah menghubungi pelapor dan izin usaha akan terbit minggu depan setelah verifikasi."


def followed_up(cid, note, photos=None, seq=3):
    return Event(cid, seq, AT, "followed_up", "operator", "op-1", note,
                 {"photo_hashes": {k: f"{v:016x}" for k, v in (photos or {}).items()}})


@pytest.fixture
def index():
    idx = FakeEvidenceIndex()
    file_follow_ups(idx, [followed_up("ADU-A", ROAD, {"att-1": 0x0123456789ABCDEF})])
    return idx


def test_a_text_with_one_word_changed_is_a_copy_and_an_unrelated_one_is_not(index):
    rules = load_bundle()
    [flag] = check(index, rules, "ADU-B", ROAD_SCHOOL, {}, AT)
    assert (flag.kind, flag.matches_complaint, flag.ref) == (TEXT, "ADU-A", "text") and flag.score == 75
    assert check(index, rules, "ADU-B", PERMIT, {}, AT) == []
    assert check(index, rules, "ADU-B", "Sudah selesai.", {}, AT) == []       # too short to tell


def test_a_reused_photo_is_flagged_within_the_rules_distance_and_a_new_one_is_not(index):
    rules = load_bundle()
    near = 0x0123456789ABCDEF ^ 0b10101          # 3 bits changed: recompressed, cropped a little
    [flag] = check(index, rules, "ADU-C", PERMIT, {"att-9": near}, AT)
    assert (flag.kind, flag.ref, flag.score) == (PHOTO, "att-9", 3)
    assert check(index, rules, "ADU-C", PERMIT, {"att-9": 0xFEDCBA9876543210}, AT) == []


def test_the_same_complaints_own_earlier_follow_up_is_not_a_copy(index):
    assert check(index, load_bundle(), "ADU-A", ROAD, {"att-2": 0x0123456789ABCDEF}, AT) == []


def test_the_thresholds_and_the_action_are_rules():
    rules = load_bundle()
    assert thresholds(rules, AT) == Thresholds(photo_max_distance=5, text_min_similarity=70)
    assert refuses_approval(rules, AT) is False
    strict = Thresholds(photo_max_distance=0, text_min_similarity=80)
    mine = [Evidence(TEXT, "B", "text", grams=shingles(ROAD_SCHOOL)), Evidence(PHOTO, "B", "p", photo_hash=1)]
    theirs = [Evidence(TEXT, "A", "f", grams=shingles(ROAD)), Evidence(PHOTO, "A", "q", photo_hash=3)]
    assert flags(mine, theirs, strict) == []
    assert len(flags(mine, theirs, Thresholds(photo_max_distance=1, text_min_similarity=75))) == 2


def test_the_photo_index_finds_every_match_up_to_the_maximum_distance():
    rng = random.Random(7)  # noqa: S311 - reproducible test data, not a secret
    for _ in range(300):
        h = rng.getrandbits(64)
        other = h
        for bit in rng.sample(range(64), rng.randint(0, MAX_DISTANCE)):
            other ^= 1 << bit
        assert distance(h, other) <= MAX_DISTANCE
        assert set(photo_index_keys(h)) & set(photo_lookup_keys(other))


def test_similarity_ignores_case_punctuation_and_accents():
    assert similarity(shingles("Sudah DIPERBAIKI, jalan di Désa Sukarame kemarin sore."),
                      shingles("sudah diperbaiki jalan di desa sukarame kemarin sore")) == 1.0


@pytest.mark.parametrize("name, bad", [("photo_max_distance", "9"), ("text_min_similarity", "0"),
                                       ("action", "tolak")])
def test_rules_check_refuses_evidence_rules_the_index_cannot_honour(tmp_path, name, bad):
    import shutil
    from pathlib import Path

    from lampungin.rules.check import full_check
    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[2] / "rules", rules)
    path = rules / "parameters" / "evidence.yaml"
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{name}:"))
    value = next(i for i in range(at, len(lines)) if lines[i].strip().startswith("value:"))
    lines[value] = lines[value].split("value:")[0] + f"value: {bad}"
    path.write_text("\n".join(lines) + "\n")
    problems = full_check(rules)
    assert [(p.file.endswith("evidence.yaml"), p.line, p.code) for p in problems] == [(True, value + 1, "bad_value")]
