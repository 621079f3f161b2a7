"""Lampung's Kemendagri regions: the shipped data (rules/regions/), its check and compile
(lampungin/rules/regions.py), the Lambda's reader (chalicelib/rules/regions.py) and the import
tool (tools/import-regions).

GIVEN the shipped rules/regions/, THEN it holds Lampung's 13 kabupaten and 2 kota under their
Kemendagri codes, every region under its parent, and `rules check` finds nothing. GIVEN a small
CSV with one mistake, WHEN checked, THEN exactly that mistake is reported at its line.
"""
from __future__ import annotations

import csv
import importlib.machinery
import importlib.util
import io
import json
import re
import shutil
import tarfile
import time
from pathlib import Path

import pytest

from chalicelib.rules.regions import KABUPATEN_KOTA, Region, Regions, normalise
from lampungin.rules.regions import check_regions, compile_regions

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"

KABUPATEN_KOTA_NAMES = {
    "18.01": ("kabupaten", "Kabupaten Lampung Selatan"), "18.02": ("kabupaten", "Kabupaten Lampung Tengah"),
    "18.03": ("kabupaten", "Kabupaten Lampung Utara"), "18.04": ("kabupaten", "Kabupaten Lampung Barat"),
    "18.05": ("kabupaten", "Kabupaten Tulang Bawang"), "18.06": ("kabupaten", "Kabupaten Tanggamus"),
    "18.07": ("kabupaten", "Kabupaten Lampung Timur"), "18.08": ("kabupaten", "Kabupaten Way Kanan"),
    "18.09": ("kabupaten", "Kabupaten Pesawaran"), "18.10": ("kabupaten", "Kabupaten Pringsewu"),
    "18.11": ("kabupaten", "Kabupaten Mesuji"), "18.12": ("kabupaten", "Kabupaten Tulang Bawang Barat"),
    "18.13": ("kabupaten", "Kabupaten Pesisir Barat"), "18.71": ("kota", "Kota Bandar Lampung"),
    "18.72": ("kota", "Kota Metro"),
}
TUGU_ADIPURA, METRO, SEA = (-5.4295, 105.2620), (-5.1131, 105.3067), (-5.95, 105.60)   # the sea: Sunda Strait


@pytest.fixture(scope="module")
def regions() -> Regions:
    return Regions(compile_regions(RULES))


# --- the shipped data -------------------------------------------------------------------------

def test_the_shipped_regions_pass_the_check():
    assert check_regions(RULES) == []


def test_lampung_has_13_kabupaten_and_2_kota_with_their_kemendagri_codes(regions):
    found = {r.code: (r.level, r.name) for r in regions.of_level(*KABUPATEN_KOTA)}
    assert found == KABUPATEN_KOTA_NAMES
    assert regions.get("18") == Region("18", None, "provinsi", "Lampung")


def test_counts_agree_with_the_source_and_are_lampungs_own(regions):
    source = regions.source
    assert source["package"] == "idn-area-data" and source["licence"] == "ODbL-1.0"
    assert source["integrity"].startswith("sha512-")
    counts = {level: len(regions.of_level(level)) for level in source["counts"]}
    assert counts == source["counts"]
    assert counts["kecamatan"] == 229 and counts["desa"] + counts["kelurahan"] == 2651
    assert len(regions) == sum(counts.values())


def test_every_region_lies_under_its_parent_up_to_the_province(regions):
    for region in regions.of_level("desa", "kelurahan"):
        chain = [region]
        while chain[-1].parent is not None:
            parent = regions.get(chain[-1].parent)
            assert parent is not None and chain[-1].code.startswith(parent.code + ".")
            chain.append(parent)
        assert [r.level for r in chain][1:] in (["kecamatan", "kabupaten", "provinsi"],
                                                ["kecamatan", "kota", "provinsi"])


