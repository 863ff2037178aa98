"""A small city with two departments, for the feedback tests: Public Works (potholes) and Parks
(tree trimming), so a report must put each signal under the right one."""

from __future__ import annotations

from conftest import DEPARTMENT

PARKS = DEPARTMENT.replace("Public Works", "Parks and Recreation").replace("Keeps streets safe.",
                                                                          "Keeps parks green.")
TREE_SERVICE = """\
name: Tree trimming
department: parks
group: Parks and trees
summary: Ask for a city tree to be trimmed or a fallen branch to be removed.
keywords: [tree branch, fallen branch, overgrown tree]
owner: {department: parks, contact: trees@testville.example}
"""
FILES = {
    "catalog/departments/parks.yaml": PARKS,
    "catalog/services/tree-trimming.yaml": TREE_SERVICE,
}


def with_feedback(mkdocs_yml: str, collector: str, agent_site_url: str | None = None,
                  site_url: str | None = None) -> str:
    """The tree's mkdocs.yml with extra.kb.feedback set (and the sites' addresses, if given)."""
    text = mkdocs_yml
    if site_url:
        text = text.replace("site_url: https://311.testville.example/", f"site_url: {site_url}")
    extra = f"    feedback: {{collector: \"{collector}\", retention_days: 90}}\n"
    if agent_site_url:
        extra += f"    agent_site_url: {agent_site_url}\n"
    return text.replace("    languages:\n", extra + "    languages:\n")
