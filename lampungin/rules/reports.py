"""Machine-readable reports of `lampungin rules test`, for CI: JUnit XML (`--junit FILE`) and JSON
(`--json FILE`).

JUnit: one `<testcase>` per case (classname: its file, name: its name, with `file` and `line`),
each failure a `<failure>` whose message is the first `file:line: message` and whose text is all
of them, in the reader's language (LANG); problems of the case files themselves, and a coverage
below `--coverage-min`, are testcases of their own so that CI shows them too. JSON: every case
with its failures in both languages, the file problems, the totals and, when measured, the
coverage (coverage.Coverage.as_dict).
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 (writes XML; never parses untrusted input)
from pathlib import Path

from chalicelib.rules.explanations import number_text

from .coverage import Coverage, shown
from .messages import Problem

SUITE = "lampungin rules test"


def _problem(p: Problem) -> dict:
    return {"file": p.file, "line": p.line, "code": p.code, "message": {"id": p.message("id"), "en": p.message("en")}}


def as_json(results: list, problems: list[Problem], coverage: Coverage | None = None,
            minimum: float | None = None) -> dict:
    failed = sum(not r.ok for r in results)
    report: dict = {"cases": [{"id": r.case.id, "name": r.case.name, "file": r.case.file,
                               "line": r.case.line,
                               "keywords": r.case.keywords, "ok": r.ok, "seconds": round(r.seconds, 4),
                               "failures": [_problem(f) for f in r.failures]} for r in results],
                    "problems": [_problem(p) for p in problems],
                    "summary": {"cases": len(results), "failed": failed, "problems": len(problems),
                                "ok": bool(results) and not failed and not problems}}
    if coverage is not None:
        report["coverage"] = {**coverage.as_dict(), "minimum": minimum,
                              "below_minimum": minimum is not None and coverage.percent < minimum}
        report["summary"]["ok"] = report["summary"]["ok"] and not report["coverage"]["below_minimum"]
    return report


def write_json(path: Path, results: list, problems: list[Problem], coverage: Coverage | None = None,
               minimum: float | None = None) -> None:
    report = as_json(results, problems, coverage, minimum)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _failure(case: ET.Element, messages: list[str]) -> None:
    failure = ET.SubElement(case, "failure", {"message": messages[0], "type": "failure"})
    failure.text = "\n".join(messages)


def as_junit(results: list, problems: list[Problem], lang: str, coverage: Coverage | None = None,
             minimum: float | None = None) -> ET.Element:
    suite = ET.Element("testsuite", {"name": SUITE})
    count = failures = 0
    total_seconds = 0.0
    for r in results:
        case = ET.SubElement(suite, "testcase", {"classname": r.case.file, "name": r.case.name,
                                                 "file": r.case.file, "line": str(r.case.line),
                                                 "time": f"{r.seconds:.4f}"})
        count, total_seconds = count + 1, total_seconds + r.seconds
        if r.failures:
            failures += 1
            _failure(case, [f.render(lang) for f in r.failures])
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    for file, found in by_file.items():
        case = ET.SubElement(suite, "testcase", {"classname": file, "name": file, "file": file,
                                                 "line": str(found[0].line), "time": "0"})
        count, failures = count + 1, failures + 1
        _failure(case, [p.render(lang) for p in found])
    if coverage is not None and minimum is not None:
        name = "cakupan contoh" if lang == "id" else "case coverage"
        case = ET.SubElement(suite, "testcase", {"classname": SUITE, "name": f"{name} >= {minimum:g}%", "time": "0"})
        count += 1
        if coverage.percent < minimum:
            failures += 1
            below = Problem("rules", 1, "coverage_below",
                            {"percent": shown(coverage.percent, lang), "minimum": number_text(minimum, lang)})
            _failure(case, [below.message(lang)] + [p.render(lang) for p in coverage.uncovered()])
    suite.set("tests", str(count))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    suite.set("time", f"{total_seconds:.4f}")
    root = ET.Element("testsuites", {"name": SUITE, "tests": str(count), "failures": str(failures),
                                     "errors": "0", "time": f"{total_seconds:.4f}"})
    root.append(suite)
    return root


def write_junit(path: Path, results: list, problems: list[Problem], lang: str, coverage: Coverage | None = None,
                minimum: float | None = None) -> None:
    tree = ET.ElementTree(as_junit(results, problems, lang, coverage, minimum))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
