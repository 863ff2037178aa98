"""schema.org JSON-LD for the public pages: GovernmentService on a service page,
GovernmentOrganization (Organization for a partner that is not part of government, such as a
utility) on a department page, in the page's language.

Content is untrusted: ``script`` writes the JSON with every ``<``, ``>`` and ``&`` as a JSON
escape, so no text can close the script element or open a comment in it, and the JSON reads back
the same.
"""

from __future__ import annotations

import json
from typing import Any

from generator.pipeline.model import DAYS, Config, Department, Hours, Service

CONTEXT = "https://schema.org"
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                            "Sunday")))
DURATION = {"hours": "PT{}H", "days": "P{}D", "business_days": "P{}D", "weeks": "P{}W"}


def _prune(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def opening_hours(hours: Hours | None) -> list[dict[str, Any]]:
    """One OpeningHoursSpecification per opening time, the days that share it together."""
    if hours is None:
        return []
    by_range: dict[tuple[str, str], list[str]] = {}
    for day, ranges in zip(DAYS, hours.days):
        for opens, closes in ranges:
            by_range.setdefault((opens, closes), []).append(DAY_NAMES[day])
    return [{"@type": "OpeningHoursSpecification", "dayOfWeek": days, "opens": opens,
             "closes": "23:59" if closes == "24:00" else closes}
            for (opens, closes), days in by_range.items()]


def _org_type(dept: Department) -> str:
    return "GovernmentOrganization" if dept.kind == "city" else "Organization"


def organization(dept: Department, config: Config, page_url: str) -> dict[str, Any]:
    contact = _prune({"@type": "ContactPoint", "telephone": dept.phone, "email": dept.email,
                      "hoursAvailable": opening_hours(dept.hours)})
    return _prune({
        "@context": CONTEXT, "@type": _org_type(dept), "name": str(dept.name),
        "description": str(dept.description) if dept.description else None,
        "url": page_url, "sameAs": dept.url, "telephone": dept.phone, "email": dept.email,
        "address": str(dept.address) if dept.address else None,
        "areaServed": {"@type": "City", "name": str(config.city)},
        "contactPoint": contact if len(contact) > 1 else None,
    })


def processing_time(svc: Service) -> str | None:
    if not svc.response_time:
        return None
    value, unit = svc.response_time
    number = int(value) if float(value).is_integer() else value
    return DURATION[unit].format(number)


def service(svc: Service, dept: Department, config: Config, page_url: str,
            dept_url: str) -> dict[str, Any]:
    languages = [lang.code for lang in config.languages]
    phones = {"phone": config.phones.main, "tty": config.phones.tty, "text": config.phones.text}
    channels = []
    for c in svc.channels:
        if c.type in ("online", "app") and c.url:
            channels.append({"@type": "ServiceChannel", "serviceUrl": c.url,
                             "availableLanguage": languages})
        elif c.type in ("phone", "tty") and (c.phone or phones[c.type]):
            channels.append({"@type": "ServiceChannel", "servicePhone": {
                "@type": "ContactPoint", "telephone": c.phone or phones[c.type]},
                "availableLanguage": languages})
        elif c.type == "text" and (c.phone or phones["text"]):
            channels.append({"@type": "ServiceChannel", "serviceSmsNumber": {
                "@type": "ContactPoint", "telephone": c.phone or phones["text"]}})
    if dept.phone:  # the office itself, with its opening hours
        channels.append(_prune({"@type": "ServiceChannel", "servicePhone": _prune({
            "@type": "ContactPoint", "telephone": dept.phone,
            "hoursAvailable": opening_hours(dept.hours)}), "availableLanguage": languages}))
    if channels:
        channels[0]["processingTime"] = processing_time(svc)
        channels[0] = _prune(channels[0])
    return _prune({
        "@context": CONTEXT, "@type": "GovernmentService", "name": str(svc.name),
        "description": str(svc.summary), "url": page_url, "serviceType": str(svc.group),
        "provider": {"@type": _org_type(dept), "name": str(dept.name), "url": dept_url},
        "areaServed": {"@type": "City", "name": str(config.city)},
        "availableChannel": channels,
    })


def script(data: dict[str, Any]) -> str:
    """A <script type="application/ld+json"> element that no text inside can break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/ld+json">{text}</script>'