def test_names_are_written_as_indonesians_write_them(regions):
    assert regions.name("18.71.01") == "Kedaton"                    # not "Kecamatan Kedaton", not "KEDATON"
    assert regions.get("18.71.01.1003") == Region("18.71.01.1003", "18.71.01", "kelurahan", "Kedaton")
    assert regions.name("18.71.02.1008") == "Korpri Jaya"           # the package writes "Korpri jaya"
    for region in regions.of_level("kecamatan", "desa", "kelurahan"):
        assert region.name == region.name.strip() and region.name[0].isupper() and not region.name.isupper()
        assert not region.name.lower().startswith(("kecamatan ", "desa ", "kelurahan "))


def test_kota_villages_are_kelurahan_by_their_code(regions):
    for region in regions.of_level("desa", "kelurahan"):
        assert region.level == ("kelurahan" if region.code[-4] == "1" else "desa")
    assert all(k.level == "kelurahan" for c in regions.children("18.71") for k in regions.children(c.code))


def test_the_import_tool_pins_what_source_yaml_records(regions):
    tool = _tool()
    assert (tool.PACKAGE, tool.VERSION, tool.INTEGRITY) == (
        regions.source["package"], regions.source["version"], regions.source["integrity"])


# --- the reader -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "want"), [
    ("18", "18"), ("1871", "18.71"), ("18.71", "18.71"), ("187101", "18.71.01"), ("18.71.01", "18.71.01"),
    ("1871011001", "18.71.01.1001"), ("18.71.01.1001", "18.71.01.1001"), (" 18.71 ", "18.71"),
])
def test_normalise_accepts_the_ways_a_code_is_written(text, want):
    assert normalise(text) == want


@pytest.mark.parametrize("text", [
    "", "1", "187", "18.7", "18.710", "1871.01", "18.7101", "18..71", "18.71.", ".18", "18.71.01.100",
    "18.71.01.10011", "18711001", "187101100", "18-71", "18 71", "18.71\n", "abc", "18,71",
    "١٨", "١٨٧١", "18.٧١", "１８７１", "18.71.01.1001\u200b", "1" * 5000, "18." * 2000,
])
def test_normalise_refuses_everything_else(text):
    assert normalise(text) is None


def test_normalise_refuses_a_huge_string_at_once():
    huge = "1" * 5_000_000
    started = time.perf_counter()
    assert normalise(huge) is None and normalise(None) is None and normalise(1871) is None
    assert time.perf_counter() - started < 0.01


def test_get_valid_and_name(regions):
    assert regions.get("1871") == regions.get("18.71") and regions.valid("18.72")
    assert regions.name("18.72") == "Kota Metro"
    assert not regions.valid("18.99") and not regions.valid("18.71.99") and not regions.valid("nope")
    assert regions.get("19") is None and regions.name("18.71.01.9999") is None


def test_kabupaten_kota_of_is_the_18_xx_ancestor(regions):
    assert regions.kabupaten_kota_of("18.71.01.1003") == "18.71"
    assert regions.kabupaten_kota_of("1871011003") == "18.71"
    assert regions.kabupaten_kota_of("18.72") == "18.72"
    assert regions.kabupaten_kota_of("18.01.04") == "18.01"
    assert regions.kabupaten_kota_of("18") is None and regions.kabupaten_kota_of("18.99.01") is None


def test_children_are_the_direct_ones_by_code(regions):
    kk = regions.children("18")
    assert [r.code for r in kk] == sorted(KABUPATEN_KOTA_NAMES)
    metro = regions.children("18.72")
    assert [(r.code, r.name) for r in metro] == [("18.72.01", "Metro Pusat"), ("18.72.02", "Metro Utara"),
                                                  ("18.72.03", "Metro Barat"), ("18.72.04", "Metro Timur"),
                                                  ("18.72.05", "Metro Selatan")]
    assert all(r.parent == "18.72" and r.level == "kecamatan" for r in metro)
    kedaton = regions.children("18.71.01")
    assert kedaton and [r.code for r in kedaton] == sorted(r.code for r in kedaton)
    assert regions.children("18.71.01.1003") == [] and regions.children("18.99") == []
    kedaton.clear()
    assert regions.children("18.71.01")                                  # a copy: the index is not mutated


