"""The routing table: category -> sector -> OPD (rules/routing/categories.yaml).

Hit policy `unique` (as in DMN decision tables): each category code matches exactly one row, so
routing never depends on row order; `rules check` rejects overlaps and gaps before a bundle is
built. An unknown category is the caller's error (422), not a silent fallback: the `default`
category (`lainnya`, taken by the BIRO-ORG intake desk) is what a citizen picks when unsure.
"""
from __future__ import annotations

from .model import Category, Jurisdiction, Opd, RoutingDecision, UnknownCategory


class RoutingTable:
    def __init__(self, data: dict, rules_version: str):
        self.rules_version = rules_version
        self.hit_policy = data["hit_policy"]
        self.default_category = data["default"]
        self.opds = {o["code"]: Opd(o["code"], o["name"], tuple(o["sectors"])) for o in data["opds"]}
        self.jurisdictions = {j["code"]: Jurisdiction(j["code"], j["name"], dict(j.get("contact") or {}))
                              for j in data["jurisdictions"]}
        self.categories = [Category(c["code"], c["name"], c["sector"], c["opd"], c["rule_id"],
                                    c.get("reference")) for c in data["categories"]]
        self._by_code = {c.code: c for c in self.categories}

    def category(self, code: str) -> Category | None:
        return self._by_code.get(code)

    def route(self, category_code: str) -> RoutingDecision:
        """Which OPD handles a complaint of this category, by which rule, and why."""
        row = self._by_code.get(category_code)
        if row is None:
            raise UnknownCategory(category_code)
        opd = self.opds[row.opd]
        ref_id = f" (dasar: {row.reference})" if row.reference else ""
        ref_en = f" (basis: {row.reference})" if row.reference else ""
        explanation = {
            "id": (f"Aturan {row.rule_id} (tabel kategori, kebijakan unik): kategori "
                   f"'{row.code}' ({row.name}) sektor {row.sector} ditangani oleh {opd.code} - "
                   f"{opd.name}{ref_id}. Versi aturan {self.rules_version}."),
            "en": (f"Rule {row.rule_id} (category table, unique hit policy): category "
                   f"'{row.code}' ({row.name}) in sector {row.sector} is handled by {opd.code} - "
                   f"{opd.name}{ref_en}. Rules version {self.rules_version}."),
        }
        return RoutingDecision(category=row.code, opd=row.opd, sector=row.sector,
                               rule_id=row.rule_id, rules_version=self.rules_version,
                               explanation=explanation)

    def is_jurisdiction(self, code: str) -> bool:
        return code in self.jurisdictions
