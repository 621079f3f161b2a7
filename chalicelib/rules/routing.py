"""The routing tables: category -> OPD, for the province (rules/routing/categories.yaml) and for
each onboarded kabupaten/kota (rules/governments/<CODE>/categories.yaml).

Hit policy `unique` (as in DMN decision tables): a category matches exactly one row, so routing
never depends on row order; `rules check` rejects overlaps and gaps before a bundle is built. An
unknown category is the caller's error (422), not a silent fallback: the `default` category
(`lainnya`, taken by the BIRO-ORG intake desk) is what a citizen picks when unsure.

Where the complaint is matters too (issue 13): a province row's `by_region` entries send a
complaint located in a kabupaten/kota to that government's own table when it is onboarded (a
village road, a city's rubbish), and a government's region rows are exceptions of its category
rows (the Puskesmas of that kecamatan). The most specific region containing the location wins;
Kemendagri codes nest by their dotted prefix ("18.71.01" lies in "18.71"). A government routes
every catalog category it does not list to its `default` OPD (its intake desk).
"""
from __future__ import annotations

from ..domain.governments import PROVINCE
from .model import Category, Government, Jurisdiction, NotOnboarded, Opd, RoutingDecision, Unit, UnknownCategory


def contains(outer: str, inner: str | None) -> bool:
    """Whether Kemendagri region `inner` lies in (or is) `outer`."""
    return inner is not None and (inner == outer or inner.startswith(outer + "."))


def most_specific(entries: list[dict], region: str | None) -> dict | None:
    """The entry whose region contains `region` most closely (the check keeps them unnested)."""
    hits = [e for e in entries if contains(e["region"], region)]
    return max(hits, key=lambda e: len(e["region"])) if hits else None


def _opd(o: dict, government: str) -> Opd:
    units = tuple(Unit(u["code"], u["name"], u.get("region"), name_en=u.get("name_en"))
                  for u in o.get("units") or [])
    return Opd(o["code"], o["name"], tuple(o["sectors"]), government, units, name_en=o.get("name_en"))


def _basis(reference: str | None, word: str) -> str:
    return f" ({word}: {reference})" if reference else ""