def test_contains_is_equal_or_under(regions):
    assert regions.contains("18", "18.71.01.1003") and regions.contains("18.71", "18.71.01.1003")
    assert regions.contains("18.71", "18.71") and regions.contains("1871", "18.71.01")
    assert not regions.contains("18.71", "18.72.01") and not regions.contains("18.71.01", "18.71")
    assert not regions.contains("18.7", "18.71") and not regions.contains("18.71", "18.71.99")


def test_without_boundaries_locate_answers_none(regions):
    assert not (RULES / "regions" / "boundaries.json").exists()
    assert regions.locate(*TUGU_ADIPURA) is None


def test_construction_is_fast(regions):
    compiled = compile_regions(RULES)
    started = time.perf_counter()
    for _ in range(10):
        Regions(compiled)
    assert (time.perf_counter() - started) / 10 < 0.05


# --- locate, on polygons written here ---------------------------------------------------------

def square(lon: float, lat: float, half: float) -> list[list[float]]:
    return [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half],
            [lon - half, lat - half]]


def test_locate_finds_the_kabupaten_kota_whose_polygon_holds_the_point(tmp_path):
    rules = _copy(tmp_path)
    boundaries = {
        "18.71": [square(105.26, -5.43, 0.08)],
        "18.72": [square(105.31, -5.11, 0.04)],
        # Lampung Selatan around Bandar Lampung, with the city as its hole, and an island of its own
        "18.01": [square(105.26, -5.43, 0.3), square(105.26, -5.43, 0.08), square(105.75, -5.85, 0.05)],
    }
    (rules / "regions" / "boundaries.json").write_text(json.dumps(boundaries))
    assert check_regions(rules) == []
    compiled = compile_regions(rules)
    assert compiled["boundaries"] == boundaries
    regions = Regions(json.loads(json.dumps(compiled)))                 # as it comes out of the bundle
    assert regions.locate(*TUGU_ADIPURA) == "18.71"
    assert regions.locate(*METRO) == "18.72"
    assert regions.locate(-5.60, 105.26) == "18.01"                     # around the city, not in it
    assert regions.locate(-5.85, 105.75) == "18.01"                     # on its island
    assert regions.locate(*SEA) is None
    assert regions.locate(0.0, 0.0) is None


def test_locate_on_a_concave_polygon():
    # a "U": the notch between its arms is outside though inside the bounding box
    u = [[0.0, 0.0], [3.0, 0.0], [3.0, 3.0], [2.0, 3.0], [2.0, 1.0], [1.0, 1.0], [1.0, 3.0], [0.0, 3.0]]
    regions = Regions({"rows": [["18", "", "provinsi", "Lampung"], ["18.71", "18", "kota", "Kota Bandar Lampung"]],
                       "boundaries": {"18.71": [u]}})
    assert regions.locate(0.5, 0.5) == "18.71" and regions.locate(2.5, 2.5) == "18.71"
    assert regions.locate(2.5, 1.5) is None and regions.locate(-0.1, 1.5) is None


# --- the check, on small files written here ----------------------------------------------------

GOOD = [
    ["18", "", "provinsi", "Lampung"],
    ["18.71", "18", "kota", "Kota Bandar Lampung"],
    ["18.71.01", "18.71", "kecamatan", "Kedaton"],
    ["18.71.01.1003", "18.71.01", "kelurahan", "Kedaton"],
    ["18.01", "18", "kabupaten", "Kabupaten Lampung Selatan"],
    ["18.01.04", "18.01", "kecamatan", "Natar"],
    ["18.01.04.2001", "18.01.04", "desa", "Hajimena"],
]
COUNTS = {"provinsi": 1, "kabupaten": 1, "kota": 1, "kecamatan": 2, "desa": 1, "kelurahan": 1}


def small(tmp_path: Path, rows: list[list[str]], counts: dict[str, int] | None = None,
          source: str | None = None) -> Path:
    folder = tmp_path / "rules" / "regions"
    folder.mkdir(parents=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "parent", "level", "name"])
    writer.writerows(rows)
    (folder / "lampung.csv").write_text(buffer.getvalue())
    counts = COUNTS if counts is None else counts
    (folder / "source.yaml").write_text(source if source is not None else (
        'package: "idn-area-data"\nversion: "4.0.1"\nintegrity: "sha512-x"\nlicence: "ODbL-1.0"\n'
        'url: "https://example.org"\nretrieved: "2026-12-02"\ncounts:\n'
        + "".join(f"  {k}: {v}\n" for k, v in counts.items())))
    return tmp_path / "rules"


