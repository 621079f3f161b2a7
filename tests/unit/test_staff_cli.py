"""`lampungin staff` on the local directory file, and the file directory itself (issue 11).

GIVEN a fresh state dir WHEN staff are listed THEN the directory is seeded with the bundle's OPDs
(operator, second operator, supervisor and head per OPD; an inspector; an admin). Add, list and
remove work on that file, which the running stack re-reads when it changes; every bad input is one
line on stderr in Indonesian (English with --lang en or LANG=en*) and exit status 2.
"""
from __future__ import annotations

import json
import os

import pytest

from chalicelib.adapters.staff_directory import FileStaffDirectory, StaffDirectoryError, seed_local_staff
from chalicelib.domain.staff import StaffMember
from chalicelib.rules.bundle import load_bundle
from lampungin.cli import main


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMPUNGIN_HOME", str(tmp_path))
    monkeypatch.delenv("STAFF_DIRECTORY_PATH", raising=False)
    for name in ("LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main(["staff", *argv])
    except SystemExit as exc:            # argparse's own usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys, *argv) -> list[dict]:
    code, out, err = run(capsys, "list", "--json", *argv)
    assert code == 0, err
    return json.loads(out)


def test_the_first_use_seeds_every_opd_of_the_bundle_with_its_staff(home, capsys):
    staff = listed(capsys)
    opds = load_bundle(check=False).opds
    assert (home / "staff.json").is_file()
    by_sub = {m["sub"]: m for m in staff}
    for code in opds:
        low = code.lower()
        assert by_sub[f"operator.{low}"]["role"] == by_sub[f"operator2.{low}"]["role"] == "operator"
        assert by_sub[f"supervisor.{low}"] == {
            "sub": f"supervisor.{low}", "role": "supervisor", "opd": code, "name": f"Supervisor {code}",
            "email": f"supervisor.{low}@lampungin.local", "head": False}
        head = by_sub[f"kepala.{low}"]
        assert (head["role"], head["opd"], head["head"]) == ("supervisor", code, True)
    assert by_sub["operator.dinkes"]["name"] == "Operator DINKES"
    assert by_sub["inspektorat"]["role"] == "inspector" and by_sub["inspektorat"]["opd"] is None
    assert by_sub["admin"]["role"] == "admin"
    # an inspector per onboarded kabupaten/kota, of that government
    assert by_sub["inspektorat.bandarlampung"]["government"] == "BANDARLAMPUNG"
    assert by_sub["inspektorat.bandarlampung"]["name"] == "Inspektorat Kota Bandar Lampung"
    assert len(staff) == 4 * len(opds) + 2 + 2
    only = listed(capsys, "--opd", "DINKES")
    assert {m["sub"] for m in only} == {"operator.dinkes", "operator2.dinkes", "supervisor.dinkes", "kepala.dinkes"}
    assert [m["sub"] for m in listed(capsys, "--role", "inspector")] == [
        "inspektorat", "inspektorat.bandarlampung", "inspektorat.pesawaran"]


def test_seeding_never_overwrites_a_directory_that_exists(tmp_path):
    path = tmp_path / "staff.json"
    assert seed_local_staff(path, {"DINKES": "Dinas Kesehatan"}) is True
    FileStaffDirectory(path).remove("operator.dinkes")
    assert seed_local_staff(path, {"DINKES": "Dinas Kesehatan", "BAPENDA": "Badan Pendapatan Daerah"}) is False
    directory = FileStaffDirectory(path)
    assert directory.get("operator.dinkes") is None and directory.members(role="operator", opd="BAPENDA") == []
    assert directory.head("DINKES") == StaffMember("kepala.dinkes", "supervisor", "DINKES", "Kepala Dinas Kesehatan",
                                                   "kepala.dinkes@lampungin.local", head=True)


def test_add_list_and_remove_a_staff_member(home, capsys):
    code, out, err = run(capsys, "add", "--sub", "budi.dinkes", "--role", "operator", "--opd", "DINKES",
                         "--name", "Budi Santoso", "--email", "budi@dinkes.lampungprov.go.id")
    assert (code, err) == (0, "") and out == "ditambahkan: budi.dinkes (operator, DINKES)\n"
    (budi,) = [m for m in listed(capsys, "--opd", "DINKES") if m["sub"] == "budi.dinkes"]
    assert budi == {"sub": "budi.dinkes", "role": "operator", "opd": "DINKES", "name": "Budi Santoso",
                    "email": "budi@dinkes.lampungprov.go.id", "head": False}
    # the same sub again: updated in place (moved to another OPD, now its head)
    code, out, _ = run(capsys, "add", "--sub", "budi.dinkes", "--role", "supervisor", "--opd", "BAPENDA", "--head",
                       "--lang", "en")
    assert code == 0 and out == "updated: budi.dinkes (supervisor, BAPENDA, head)\n"
    directory = FileStaffDirectory(home / "staff.json")
    assert directory.get("budi.dinkes").opd == "BAPENDA"
    assert {m.sub for m in directory.members(role="supervisor", opd="BAPENDA") if m.head} == {
        "budi.dinkes", "kepala.bapenda"}
    code, out, _ = run(capsys, "add", "--sub", "pak.inspektur", "--role", "inspector", "--json")
    assert json.loads(out) == {"sub": "pak.inspektur", "role": "inspector", "opd": None, "name": None,
                               "email": None, "head": False}
    code, out, _ = run(capsys, "remove", "--sub", "budi.dinkes")
    assert (code, out) == (0, "dihapus: budi.dinkes\n")
    assert directory.get("budi.dinkes") is None
    code, out, err = run(capsys, "remove", "--sub", "budi.dinkes")
    assert code == 2 and out == "" and err == "lampungin staff: tidak ada staf dengan sub 'budi.dinkes'\n"


def test_the_table_lists_the_opds_staff_with_headers_in_the_language_asked(home, capsys):
    code, out, _ = run(capsys, "list", "--opd", "DINKES")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["SUB", "PERAN", "PEMERINTAH", "OPD", "KEPALA", "NAMA", "E-MAIL"]
    assert lines[1].split()[:5] == ["kepala.dinkes", "supervisor", "LAMPUNG", "DINKES", "kepala"] and len(lines) == 5
    code, out, _ = run(capsys, "list", "--opd", "DINKES", "--lang", "en")
    assert out.splitlines()[0].split() == ["SUB", "ROLE", "GOVERNMENT", "OPD", "HEAD", "NAME", "E-MAIL"]
    code, out, _ = run(capsys, "list", "--opd", "DLH", "--role", "admin")
    assert (code, out) == (0, "(tidak ada staf)\n")


def test_staff_directory_path_and_file_choose_the_file(home, capsys, monkeypatch, tmp_path):
    elsewhere = tmp_path / "elsewhere" / "people.json"
    monkeypatch.setenv("STAFF_DIRECTORY_PATH", str(elsewhere))
    assert run(capsys, "add", "--sub", "x.admin", "--role", "admin")[0] == 0
    assert FileStaffDirectory(elsewhere).get("x.admin").role == "admin"
    assert not (home / "staff.json").exists()
    explicit = tmp_path / "explicit.json"
    assert run(capsys, "add", "--sub", "y.admin", "--role", "admin", "--file", str(explicit))[0] == 0
    assert FileStaffDirectory(explicit).get("y.admin") and FileStaffDirectory(elsewhere).get("y.admin") is None


BAD = [
    (["add", "--role", "operator", "--opd", "DINKES"], "--sub ID wajib diisi", "--sub ID is required"),
    (["add", "--sub", "a b", "--role", "admin"], "--sub harus", "--sub must be"),
    (["add", "--sub", "wärga", "--role", "admin"], "--sub harus", "--sub must be"),
    (["add", "--sub", "x" * 200, "--role", "admin"], "--sub harus", "--sub must be"),
    (["add", "--sub", "u1"], "--role wajib", "--role is required"),
    (["add", "--sub", "u1", "--role", "citizen"], "--role harus salah satu", "--role must be one of"),
    (["add", "--sub", "u1", "--role", "mayor"], "--role harus salah satu", "--role must be one of"),
    (["add", "--sub", "u1", "--role", "operator"], "--opd KODE wajib", "--opd CODE is required"),
    (["add", "--sub", "u1", "--role", "supervisor", "--opd", "NASA"], "OPD 'NASA' tidak dikenal", "unknown OPD 'NASA'"),
    (["add", "--sub", "u1", "--role", "operator", "--opd", "DIN KES"], "--opd harus kode OPD", "--opd must be"),
    (["add", "--sub", "u1", "--role", "operator", "--opd", "[X]"], "--opd harus kode OPD", "--opd must be"),
    (["add", "--sub", "u1", "--role", "inspector", "--opd", "DINKES"], "--opd hanya untuk", "--opd is only for"),
    (["add", "--sub", "u1", "--role", "admin", "--head"], "--head hanya untuk", "--head is only for"),
    (["add", "--sub", "u1", "--role", "admin", "--name", "x" * 300], "--name harus", "--name must be"),
    (["add", "--sub", "u1", "--role", "admin", "--name", "a\nb"], "--name harus", "--name must be"),
    (["add", "--sub", "u1", "--role", "admin", "--email", "not-an-address"], "--email harus", "--email must be"),
    (["add", "--sub", "u1", "--role", "admin", "--email", "a@" + "b" * 300 + ".id"], "--email harus", "--email must"),
    (["add", "--role", "admin", "--email", "a@b.id", "--user-pool", "ap-southeast-3_x", "--sub", "u1"],
     "--sub tidak dipakai", "--sub is not used"),
    (["add", "--role", "admin", "--user-pool", "ap-southeast-3_x"], "--email wajib", "--email is required"),
    (["add", "--role", "admin", "--email", "a@b.id", "--user-pool", "../etc"], "--user-pool harus", "--user-pool must"),
    (["list", "--role", "citizen"], "--role harus", "--role must"),
    (["list", "--opd", "DIN KES"], "--opd harus", "--opd must"),
    (["remove"], "--sub ID wajib", "--sub ID is required"),
    (["remove", "--sub", "nobody"], "tidak ada staf dengan sub 'nobody'", "no staff member with sub 'nobody'"),
    (["add", "--sub"], "argumen salah", "bad arguments"),
    ([], "sebutkan add, list atau remove", "say add, list or remove"),
]


@pytest.mark.parametrize(("argv", "indonesian", "english"), BAD, ids=lambda v: " ".join(v)[:50] if isinstance(
    v, list) else None)
def test_a_bad_input_is_one_line_and_exit_2_in_indonesian_or_english(home, capsys, monkeypatch, argv, indonesian,
                                                                       english):
    for lang_args, env_lang, expected in (([], None, indonesian), (["--lang", "en"], None, english),
                                          ([], "en_US.UTF-8", english), (["--lang", "id"], "en_US.UTF-8", indonesian)):
        if env_lang:
            monkeypatch.setenv("LANG", env_lang)
        else:
            monkeypatch.delenv("LANG", raising=False)
        full = argv[:1] + lang_args + argv[1:] if argv else lang_args
        monkeypatch.setattr("sys.argv", ["lampungin", "staff", *full])       # argparse's errors read it
        code, out, err = run(capsys, *full)
        assert code == 2 and out == "", (full, err)
        assert "Traceback" not in err and err.count("\n") == 1 and len(err) < 600, err
        assert err.startswith("lampungin staff: ") and expected in err, (full, env_lang, err)


def test_a_directory_file_that_is_not_json_is_reported_in_one_line_and_left_alone(home, capsys):
    path = home / "staff.json"
    path.write_text("{not json")
    code, _, err = run(capsys, "add", "--sub", "u1", "--role", "admin")
    assert code == 2 and err.startswith("lampungin staff: direktori staf: ") and err.count("\n") == 1
    assert path.read_text() == "{not json"
    with pytest.raises(StaffDirectoryError):
        FileStaffDirectory(path).get("u1")


# --- the file directory the local stack reads ----------------------------------------------------
def test_the_file_is_read_again_when_it_changes_and_a_missing_file_is_empty(tmp_path):
    path = tmp_path / "staff.json"
    directory = FileStaffDirectory(path)
    assert directory.get("a") is None and directory.members(role="operator") == [] and directory.head("X") is None
    writer = FileStaffDirectory(path)                  # another process: `lampungin staff add`
    assert writer.add(StaffMember("a", "operator", "DINKES")) is True
    assert directory.get("a") == StaffMember("a", "operator", "DINKES")
    path.write_text(json.dumps({"staff": [{"sub": "b", "role": "supervisor", "opd": "DINKES", "head": True}]}))
    assert directory.get("a") is None and directory.head("DINKES").sub == "b"
    path.unlink()
    assert directory.get("b") is None


def test_members_are_in_a_stable_order_and_bad_entries_are_skipped(tmp_path):
    path = tmp_path / "staff.json"
    rows = [{"sub": "z", "role": "operator", "opd": "DINKES"}, {"sub": "a", "role": "operator", "opd": "DINKES"},
            {"sub": "m", "role": "operator", "opd": "BAPENDA"},
            {"sub": "no-opd", "role": "operator"}, {"sub": "bad role", "role": "operator", "opd": "DINKES"},
            {"sub": "c", "role": "citizen"}, ["not", "an", "object"], {"sub": "h", "role": "admin", "head": "yes"}]
    path.write_text(json.dumps({"staff": rows}))
    directory = FileStaffDirectory(path)
    assert [m.sub for m in directory.members(role="operator")] == ["m", "a", "z"]
    assert [m.sub for m in directory.members(role="operator", opd="DINKES")] == ["a", "z"]
    assert directory.get("no-opd") is None and directory.get("c") is None and directory.get("h") is None


def test_writes_are_atomic_and_leave_no_temporary_file(tmp_path):
    path = tmp_path / "staff.json"
    directory = FileStaffDirectory(path)
    inode = None
    for i in range(5):
        directory.add(StaffMember(f"u{i}", "admin"))
        assert os.stat(path).st_ino != inode            # replaced, never rewritten in place
        inode = os.stat(path).st_ino
    assert directory.remove("u0") is True and directory.remove("u0") is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["staff.json"]
    assert [m["sub"] for m in json.loads(path.read_text())["staff"]] == ["u1", "u2", "u3", "u4"]
    with pytest.raises(ValueError):
        directory.add(StaffMember("u9", "operator"))    # an operator needs an OPD


def test_a_directory_without_a_file_knows_nobody_and_refuses_writes():
    directory = FileStaffDirectory(None)
    assert directory.get("admin") is None and directory.members(role="admin") == []
    with pytest.raises(StaffDirectoryError):
        directory.add(StaffMember("u1", "admin"))


def test_an_inspector_of_a_kabupaten_kota_is_added_with_their_government(home, capsys):
    code, out, err = run(capsys, "add", "--sub", "insp-pw", "--role", "inspector", "--government", "PESAWARAN")
    assert code == 0, err
    [member] = [m for m in listed(capsys, "--role", "inspector") if m["sub"] == "insp-pw"]
    assert member["government"] == "PESAWARAN"
    for argv, word in ((["--role", "inspector", "--government", "PESAWARN"], "PESAWARAN"),
                       (["--role", "operator", "--opd", "DINKES", "--government", "PESAWARAN"], "inspektur")):
        code, out, err = run(capsys, "add", "--sub", "x-1", *argv)
        assert code == 2 and err.count("\n") == 1 and word in err, err
