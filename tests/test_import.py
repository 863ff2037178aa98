"""kb import open311: departments from a mapping or one placeholder, never overwriting unless
asked, reporting what could not be carried over, and refusing bad input without writing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from conftest import MKDOCS_YML, write_tree

DATA = Path(__file__).parent / "data" / "open311"


def site(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "city", {"mkdocs.yml": MKDOCS_YML})


def services(root: Path) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8"))
            for p in sorted((root / "catalog/services").glob("*.yaml"))}


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_departments_come_from_the_mapping(kb, tmp_path):
    root = site(tmp_path)
    write_tree(root, {"catalog/departments/public-works.yaml": "name: Public Works\nkind: city\n"})
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "groups:\n  Streets, Parking & Traffic: public-works\n  Parks & Recreation: parks\n"
        "codes:\n  37: graffiti-team\n"  # an integer key, as a city would write it
        "default: city-clerk\n"
        "names:\n  parks: Parks and Recreation\n", "utf-8")
    result = kb("import", "open311", DATA / "bloomington-2018-services.json", "--root", root,
                "--departments", mapping)
    assert result.exit_code == 0, result.output
    got = services(root)
    assert got["graffiti"]["department"] == "graffiti-team"
    assert got["potholes-other-street-repair"]["department"] == "public-works"
    assert got["excessive-growth"]["department"] == "city-clerk"
    assert {s["department"] for s in got.values()} == {"graffiti-team", "public-works", "parks",
                                                       "city-clerk"}
    parks = yaml.safe_load((root / "catalog/departments/parks.yaml").read_text("utf-8"))
    assert parks == {"name": "Parks and Recreation", "kind": "city"}
    assert yaml.safe_load((root / "catalog/departments/city-clerk.yaml").read_text("utf-8"))["name"] == "City clerk"
    assert "Public Works\n" in (root / "catalog/departments/public-works.yaml").read_text("utf-8")
    assert ("departments: catalog/departments/parks.yaml did not exist and was created with only "
            "a name: add its phone, hours and description") in result.stderr
    assert "placeholder" not in result.stderr
    assert kb("check", "--root", root).exit_code == 0


def test_without_a_mapping_one_placeholder_department_is_said_clearly(kb, tmp_path):
    root = site(tmp_path)
    result = kb("import", "open311", DATA / "giessen-services.xml", "--root", root)
    assert result.exit_code == 0, result.output
    assert ("departments: 8 services went to the placeholder department 'unassigned' "
            "(catalog/departments/unassigned.yaml): give them their real department, or import "
            "again with --departments MAP.yaml") in result.stderr
    assert sorted(p.name for p in (root / "catalog/departments").iterdir()) == ["unassigned.yaml"]
    text = (root / "catalog/departments/unassigned.yaml").read_text("utf-8")
    assert "placeholder" in text and "Not yet assigned" in text
    assert "Imported 8 services (8 new, 0 replaced, 0 not imported, 0 without their questions)" \
        in result.stderr
    check = kb("check", "--root", root)
    assert check.exit_code == 0, check.output


def test_existing_files_are_never_overwritten_unless_asked(kb, tmp_path):
    root = site(tmp_path)
    src = DATA / "bloomington-2012-services.json"
    assert kb("import", "open311", src, "--root", root).exit_code == 0
    graffiti = root / "catalog/services/graffiti.yaml"
    edited = graffiti.read_text("utf-8").replace("department: unassigned", "department: parks")
    graffiti.write_text(edited, "utf-8")
    write_tree(root, {"catalog/departments/parks.yaml": "name: Parks\nkind: city\n"})
    before = snapshot(root)
    again = kb("import", "open311", src, "--root", root)
    assert again.exit_code == 0
    assert snapshot(root) == before
    assert ("bloomington-2012-services.json: service 4e090d24992b941e78000027 (Graffiti): "
            "catalog/services/graffiti.yaml already has this code; not replaced (use --force to "
            "replace it)") in again.stderr
    forced = kb("import", "open311", src, "--root", root, "--force")
    assert forced.exit_code == 0
    assert "department: unassigned" in graffiti.read_text("utf-8")
    assert "46 replaced" in forced.stderr
    assert len(services(root)) == 46


def test_a_hand_written_service_with_the_same_name_keeps_its_file(kb, tmp_path):
    root = site(tmp_path)
    mine = "name: Graffiti\ndepartment: unassigned\ngroup: Mine\nsummary: My own.\n"
    write_tree(root, {"catalog/services/graffiti.yaml": mine})
    result = kb("import", "open311", DATA / "bloomington-2018-services.json", "--root", root)
    assert result.exit_code == 0, result.output
    assert (root / "catalog/services/graffiti.yaml").read_text("utf-8") == mine
    assert services(root)["graffiti-2"]["open311"]["code"] == "37"


def test_what_cannot_be_mapped_is_reported(kb, tmp_path):
    root = site(tmp_path)
    long = "A very long description. " + "It goes on. " * 30
    records = [
        {"service_code": "ok", "service_name": "Fine", "description": "Fine.", "metadata": False,
         "type": "realtime", "keywords": "a,, b ,a", "group": "G"},
        {"service_code": "../up", "service_name": "Escape", "description": "No.", "metadata": False,
         "type": "realtime", "keywords": "", "group": "G"},
        {"service_code": "odd-type", "service_name": "Odd", "description": "Odd.", "metadata": False,
         "type": "sometimes", "keywords": "", "group": "G", "jurisdiction_id": "x"},
        {"service_code": "long", "service_name": "Long", "description": long, "metadata": True,
         "type": "realtime", "keywords": "", "group": "G"},
        {"service_code": "ok", "service_name": "Again", "description": "Twice.", "metadata": False,
         "type": "realtime", "keywords": "", "group": "G"},
    ]
    src = tmp_path / "list" / "services.json"
    src.parent.mkdir()
    src.write_text(json.dumps(records), "utf-8")
    definition = src.parent / "services" / "long.xml"  # XML beside a JSON list is found too
    definition.parent.mkdir()
    definition.write_text(
        "<service_definition><service_code>long</service_code><attributes><attribute>"
        "<variable>true</variable><code>COLOR</code><datatype>singlevaluelist</datatype>"
        "<required>false</required><datatype_description/><order>1</order>"
        "<description>Which color?</description><values><value><key>1</key><name>Red</name>"
        "</value></values></attribute></attributes></service_definition>", "utf-8")
    result = kb("import", "open311", src, "--root", root)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert ("services.json: service ../up (Escape): not imported: clients could not request this "
            "code as a file (it has '..', '?', '#', '%', a backslash, a control character or an "
            "empty or '.' part between slashes)") in lines
    assert ("services.json: service odd-type (Odd): type 'sometimes' is not realtime, batch or "
            "blackbox; imported as realtime") in lines
    assert "services.json: service ok (Again): listed twice; the second is left out" in lines
    assert ("services.json: fields that are not GeoReport v2 service fields were left out: "
            "jurisdiction_id") in lines
    assert any(line.startswith("services.json: service long (Long): description is longer") for line in lines)
    got = services(root)
    assert sorted(got) == ["fine", "long", "odd"]
    assert got["fine"]["keywords"] == ["a", "b"]
    assert got["long"]["summary"] == "A very long description."
    assert got["long"]["description"] == long
    assert got["long"]["request"]["questions"] == [
        {"code": "color", "prompt": "Which color?", "datatype": "singlevaluelist",
         "required": False, "values": [{"key": "1", "name": "Red"}]}]
    assert kb("check", "--root", root).exit_code == 0


def test_a_broken_list_writes_nothing(kb, tmp_path):
    root = site(tmp_path)
    before = snapshot(root)
    bad = tmp_path / "services.json"
    bad.write_text('[{"service_code": "1",\n  "service_name": }]', "utf-8")
    result = kb("import", "open311", bad, "--root", root)
    assert result.exit_code == 1
    assert f"{bad}:2:19: not valid JSON (Expecting value)" in result.stderr
    xml = tmp_path / "services.xml"
    xml.write_text("<services><service></services>", "utf-8")
    result = kb("import", "open311", xml, "--root", root)
    assert result.exit_code == 1
    assert f"{xml}:1:22: not well-formed XML (mismatched tag)" in result.stderr
    wrong = tmp_path / "wrong.xml"
    wrong.write_text("<requests/>", "utf-8")
    result = kb("import", "open311", wrong, "--root", root)
    assert result.exit_code == 1 and "the root element is <requests>, not <services>" in result.stderr
    assert snapshot(root) == before


def test_a_bad_mapping_writes_nothing(kb, tmp_path):
    root = site(tmp_path)
    before = snapshot(root)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("groups:\n  Hazards: Public Works\n", "utf-8")
    result = kb("import", "open311", DATA / "bloomington-2018-services.json", "--root", root,
                "--departments", mapping)
    assert result.exit_code == 1
    assert (f"{mapping}: groups.Hazards: 'Public Works' is not a department id (lowercase letters, "
            f"digits and hyphens, like 'public-works')") in result.stderr
    mapping.write_text("group:\n  Hazards: public-works\n", "utf-8")
    result = kb("import", "open311", DATA / "bloomington-2018-services.json", "--root", root,
                "--departments", mapping)
    assert result.exit_code == 1 and "group: unknown field" in result.stderr
    assert snapshot(root) == before


def test_a_folder_holding_the_list_is_accepted(kb, tmp_path):
    root = site(tmp_path)
    folder = tmp_path / "endpoint"
    folder.mkdir()
    shutil.copy(DATA / "giessen-services.xml", folder / "services.xml")
    result = kb("import", "open311", folder, "--root", root)
    assert result.exit_code == 0, result.output
    assert len(services(root)) == 8
    empty = tmp_path / "empty"
    empty.mkdir()
    result = kb("import", "open311", empty, "--root", root)
    assert result.exit_code == 1 and "no services.json or services.xml in this folder" in result.stderr


def test_services_with_only_a_name_are_counted_so_the_editor_adds_callers_words(kb, tmp_path):
    root = site(tmp_path)
    services_list = tmp_path / "services.json"
    services_list.write_text(json.dumps([
        {"service_code": "1", "service_name": "Sanitation Code Violation", "metadata": False,
         "type": "realtime"},
        {"service_code": "2", "service_name": "Alley Grading", "metadata": False,
         "type": "realtime", "description": " "},
        {"service_code": "3", "service_name": "Pothole", "metadata": False, "type": "realtime",
         "keywords": "hole in the road, crater"},
        {"service_code": "4", "service_name": "Graffiti", "metadata": False, "type": "realtime",
         "description": "Paint or tagging on a wall, removed from public and private property."},
    ]), "utf-8")
    result = kb("import", "open311", services_list, "--root", root)
    assert result.exit_code == 0, result.output
    assert ("search: 2 services have only their name to be found by (no keywords, no "
            "description): give each the words callers use, as 'keywords' (the editors' guide "
            "says how)") in result.stderr
    assert "created 1 department in" in result.stderr

    other = site(tmp_path / "other")
    described = tmp_path / "described.json"
    described.write_text(json.dumps([json.loads(services_list.read_text("utf-8"))[3]]), "utf-8")
    result = kb("import", "open311", described, "--root", other)
    assert result.exit_code == 0, result.output
    assert "search:" not in result.stderr