def one(found: list[tuple[str, int, str]]) -> tuple[str, int, str]:
    assert len(found) == 1, found
    return found[0]


def test_a_small_good_file_passes_and_compiles(tmp_path):
    rules = small(tmp_path, GOOD)
    assert check_regions(rules) == []
    compiled = compile_regions(rules)
    assert compiled["rows"] == sorted(GOOD) and compiled["boundaries"] == {}
    assert compiled["source"]["counts"] == COUNTS
    regions = Regions(json.loads(json.dumps(compiled)))
    assert regions.get("18.71.01.1003") == Region("18.71.01.1003", "18.71.01", "kelurahan", "Kedaton")
    assert [r.code for r in regions.children("18")] == ["18.01", "18.71"]


def test_no_regions_folder_is_nothing_to_check(tmp_path):
    assert check_regions(tmp_path) == []


@pytest.mark.parametrize(("row", "words"), [
    (["18.71.02", "18.71", "kecamatan"], "4 kolom"),
    (["18.71.02", "18.71", "kecamatan", "Sukarame", "extra"], "4 kolom"),
    (["1871.02", "18.71", "kecamatan", "Sukarame"], "kode wilayah '1871.02' tidak valid"),
    (["18.71.02", "18.71", "kampung", "Sukarame"], "tingkat 'kampung' tidak dikenal"),
    (["18.71.02", "18.71", "kecamatan", " "], "tidak punya nama"),
    (["18.71.02", "18.72", "kecamatan", "Sukarame"], "induk '18.72' bukan awalan kode 18.71.02"),
    (["18.71.02", "", "kecamatan", "Sukarame"], "induk '' bukan awalan kode 18.71.02"),
    (["18.71.01", "18.71", "kecamatan", "Kedaton"], "kode '18.71.01' sudah dipakai di baris 4"),
    (["18.71.02", "18.71", "kelurahan", "Sukarame"], "tidak cocok dengan kode 18.71.02"),
    (["18.71.01.2004", "18.71.01", "kelurahan", "Surabaya"], "kelurahan 1xxx, desa 2xxx"),
    (["18.01.04.1002", "18.01.04", "desa", "Merak Batin"], "kelurahan 1xxx, desa 2xxx"),
    (["18.72", "18", "kabupaten", "Kota Metro"], "kota 71–99"),
])
def test_each_kind_of_bad_row_is_reported_at_its_line(tmp_path, row, words):
    rules = small(tmp_path, [*GOOD, row])
    file, line, message = one([f for f in check_regions(rules) if "source.yaml" not in f[0]])
    assert file.endswith("rules/regions/lampung.csv") and line == len(GOOD) + 2
    assert words in message


def test_a_parent_that_is_missing(tmp_path):
    rules = small(tmp_path, [*GOOD, ["18.72.01.1001", "18.72.01", "kelurahan", "Hadimulyo Barat"]],
                  counts={**COUNTS, "kelurahan": 2})
    file, line, message = one(check_regions(rules))
    assert line == len(GOOD) + 2 and message == "induk '18.72.01' dari 18.72.01.1001 tidak ada di berkas ini"


def test_the_messages_in_english_on_request(tmp_path):
    rules = small(tmp_path, [*GOOD, ["18.72.01.1001", "18.72.01", "kelurahan", "Hadimulyo Barat"]],
                  counts={**COUNTS, "kelurahan": 2})
    assert one(check_regions(rules, lang="en"))[2] == "parent '18.72.01' of 18.72.01.1001 is not in this file"