class RoutingTable:
    def __init__(self, data: dict, rules_version: str, governments: dict | None = None):
        self.rules_version = rules_version
        self.hit_policy = data["hit_policy"]
        self.default_category = data["default"]
        governments = governments or {}
        self.opds = {o["code"]: _opd(o, PROVINCE) for o in data["opds"]}
        for code, g in governments.items():
            self.opds.update({o["code"]: _opd(o, code) for o in g["opds"]})
        self.jurisdictions = {j["code"]: Jurisdiction(j["code"], j["name"], dict(j.get("contact") or {}),
                                                      j.get("kind", "kabupaten"), j.get("region", ""),
                                                      name_en=j.get("name_en"))
                              for j in data["jurisdictions"]}
        self.governments = self._governments(data, governments)
        self.categories = [Category(c["code"], c["name"], c["sector"], c["opd"], c["rule_id"],
                                    c.get("reference"), name_en=c.get("name_en")) for c in data["categories"]]
        self._by_code = {c.code: c for c in self.categories}
        self._by_region = {c["code"]: c.get("by_region") or [] for c in data["categories"]}
        self._tables = {code: g["routing"] for code, g in governments.items()}

    def _governments(self, data: dict, onboarded: dict) -> dict[str, Government]:
        p = data.get("province") or {"code": PROVINCE, "name": "Provinsi Lampung", "kind": "provinsi",
                                     "region": "18", "inspectorate": "INSPEKTORAT", "contact": {}}
        result = {p["code"]: Government(p["code"], p["name"], p["kind"], p["region"], True,
                                        dict(p.get("contact") or {}), p.get("inspectorate"),
                                        name_en=p.get("name_en"))}
        for j in self.jurisdictions.values():
            g = onboarded.get(j.code)
            result[j.code] = Government(j.code, j.name, j.kind, j.region, g is not None, dict(j.contact),
                                        g["inspectorate"] if g else None, name_en=j.name_en)
        return result

    def category(self, code: str) -> Category | None:
        return self._by_code.get(code)

    def opds_of(self, government: str) -> list[Opd]:
        return [o for o in self.opds.values() if o.government == government]

    def is_jurisdiction(self, code: str) -> bool:
        return code in self.jurisdictions

    def route(self, category_code: str, *, government: str = PROVINCE, region: str | None = None) -> RoutingDecision:
        """Which OPD (and unit) of which government handles a complaint of this category located
        in `region` (a Kemendagri code, or None), by which rule, and why."""
        row = self._by_code.get(category_code)
        if row is None:
            raise UnknownCategory(category_code)
        if government != PROVINCE:
            if government not in self._tables:
                raise NotOnboarded(government)
            return self._route_in(government, row, region)
        entry = most_specific(self._by_region.get(row.code, []), region)
        if entry is not None and entry.get("government"):
            target = self.governments.get(entry["government"])
            if target is not None and target.onboarded:
                inner = self._route_in(target.code, row, region)
                return self._via(row, entry, target, region, inner)
            return self._decide(row, row.opd, None, row.rule_id, row.reference, region,
                                self._not_onboarded_note(entry, target))
        if entry is not None:
            return self._decide(row, entry["opd"], None, entry["rule_id"], entry["reference"], region,
                                ("", ""))
        return self._decide(row, row.opd, None, row.rule_id, row.reference, None, ("", ""))

    # --- pieces --------------------------------------------------------------------------------
    def _route_in(self, government: str, row: Category, region: str | None) -> RoutingDecision:
        table = self._tables[government]
        rows = [r for r in table["rows"] if r["category"] == row.code]
        exception = most_specific([r for r in rows if r["region"] is not None], region)
        hit = exception or next((r for r in rows if r["region"] is None), None)
        if hit is not None:
            return self._decide(row, hit["opd"], hit.get("unit"), hit["rule_id"], hit.get("reference"),
                                hit["region"], ("", ""), government)
        name = self.governments[government].name
        note = (f" Kategori ini tidak ditulis di tabel {name}, maka diterima meja aduan umumnya (default).",
                f" This category is not listed in {name}'s table, so its intake desk (default) takes it.")
        return self._decide(row, table["default"], None, table["default_rule_id"], None, None, note, government)

    def _decide(self, row: Category, opd_code: str, unit: str | None, rule_id: str, reference: str | None,
                region: str | None, note: tuple[str, str], government: str = PROVINCE) -> RoutingDecision:
        opd = self.opds[opd_code]
        gov = self.governments[government]
        found = opd.unit(unit) if unit else None
        unit_id = f", unit {found.code} - {found.name}" if found else ""
        where_id = f" di wilayah {region}" if region else ""
        where_en = f" in region {region}" if region else ""
        table_id = "tabel kategori" if government == PROVINCE else f"tabel kategori {gov.name}"
        table_en = "category table" if government == PROVINCE else f"{gov.name}'s category table"
        explanation = {
            "id": (f"Aturan {rule_id} ({table_id}, kebijakan unik): kategori '{row.code}' ({row.name}) "
                   f"sektor {row.sector}{where_id} ditangani oleh {opd.code} - {opd.name}{unit_id}"
                   f"{_basis(reference, 'dasar')}.{note[0]} Versi aturan {self.rules_version}."),
            "en": (f"Rule {rule_id} ({table_en}, unique hit policy): category '{row.code}' ({row.name}) "
                   f"in sector {row.sector}{where_en} is handled by {opd.code} - {opd.name}"
                   f"{unit_id}"
                   f"{_basis(reference, 'basis')}.{note[1]} Rules version {self.rules_version}."),
        }
        return RoutingDecision(category=row.code, opd=opd.code, sector=row.sector, rule_id=rule_id,
                               rules_version=self.rules_version, explanation=explanation,
                               government=government, unit=found.code if found else None)

    def _via(self, row: Category, entry: dict, target: Government, region: str | None,
             inner: RoutingDecision) -> RoutingDecision:
        """A province row's by_region entry sent it to an onboarded government: name both rules."""
        basis_id, basis_en = _basis(entry["reference"], "dasar"), _basis(entry["reference"], "basis")
        explanation = {
            "id": (f"Aturan {entry['rule_id']} (tabel kategori provinsi, pengecualian wilayah): lokasi aduan "
                   f"kategori '{row.code}' di wilayah {region} termasuk {target.name} ({entry['region']}), "
                   f"yang sudah bergabung di Lampung In, maka ditangani menurut tabel pemerintah itu{basis_id}. "
                   + inner.explanation["id"]),
            "en": (f"Rule {entry['rule_id']} (province category table, region exception): the location of "
                   f"this '{row.code}' complaint, region {region}, lies in {target.name} ({entry['region']}), "
                   f"which is onboarded on Lampung In, so that government's table decides{basis_en}. "
                   + inner.explanation["en"]),
        }
        return RoutingDecision(category=inner.category, opd=inner.opd, sector=inner.sector,
                               rule_id=inner.rule_id, rules_version=self.rules_version,
                               explanation=explanation, government=inner.government, unit=inner.unit)

    @staticmethod
    def _not_onboarded_note(entry: dict, target: Government | None) -> tuple[str, str]:
        name = target.name if target else entry["government"]
        return (f" Lokasinya di wilayah {name} ({entry['region']}, aturan {entry['rule_id']}), yang belum "
                "bergabung di Lampung In: OPD provinsi ini menerimanya dan dapat meneruskannya.",
                f" It lies in {name} ({entry['region']}, rule {entry['rule_id']}), which is not onboarded "
                "on Lampung In: this provincial OPD takes it and may forward it.")
