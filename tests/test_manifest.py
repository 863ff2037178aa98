"""The demo's built output, byte for byte: every file of both audiences and every language
(`site/public/` and `site/agent/`; the build cache beside them is not output).

`tests/data/demo-manifest.txt` lists the path and SHA-256 of every file the demo builds to (with
`SOURCE_DATE_EPOCH` fixed by conftest, which also fixes the review date). A change that moves code
around must leave it unchanged; a change meant to alter the output updates it on purpose:

    .venv/bin/python tests/test_manifest.py      # writes tests/data/demo-manifest.txt

and the diff of the manifest shows, in review, which files the change touched.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

MANIFEST = Path(__file__).parent / "data" / "demo-manifest.txt"


def manifest_of(site: Path) -> str:
    lines = []
    for path in sorted(p for top in ("public", "agent") for p in (site / top).rglob("*")
                       if p.is_file()):
        rel = path.relative_to(site).as_posix()
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}")
    return "\n".join(lines) + "\n"


def test_the_demo_builds_to_the_committed_manifest(demo_site):
    want = MANIFEST.read_text("utf-8").splitlines()
    got = manifest_of(demo_site).splitlines()
    want_paths = {line.split("  ", 1)[1]: line for line in want}
    got_paths = {line.split("  ", 1)[1]: line for line in got}
    missing = sorted(set(want_paths) - set(got_paths))
    extra = sorted(set(got_paths) - set(want_paths))
    changed = sorted(p for p in set(want_paths) & set(got_paths) if want_paths[p] != got_paths[p])
    assert not (missing or extra or changed), (
        f"the demo's output differs from tests/data/demo-manifest.txt: "
        f"{len(missing)} missing {missing[:10]}, {len(extra)} new {extra[:10]}, "
        f"{len(changed)} changed {changed[:10]}. If the change is meant, run "
        f"`.venv/bin/python tests/test_manifest.py` and commit the new manifest."
    )


if __name__ == "__main__":  # write the manifest from a fresh build of the demo
    import tempfile

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1790000000")  # the same as tests/conftest.py
    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo))
    from generator.pipeline.build import build

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build(repo, out, quiet=True)
        MANIFEST.write_text(manifest_of(out), "utf-8")
    print(f"wrote {MANIFEST.relative_to(repo)}")