def test_a_bad_header_and_a_missing_province(tmp_path):
    rules = small(tmp_path, [*GOOD, ["19", "", "provinsi", "Bengkulu"]], counts={**COUNTS, "provinsi": 2})
    assert one(check_regions(rules))[2] == "harus ada tepat satu baris provinsi, bukan 2"
    shutil.rmtree(rules)
    rules = small(tmp_path, GOOD[1:], counts={**COUNTS, "provinsi": 0})
    assert "harus ada tepat satu baris provinsi, bukan 0" in [m for _, _, m in check_regions(rules)]
    folder = rules / "regions"
    (folder / "lampung.csv").write_text("kode,induk,tingkat,nama\n" + "\n".join(",".join(r) for r in GOOD) + "\n")
    assert one(check_regions(rules))[1:] == (
        1, "baris judul harus 'code,parent,level,name', bukan 'kode,induk,tingkat,nama'")


def test_counts_that_disagree_with_source_yaml(tmp_path):
    rules = small(tmp_path, GOOD, counts={**COUNTS, "desa": 2})
    file, line, message = one(check_regions(rules))
    assert file.endswith("rules/regions/source.yaml") and line == 12
    assert message.startswith("jumlah desa di lampung.csv 1, di source.yaml 2") and "tools/import-regions" in message


def test_a_missing_or_broken_source_yaml(tmp_path):
    rules = small(tmp_path, GOOD, source="package: [unclosed\n")
    assert "YAML tidak valid" in one(check_regions(rules))[2]
    (rules / "regions" / "source.yaml").write_text('package: "idn-area-data"\n')
    assert {m.split("'")[1] for _, _, m in check_regions(rules)} == {
        "version", "integrity", "licence", "url", "retrieved", "counts"}
    (rules / "regions" / "source.yaml").unlink()
    assert "berkas wajib tidak ada: regions/source.yaml" in one(check_regions(rules))[2]


@pytest.mark.parametrize(("boundaries", "words"), [
    ({"18.71.01": [square(105.26, -5.43, 0.01)]}, "bukan kabupaten/kota"),
    ({"18.99": [square(105.26, -5.43, 0.01)]}, "bukan kabupaten/kota"),
    ({"18.71": [[[105.2, -5.4], [105.3, -5.4], [105.2, -5.4]]]}, "sedikitnya 4 titik"),
    ({"18.71": [[[-5.4, 205.2], [105.3, -5.4], [105.3, -5.5], [-5.4, 205.2]]]}, "rentang"),
    ({"18.71": []}, "cincin"),
    ({"18.71": [[["105.2", "-5.4"]] * 4]}, "cincin"),
])
def test_bad_boundaries_are_reported(tmp_path, boundaries, words):
    rules = small(tmp_path, GOOD)
    (rules / "regions" / "boundaries.json").write_text(json.dumps(boundaries))
    file, _line, message = one(check_regions(rules))
    assert file.endswith("rules/regions/boundaries.json") and words in message


def test_broken_boundaries_json(tmp_path):
    rules = small(tmp_path, GOOD)
    (rules / "regions" / "boundaries.json").write_text('{"18.71": [\n')
    assert one(check_regions(rules))[1:] == (2, "JSON tidak valid: Expecting value")


# --- the import tool, on a package made here --------------------------------------------------

