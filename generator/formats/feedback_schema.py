"""api/v1/schema/feedback-event.schema.json: what the pages send to the feedback collector.

Written only when the city turns feedback on (``extra.kb.feedback`` in mkdocs.yml): with it off,
the sites carry nothing of it. The collector (``kb feedback serve``) validates every event against
the same file, shipped in ``generator/schemas/events/``.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from generator.pipeline.model import Site

NAME = "feedback-event.schema.json"


@lru_cache(maxsize=None)
def event_schema() -> dict:
    """The event schema as the package ships it."""
    text = (resources.files("generator") / "schemas" / "events" / NAME).read_text("utf-8")
    return json.loads(text)


def write(site: Site, stage: Path) -> list[Path]:
    """The schema beside the others, with its id at its published address (nothing when off)."""
    if site.config.feedback is None:
        return []
    data = copy.deepcopy(event_schema())
    data["$id"] = site.config.base_url(site.audience) + "api/v1/schema/" + NAME
    path = stage / "api" / "v1" / "schema" / NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return [path]
