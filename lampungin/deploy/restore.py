"""Restore one table of a stage to a point in time, with what a restore does not bring back
(docs/runbooks.md, "A region outage or lost data").

    python -m lampungin.deploy.restore --stage prod --table complaints --at 2026-12-03T02:00:00Z
           [--target NAME] [--region REGION]

DynamoDB's point-in-time restore makes a new table from the source's backups; the new table has
the source's keys, indexes and items, but not its stream, point-in-time recovery, deletion
protection or tags. This checks that the moment can be restored (recovery on, the moment inside
its window), restores into `--target` (default `<table>-restored-<YYYYMMDDHHMM>`, never the
source's own name: DynamoDB refuses an existing name, and the damaged table is kept until someone
decides), waits until it is ACTIVE and gives it back what tables.py says the table has: its stream
(the complaints table's, KEYS_ONLY), point-in-time recovery, deletion protection and the stage's
tags. It prints one JSON line — source, target, moment, the settings applied, the items DynamoDB
reports for both — and what to do next: look at the copy, then (stage stopped) restore again
under the table's own name after deleting the damaged one, and run `lampungin reconcile --since`
the moment, which rebuilds what the stream derives from the restored timelines (clocks, league
counters, notifications). Messages in Indonesian, or English with LANG=en.
"""
from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from chalicelib.adapters.dynamo.tables import TABLES

from . import conventions

TEXT = {
    "id": {"unknown_table": "tabel {table!r} tidak ada; salah satu dari: {known}",
           "bad_time": "--at harus waktu ISO 8601 dengan zona waktu, bukan {value!r}",
           "no_pitr": "tabel {source} tidak memakai pemulihan titik waktu: tidak ada yang bisa dipulihkan",
           "outside": "{at} di luar jendela pemulihan {source} ({earliest} sampai {latest})",
           "same_name": "--target tidak boleh nama tabel sumber ({source})",
           "missing": "tabel {source} tidak ada di akun dan wilayah ini",
           "unsupported": "DynamoDB di {endpoint} tidak mengenal pemulihan titik waktu (DynamoDB Local tidak "
                          "memilikinya): pulihkan di AWS",
           "exists": "tabel {target} sudah ada: pilih --target lain",
           "next": "berikutnya: periksa {target}; untuk memakainya, hentikan tahap, hapus {source}, pulihkan lagi "
                   "dengan --target {source}, lalu jalankan `lampungin reconcile --since {at} --from-env`"},
    "en": {"unknown_table": "no table {table!r}; one of: {known}",
           "bad_time": "--at must be an ISO 8601 time with a zone, not {value!r}",
           "no_pitr": "table {source} has no point-in-time recovery: there is nothing to restore",
           "outside": "{at} is outside {source}'s restore window ({earliest} to {latest})",
           "same_name": "--target cannot be the source table's name ({source})",
           "missing": "there is no table {source} in this account and region",
           "unsupported": "the DynamoDB at {endpoint} has no point-in-time recovery (DynamoDB Local has none): "
                          "restore on AWS",
           "exists": "table {target} exists already: choose another --target",
           "next": "next: look at {target}; to use it, stop the stage, delete {source}, restore again with "
                   "--target {source}, then run `lampungin reconcile --since {at} --from-env`"},
}


HELP = {
    "id": {"tool": "pulihkan satu tabel sebuah tahap ke suatu titik waktu, beserta yang tidak dibawa pemulihan",
           "stage": "tahapnya", "table": "nama pendek tabel di tables.py, mis. complaints",
           "at": "saat yang dipulihkan (ISO 8601 dengan zona waktu)",
           "target": "nama tabel baru (bawaan <tabel>-restored-<YYYYMMDDHHMM>)",
           "region": "wilayah AWS (bawaan: konfigurasi AWS Anda)"},
    "en": {"tool": "restore one table of a stage to a point in time, with what a restore does not bring back",
           "stage": "the stage", "table": "tables.py's short name, e.g. complaints",
           "at": "the moment to restore to (ISO 8601 with a zone)",
           "target": "the new table's name (default <table>-restored-<YYYYMMDDHHMM>)",
           "region": "AWS region (default: your AWS configuration)"},
}


class RestoreError(Exception):
    pass


def _lang() -> str:
    # lazy: the rules toolchain's LANG reading, for this tool's messages only
    from lampungin.rules.messages import language
    return language()


def text(key: str, lang: str | None = None, **values) -> str:
    return TEXT[lang or _lang()][key].format(**values)