def _tool():
    loader = importlib.machinery.SourceFileLoader("import_regions", str(ROOT / "tools" / "import-regions"))
    spec = importlib.util.spec_from_loader("import_regions", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _package(files: dict[str, str], version: str = "4.0.1") -> bytes:
    files = {"package.json": json.dumps({"name": "idn-area-data", "version": version}),
             "data/LICENSE.md": "# Open Database License (ODbL)\n", **files}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


PACKAGE_FILES = {
    "data/provinces.csv": "code,name\n17,Bengkulu\n18,Lampung\n",
    "data/regencies.csv": "code,province_code,name\n17.01,17,Kabupaten Bengkulu Selatan\n"
                          "18.71,18,KOTA BANDAR LAMPUNG\n18.01,18,Kab. Lampung Selatan\n",
    "data/districts.csv": "code,regency_code,name\n17.01.01,17.01,Manna\n18.71.01,18.71,Kecamatan Kedaton\n"
                          "18.01.04,18.01,Natar\n",
    "data/villages.csv": "code,district_code,name\n17.01.01.2001,17.01.01,Padang Kapuk\n"
                         "18.71.01.1003,18.71.01,KEDATON\n18.01.04.2001,18.01.04,Hajimena\n"
                         "18.01.04.2020,18.01.04,Gaya  Baru VII\n18.01.04.2021,18.01.04,Korpri jaya\n",
}


def test_the_tool_keeps_lampung_only_dotted_leveled_and_properly_cased():
    rows = _tool().extract(_package(PACKAGE_FILES))
    assert rows == [
        ("18", "", "provinsi", "Lampung"),
        ("18.01", "18", "kabupaten", "Kabupaten Lampung Selatan"),
        ("18.01.04", "18.01", "kecamatan", "Natar"),
        ("18.01.04.2001", "18.01.04", "desa", "Hajimena"),
        ("18.01.04.2020", "18.01.04", "desa", "Gaya Baru VII"),
        ("18.01.04.2021", "18.01.04", "desa", "Korpri Jaya"),
        ("18.71", "18", "kota", "Kota Bandar Lampung"),
        ("18.71.01", "18.71", "kecamatan", "Kedaton"),
        ("18.71.01.1003", "18.71.01", "kelurahan", "Kedaton"),
    ]


def test_the_tool_reads_undotted_codes_too():
    files = {k: v.replace("18.71.01.1003", "1871011003").replace("18.71.01,", "187101,")
             for k, v in PACKAGE_FILES.items()}
    rows = _tool().extract(_package(files))
    assert ("18.71.01.1003", "18.71.01", "kelurahan", "Kedaton") in rows


@pytest.mark.parametrize(("change", "words"), [
    (("18.71,18,KOTA BANDAR LAMPUNG", "18.71,18,Kabupaten Bandar Lampung"), "kode menyebut kota"),
    (("18.01,18,Kab. Lampung Selatan", "18.01,18,Lampung Selatan"), "bukan 'Kabupaten"),
    (("18.01.04.2001", "18.01.04.3001"), "1xxx (kelurahan) atau 2xxx (desa)"),
    (("18.01.04,18.01,Natar", "18.01.04,18.02,Natar"), "induk"),
    (("18.01.04.2001", "18.01.04.2020"), "kode ganda"),
])
def test_the_tool_refuses_a_package_it_does_not_understand(change, words):
    tool = _tool()
    files = {k: v.replace(*change) for k, v in PACKAGE_FILES.items()}
    with pytest.raises(tool.ImportFailed, match=re.escape(words)):
        tool.extract(_package(files))
    with pytest.raises(tool.ImportFailed, match="bukan idn-area-data@4.0.1"):
        tool.extract(_package(PACKAGE_FILES, version="4.0.0"))


def test_the_tool_refuses_a_tarball_whose_integrity_is_not_the_pinned_one(tmp_path, capsys):
    tool = _tool()
    tarball, out = tmp_path / "idn-area-data-4.0.1.tgz", tmp_path / "out"
    tarball.write_bytes(_package(PACKAGE_FILES))
    assert tool.main(["--tarball", str(tarball), "--out", str(out)]) == 1
    assert not out.exists() and "integritas paket tidak cocok" in capsys.readouterr().err


def test_what_the_tool_writes_passes_the_check(tmp_path, monkeypatch):
    tool = _tool()
    tarball = _package(PACKAGE_FILES)
    monkeypatch.setattr(tool, "INTEGRITY", tool.integrity_of(tarball))
    (tmp_path / "p.tgz").write_bytes(tarball)
    out = tmp_path / "rules" / "regions"
    assert tool.main(["--tarball", str(tmp_path / "p.tgz"), "--out", str(out), "--retrieved", "2026-12-02"]) == 0
    assert check_regions(tmp_path / "rules") == []
    compiled = compile_regions(tmp_path / "rules")
    assert compiled["source"]["retrieved"] == "2026-12-02" and compiled["source"]["counts"]["desa"] == 3
    assert Regions(compiled).name("18.71") == "Kota Bandar Lampung"


def _copy(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES / "regions", rules / "regions")
    return rules
