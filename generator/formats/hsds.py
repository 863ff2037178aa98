"""Open Referral HSDS 3.0: the public catalog as the objects 211 and human-services directories load.

Written into the public site only, in the source language, laid out like the HSDS API's paths:

- ``api/hsds/index.json``: the API's root (HSDS version, where the files are);
- ``api/hsds/services.json``: every service, as one page of the HSDS list form
  (``total_items``, ``total_pages: 1``, ``contents``: services without their nested lists);
- ``api/hsds/services/<id>.json``: one full service (organization, phones, schedules, languages,
  cost options, service areas);
- ``api/hsds/organizations.json`` and ``api/hsds/organizations/<id>.json``: one organization per
  department or partner, with its phone and the services it provides.

Ids are UUIDs (version 5) of the public site's address and the kb kind and id, so they stay the
same from build to build and change only when the site moves. Every value comes from the public
model (no internal field can be in it). Schedules come from the department's hours, as weekly
iCalendar-style rules in the department's local time (HSDS's ``timezone`` is a fixed UTC offset,
which daylight saving time would make wrong half the year, so it is left out).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from generator.pipeline.model import DAYS, Department, Service, Site

VERSION = "3.0"
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
PHONE_TYPES = {"phone": "voice", "tty": "textphone", "text": "text"}


def hsds_id(site_url: str, *parts: object) -> str:
    """A UUID that depends only on the public site's address and the object's kb path."""
    name = site_url.rstrip("/") + "/" + "/".join(str(p) for p in parts)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def _prune(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [])}


class Catalog:
    """The HSDS objects of one public site model (in its source language)."""

    def __init__(self, site: Site):
        self.site = site
        self.url = site.config.site_url.rstrip("/") + "/"
        self.lang = site.config.source.code

    def id(self, *parts: object) -> str:
        return hsds_id(self.url, *parts)

    def page(self, kind: str, ident: str) -> str:
        return f"{self.url}{self.lang}/{kind}/{ident}/"

    # --- organizations --------------------------------------------------------------------------

    def organization(self, dept: Department, full: bool = False) -> dict[str, Any]:
        org = _prune({
            "id": self.id("departments", dept.id),
            "name": str(dept.name),
            "description": str(dept.description or dept.name),
            "email": dept.email,
            "website": dept.url or self.page("departments", dept.id),
            "uri": self.page("departments", dept.id),
            "parent_organization_id": None,
        })
        if full and dept.phone:
            org["phones"] = [{"id": self.id("departments", dept.id, "phones", 0),
                              "organization_id": org["id"], "number": dept.phone, "type": "voice"}]
        return org

    # --- services -------------------------------------------------------------------------------

    def service_summary(self, svc: Service) -> dict[str, Any]:
        """The one-to-one fields of a service (the HSDS list form)."""
        email = next((c.email for c in svc.channels if c.type == "email" and c.email), None)
        fees = None if svc.fees is None or str(svc.fees).strip().lower() == "none" else str(svc.fees)
        return _prune({
            "id": self.id("services", svc.id),
            "organization_id": self.id("departments", svc.department),
            "name": str(svc.name),
            "description": str(svc.summary),
            "url": self.page("services", svc.id),
            "email": email,
            "status": "active",
            "fees_description": fees,
            "eligibility_description": str(svc.eligibility) if svc.eligibility else None,
        })

    def service(self, svc: Service) -> dict[str, Any]:
        """A full service, with its organization and its lists."""
        out = self.service_summary(svc)
        sid = out["id"]
        dept = self.site.departments[svc.department]
        out["organization"] = self.organization(dept)
        out["phones"] = self.phones(svc, sid)
        out["schedules"] = self.schedules(svc, dept, sid)
        out["languages"] = [{"id": self.id("services", svc.id, "languages", lang.code),
                             "service_id": sid, "name": lang.name, "code": lang.code}
                            for lang in self.site.config.languages]
        out["cost_options"] = self.cost_options(svc, sid)
        out["service_areas"] = [{"id": self.id("services", svc.id, "service_areas", 0),
                                 "service_id": sid, "name": str(self.site.config.city)}]
        return {k: v for k, v in out.items() if v != []}

    def phones(self, svc: Service, sid: str) -> list[dict[str, Any]]:
        phones = self.site.config.phones
        out, seen = [], set()
        for c in svc.channels:
            kind = PHONE_TYPES.get(c.type)
            number = c.phone or {"phone": phones.main, "tty": phones.tty, "text": phones.text}[c.type] \
                if kind else None
            if not number or (number, kind) in seen:
                continue
            seen.add((number, kind))
            out.append({"id": self.id("services", svc.id, "phones", len(out)), "service_id": sid,
                        "number": number, "type": kind})
        return out

    def schedules(self, svc: Service, dept: Department, sid: str) -> list[dict[str, Any]]:
        """One weekly rule per opening time, the days that share it together."""
        if dept.hours is None:
            return []
        by_range: dict[tuple[str, str], list[str]] = {}
        for day, ranges in zip(DAYS, dept.hours.days):
            for opens, closes in ranges:
                by_range.setdefault((opens, closes), []).append(BYDAY[day])
        out = []
        for (opens, closes), days in by_range.items():
            out.append({"id": self.id("services", svc.id, "schedules", len(out)), "service_id": sid,
                        "freq": "WEEKLY", "wkst": "MO", "byday": ",".join(days),
                        "opens_at": opens, "closes_at": "23:59" if closes == "24:00" else closes})
        return out

    def cost_options(self, svc: Service, sid: str) -> list[dict[str, Any]]:
        if svc.fees is None:
            return []
        oid = self.id("services", svc.id, "cost_options", 0)
        if str(svc.fees).strip().lower() == "none":
            return [{"id": oid, "service_id": sid, "amount": 0,
                     "currency": self.site.config.currency}]
        return [{"id": oid, "service_id": sid, "option": str(svc.fees),
                 "currency": self.site.config.currency}]


def list_page(contents: list[dict[str, Any]]) -> dict[str, Any]:
    """The HSDS paginated list, as one page."""
    return {"total_items": len(contents), "total_pages": 1, "page_number": 1,
            "size": len(contents), "first_page": True, "last_page": True,
            "empty": not contents, "contents": contents}


def _dump(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", "utf-8")


def write(site: Site, stage: Path) -> list[Path]:
    """api/hsds/ of the public site (nothing for the agent site)."""
    if site.audience != "public":
        return []
    cat = Catalog(site)
    folder = stage / "api" / "hsds"
    services = sorted(site.services.values(), key=lambda s: s.id)
    departments = sorted(site.departments.values(), key=lambda d: d.id)
    written: list[Path] = []

    def put(rel: str, value: Any) -> None:
        _dump(folder / rel, value)
        written.append(folder / rel)

    put("index.json", {"version": VERSION,
                       "services": cat.url + "api/hsds/services.json",
                       "organizations": cat.url + "api/hsds/organizations.json"})
    put("services.json", list_page([cat.service_summary(s) for s in services]))
    for svc in services:
        put(f"services/{cat.id('services', svc.id)}.json", cat.service(svc))
    put("organizations.json", list_page([cat.organization(d) for d in departments]))
    for dept in departments:
        org = cat.organization(dept, full=True)
        put(f"organizations/{org['id']}.json", org)
    return written
