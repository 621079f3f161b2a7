"""The rules bundle: built deterministically, versioned by content, never used when stale, and
enough for the Lambda on its own (no PyYAML, no holidays, no AWS)."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone

import pytest

from chalicelib.rules import StaleBundle, UnknownCategory, load_bundle
from chalicelib.rules.bundle import PACKAGE_DIR
from lampungin.rules.build import build
from tests.rules.helpers import edit, rules_copy

UTC = timezone.utc


@pytest.fixture
def built(tmp_path):
    rules = rules_copy(tmp_path)
    out = tmp_path / "bundle.json"
    bundle, problems = build(rules, out, built_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert problems == []
    return rules, out, bundle


def test_version_is_a_content_hash_that_ignores_built_at(built, tmp_path):
    rules, out, first = built
    again, _ = build(rules, tmp_path / "again.json", built_at=datetime(2027, 5, 5, tzinfo=UTC))
    for key in ("version", "source_hash", "content_hash"):
        assert first["manifest"][key] == again["manifest"][key]
    assert first["manifest"]["built_at"] != again["manifest"]["built_at"]
    assert len(first["manifest"]["version"]) == 12
    assert oct(out.stat().st_mode & 0o777) == "0o644"          # readable by Lambda's runtime user


def test_changing_a_rule_changes_the_version_but_a_test_case_does_not(built, tmp_path):
    rules, _, first = built
    (rules / "tests" / "extra.yaml").write_text("cases: []\n")
    same, _ = build(rules, tmp_path / "b.json")
    edit(rules / "parameters" / "clocks.yaml", "value: 24", "value: 12")
    changed, _ = build(rules, tmp_path / "c.json")
    assert same["manifest"]["version"] == first["manifest"]["version"]
    assert changed["manifest"]["version"] != first["manifest"]["version"]


def test_a_stale_bundle_is_never_used(built):
    rules, out, _ = built
    assert load_bundle(out, source_dir=rules).version
    edit(rules / "parameters" / "clocks.yaml", "value: 24", "value: 12")
    with pytest.raises(StaleBundle, match="lampungin rules build"):
        load_bundle(out, source_dir=rules)


def test_a_missing_bundle_says_how_to_build_it(tmp_path):
    with pytest.raises(StaleBundle, match="no rules bundle .* run .*lampungin rules build"):
        load_bundle(tmp_path / "nothing.json")


def test_without_rules_beside_it_the_bundle_is_trusted_and_cached(built, tmp_path):
    _, out, first = built
    bundle = load_bundle(out, source_dir=tmp_path / "no-rules-here")
    assert bundle is load_bundle(out, source_dir=tmp_path / "no-rules-here")
    assert bundle.version == first["manifest"]["version"]


def test_a_build_with_errors_writes_nothing(tmp_path):
    rules = rules_copy(tmp_path)
    edit(rules / "routing" / "categories.yaml", "opd: BMBK", "opd: PUPR")
    bundle, problems = build(rules, tmp_path / "out.json")
    assert bundle is None and problems and not (tmp_path / "out.json").exists()


def test_routing_table_has_the_province_and_its_regencies(built):
    _, out, _ = built
    bundle = load_bundle(out, check=False)
    province = bundle.opds_of("LAMPUNG")
    assert len(province) == 15 and {"INSPEKTORAT", "BIRO-ORG", "RSUDAM"} <= {o.code for o in province}
    names = [j.name for j in bundle.jurisdictions.values()]
    assert len(names) == 15
    assert sum(n.startswith("Kabupaten ") for n in names) == 13 and sum(n.startswith("Kota ") for n in names) == 2
    assert [j.kind for j in bundle.jurisdictions.values()].count("kota") == 2
    per_sector = Counter(c.sector for c in bundle.categories)
    assert all(5 <= per_sector[s] <= 9 for s in ("perizinan", "pendidikan", "kesehatan", "pajak"))
    assert 9 <= per_sector["lainnya"] <= 11        # + jalan-kabupaten and sampah, routed by region
    assert bundle.category(bundle.default_category).opd == "BIRO-ORG"


def test_every_jurisdiction_has_a_contact_in_both_languages(built):
    _, out, _ = built
    bundle = load_bundle(out, check=False)
    for j in bundle.jurisdictions.values():
        assert set(j.contact) == {"id", "en"}
        assert j.contact["id"].startswith(f"Inspektorat {j.name}") and "www.lapor.go.id" in j.contact["en"]
    metro = bundle.jurisdictions["METRO"]
    assert metro.contact_in("en") == metro.contact["en"] and metro.contact_in("jv") == metro.contact["id"]


def test_the_bundle_carries_the_notification_templates(built):
    _, out, _ = built
    bundle = load_bundle(out, check=False)
    metro = bundle.jurisdictions["METRO"]
    title, body = bundle.templates.render("citizen.forwarded", "id", {
        "complaint_id": "ADU-2026-000001", "jurisdiction": metro.name,
        "jurisdiction_contact": metro.contact_in("id")})
    assert title == "Aduan ADU-2026-000001 diteruskan ke Kota Metro"
    assert body.endswith("Hubungi: Inspektorat Kota Metro, atau layanan aduan nasional SP4N-LAPOR! di www.lapor.go.id")
    assert bundle.templates is bundle.templates                   # parsed once per bundle


def test_a_template_error_stops_the_build(tmp_path):
    rules = rules_copy(tmp_path)
    edit(rules / "notifications" / "warga.yaml", "{complaint_id}: {note}.", "{complaint_id}: {note.text}.")
    bundle, problems = build(rules, tmp_path / "out.json")
    assert bundle is None and [p.code for p in problems] == ["template_field"]
    assert not (tmp_path / "out.json").exists()


def test_route_names_rule_version_and_reason_in_both_languages(built):
    _, out, first = built
    bundle = load_bundle(out, check=False)
    decision = bundle.route("pajak-kendaraan")
    assert (decision.opd, decision.sector, decision.rule_id) == ("BAPENDA", "pajak", "routing/pajak-kendaraan")
    assert decision.rules_version == first["manifest"]["version"]
    for lang in ("id", "en"):
        assert "routing/pajak-kendaraan" in decision.explanation[lang]
        assert decision.rules_version in decision.explanation[lang]
    with pytest.raises(UnknownCategory):
        bundle.route("pajak-rokok")


def test_service_levels_publish_the_deadlines_in_force(built):
    _, out, first = built
    levels = load_bundle(out, check=False).service_levels(datetime(2026, 3, 1, tzinfo=UTC))
    assert levels["rules_version"] == first["manifest"]["version"]
    by_clock = {c["clock"]: c for c in levels["clocks"]}
    assert by_clock["followup"]["hours"] == 24 and by_clock["approval"]["hours"] == 72
    assert by_clock["followup"]["reference"] and by_clock["followup"]["in_force_since"] == "2025-01-01"
    assert {"sanction.operator.miss", "report.opd.repeat"} <= {r["rule_id"] for r in levels["sanctions"]}
    json.dumps(levels)


def test_holidays_are_compiled_in(built):
    _, _, bundle = built
    days = bundle["calendar"]["holidays"]
    assert days["2026-03-20"]["source"] == "cuti_bersama"
    assert days["2026-08-17"]["source"] == "national"


def test_the_lambda_side_imports_no_yaml_holidays_or_aws(built):
    _, out, _ = built
    code = f"""
import sys, json
from datetime import datetime, timezone
from chalicelib.rules import load_bundle
b = load_bundle({str(out)!r}, check=False)
b.route('bencana'); b.templates.render('citizen.forwarded', 'en', {{}})
b.due_at('approval', datetime(2026, 3, 17, tzinfo=timezone.utc))
b.evaluate({{"event": "missed", "clock": "followup", "misses": 1, "at": datetime(2026, 3, 17, tzinfo=timezone.utc)}})
print(json.dumps(sorted(m for m in ("yaml", "holidays", "boto3", "botocore", "pynamodb") if m in sys.modules)))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=PACKAGE_DIR.parent.parent, check=True)
    assert json.loads(result.stdout) == []