def _stamp(value) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromtimestamp(float(value), UTC)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _continuous_backups(client, source: str, lang: str | None) -> dict:
    """The source's recovery settings; a table that is not there, or a DynamoDB without recovery
    at all (DynamoDB Local answers UnknownOperationException), is refused before anything is made."""
    try:
        return client.describe_continuous_backups(TableName=source)["ContinuousBackupsDescription"]
    except client.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("TableNotFoundException", "ResourceNotFoundException"):
            raise RestoreError(text("missing", lang, source=source)) from None
        if code == "UnknownOperationException":
            raise RestoreError(text("unsupported", lang, endpoint=client.meta.endpoint_url)) from None
        raise


def restore(client, stage: str, table: str, at: datetime, target: str | None = None,
            lang: str | None = None) -> dict:
    """Restore `table` of `stage` as of `at` into `target` and give it its settings back."""
    if table not in TABLES:
        raise RestoreError(text("unknown_table", lang, table=table, known=", ".join(sorted(TABLES))))
    prefix = conventions.table_prefix(stage)
    source = f"{prefix}{table}"
    target = target or f"{source}-restored-{at.astimezone(UTC):%Y%m%d%H%M}"
    if target == source:
        raise RestoreError(text("same_name", lang, source=source))
    backups = _continuous_backups(client, source, lang)
    pitr = backups.get("PointInTimeRecoveryDescription") or {}
    if pitr.get("PointInTimeRecoveryStatus") != "ENABLED":
        raise RestoreError(text("no_pitr", lang, source=source))
    earliest = _stamp(pitr["EarliestRestorableDateTime"])
    latest = _stamp(pitr["LatestRestorableDateTime"]) if pitr.get("LatestRestorableDateTime") else datetime.now(UTC)
    if not earliest <= at <= latest:
        raise RestoreError(text("outside", lang, at=_iso(at), source=source, earliest=_iso(earliest),
                                latest=_iso(latest)))
    try:
        client.restore_table_to_point_in_time(SourceTableName=source, TargetTableName=target, RestoreDateTime=at)
    except client.exceptions.TableAlreadyExistsException:
        raise RestoreError(text("exists", lang, target=target)) from None
    client.get_waiter("table_exists").wait(TableName=target, WaiterConfig={"Delay": 5, "MaxAttempts": 720})
    applied = []
    stream = TABLES[table].get("StreamSpecification")
    if stream:
        client.update_table(TableName=target, StreamSpecification={
            "StreamEnabled": True, "StreamViewType": stream["StreamViewType"]})
        applied.append(f"stream {stream['StreamViewType']}")
    client.update_continuous_backups(TableName=target,
                                     PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    applied.append("point-in-time recovery")
    client.update_table(TableName=target, DeletionProtectionEnabled=True)
    applied.append("deletion protection")
    arn = client.describe_table(TableName=target)["Table"]["TableArn"]
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "app", "Value": conventions.APP_NAME},
                                               {"Key": "stage", "Value": stage},
                                               {"Key": "restored-from", "Value": source},
                                               {"Key": "restored-to", "Value": _iso(at)}])
    applied.append("tags")
    counts = {name: client.describe_table(TableName=name)["Table"].get("ItemCount") for name in (source, target)}
    return {"source": source, "target": target, "at": _iso(at), "applied": applied, "item_count": counts,
            "next": text("next", lang, target=target, source=source, at=_iso(at))}


def main(argv=None) -> int:
    lang = _lang()
    # lazy: the rules toolchain's one-language argparse (its words and argparse's own)
    from lampungin.rules.cli_words import RulesParser

    words = HELP["id" if lang == "id" else "en"]
    parser = RulesParser(prog="python -m lampungin.deploy.restore", description=words["tool"], lang=lang)
    parser.add_argument("--stage", required=True, choices=conventions.STAGES, help=words["stage"])
    parser.add_argument("--table", required=True, metavar="TABEL" if lang == "id" else "TABLE", help=words["table"])
    parser.add_argument("--at", required=True, metavar="WAKTU" if lang == "id" else "TIME", help=words["at"])
    parser.add_argument("--target", metavar="NAMA" if lang == "id" else "NAME", help=words["target"])
    parser.add_argument("--region", metavar="WILAYAH" if lang == "id" else "REGION", help=words["region"])
    args = parser.parse_args(argv)
    try:
        try:
            at = datetime.fromisoformat(args.at.strip().replace("Z", "+00:00"))
            if at.tzinfo is None:
                raise ValueError(args.at)
        except ValueError:
            raise RestoreError(text("bad_time", lang, value=args.at)) from None
        import boto3  # lazy: boto3 costs ~150 ms to import; --help and bad input need none

        report = restore(boto3.client("dynamodb", region_name=args.region), args.stage, args.table, at,
                         args.target, lang)
    except RestoreError as exc:
        print(f"restore: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
