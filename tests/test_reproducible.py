"""Reproducible builds: the same tree and SOURCE_DATE_EPOCH give byte-identical output trees."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BASE_TREE, write_tree


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".kb-")}


def assert_identical(a: Path, b: Path) -> None:
    """The two sites (public/ and agent/, what is published) are the same files, byte for byte."""
    for site in ("public", "agent"):
        fa, fb = files_of(a / site), files_of(b / site)
        assert fa, site
        assert sorted(fa) == sorted(fb)
        differ = [name for name in fa if fa[name] != fb[name]]
        assert not differ, f"{len(differ)} files differ, first: {differ[:5]}"


def test_two_builds_of_a_tree_are_byte_identical(tmp_path, monkeypatch):
    from generator.pipeline.build import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    root = write_tree(tmp_path / "city", {
        **BASE_TREE,
        "catalog/alerts/snow.yaml": "title: Snow emergency\nmessage: Park off street.\n"
                                    "starts: 2026-01-01T00:00:00Z\nends: 2026-01-02T00:00:00Z\n",
        "catalog/calendar.yaml": "holidays: [{date: 2026-12-25, name: Christmas Day}]\n",
    })
    build(root, tmp_path / "one", quiet=True)
    build(root, tmp_path / "two", jobs=2, quiet=True)
    assert_identical(tmp_path / "one", tmp_path / "two")


@pytest.mark.slow
def test_two_builds_of_the_demo_are_byte_identical(demo_root, demo_site, tmp_path):
    from generator.pipeline.build import build

    build(demo_root, tmp_path / "again", quiet=True)
    assert_identical(demo_site, tmp_path / "again")
