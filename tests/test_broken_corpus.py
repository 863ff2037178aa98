"""A corpus of broken content trees: each gives exit 1 and exactly these lines, never a traceback.

Each case is a valid small tree (conftest.BASE_TREE) with files added, changed or removed (None).
tests/test_check_errors.py has 21 more cases; none is repeated here.
"""

from __future__ import annotations

import pytest
from conftest import MKDOCS_YML, SERVICE, Fifo, HardLink, Link

S = "catalog/services/x.yaml"
D = "catalog/departments/parks.yaml"
A = "articles/a.md"
OK = "name: X\ndepartment: public-works\ngroup: G\nsummary: S.\n"  # a valid service, to extend
ART = "---\ntitle: A\n---\n"
PO = "translations/fr.po"
PO_HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
UTF16 = "is saved as UTF-16; save it as UTF-8 instead (in Notepad: File > Save as, Encoding: UTF-8)"
COPY = "put a copy of the file here instead of the link"
OUT = f"outside the content folder; kb reads only files inside it: {COPY}"
ES = MKDOCS_YML + "      - {code: es, name: Español}\n"
SNOW = "title: Snow\nmessage: M.\nstarts: 2026-01-01T00:00:00Z\nends: 2026-01-02T00:00:00Z\n"

CASES = [
    # --- YAML syntax --------------------------------------------------------------------------
    ("unclosed flow list", {S: OK + "keywords: [a, b\n"},
     [f"{S}:6:1: (syntax): did not find expected ',' or ']' (while parsing a flow sequence)"]),
    ("unclosed quote", {S: 'name: "X\ndepartment: public-works\n'},
     [f"{S}:3:1: (syntax): found unexpected end of stream (while scanning a quoted scalar)"]),
    ("colon in a plain value", {S: "name: X\ndepartment: public-works\ngroup: G\nsummary: Note: here\n"},
     [f"{S}:4:14: (syntax): mapping values are not allowed in this context; put quotes around a value that "
      "contains ': '"]),
    ("bad indentation", {S: "name: X\n  department: public-works\n"},
     [f"{S}:2:13: (syntax): mapping values are not allowed in this context; put quotes around a value that "
      "contains ': '"]),
    ("tab in front matter", {A: "---\ntitle: A\n\tsummary: B\n---\nBody.\n"},
     [f"{A}:3:1: (syntax): found a tab character that violates indentation (while scanning a "
      "plain scalar); indent with spaces, not tabs"]),
    ("tab inside a nested mapping", {D: "name: Parks\nkind: city\nhours:\n\tmon: closed\n"},
     [f"{D}:4:1: (syntax): found character that cannot start any token (while scanning for the "
      "next token); indent with spaces, not tabs"]),
    ("a list where a mapping is expected", {S: "- name: X\n"},
     [f"{S}:1:1: (file): must be a YAML mapping of 'field: value' lines"]),
    ("a plain string file", {S: "just some words\n"},
     [f"{S}:1:1: (file): must be a YAML mapping of 'field: value' lines"]),
    ("two YAML documents", {S: OK + "---\nname: Y\n"},
     [f"{S}:5:1: (syntax): a second document starts here (a line '---'); keep one document per file"]),
    ("unknown tag", {S: OK + "fees: !secret x\n"},
     [f"{S}:5:7: fees: unsupported YAML tag '!secret'; remove it"]),
    ("python tag in mkdocs.yml runs no code",
     {"mkdocs.yml": MKDOCS_YML + "x: !!python/object/apply:os.system ['touch /tmp/kb-pwned']\n"},
     ["mkdocs.yml:13:4: x: the YAML tag '!!python/object/apply:os.system' makes mkdocs run Python "
      "code when it reads this file; remove it"]),
    ("merge key", {S: "name: X\n<<: {group: G}\ndepartment: public-works\nsummary: S.\n"},
     [f"{S}:2:1: (file): merge keys ('<<') are not supported; write the fields out"]),
    ("list as a key", {S: OK + "? [a, b]\n: c\n"},
     [f"{S}:5:3: (file): a key must be a plain word, not a list or a mapping"]),
    # --- limits ---------------------------------------------------------------------------------
    ("alias bomb", {S: "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c]\n"},
     [f"{S}:1:4: (syntax): YAML anchors and aliases (&name, *name) are not allowed; write the value "
      "out in full"]),
    ("nested too deep", {S: OK + "fees: " + "[" * 30 + "]" * 30 + "\n"},
     [f"{S}:5:31: fees" + "[0]" * 24 + ": nested more than 24 levels deep; flatten this value"]),
    ("nested deep enough to crash the YAML parser", {S: OK + "fees: " + "[" * 100_000 + "]" * 100_000 + "\n"},
     [f"{S}:5:1006: (syntax): nested more than 24 levels deep; flatten it"]),
    ("indented deep enough to crash the YAML parser",
     {S: OK + "eligibility:\n" + "".join(" " * i + "a:\n" for i in range(1, 1100)) + " " * 1100 + "b: 1\n"},
     [f"{S}:1004:1001: (syntax): nested more than 24 levels deep; flatten it"]),
    # --- files ----------------------------------------------------------------------------------
    ("binary file", {S: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
     [f"{S}:1:1: (file): is a binary file, not text; remove it or save it as UTF-8 text"]),
    ("UTF-16 file", {S: "name: X\n".encode("utf-16")},
     [f"{S}:1:1: (file): {UTF16}"]),
    ("UTF-16 file without a byte-order mark", {S: "name: X\n".encode("utf-16-le")},
     [f"{S}:1:1: (file): {UTF16}"]),
    ("UTF-16 big-endian article", {A: ART.encode("utf-16-be")},
     [f"{A}:1:1: (file): {UTF16}"]),
    ("Latin-1 on line 3", {S: b"name: X\ndepartment: public-works\ngroup: Stra\xdfe\n"},
     [f"{S}:3:12: (file): is not UTF-8 (byte 0xdf); save it with UTF-8 encoding"]),
    ("byte-order mark and CRLF: a mistake on line 1 is at its column",
     {S: b"\xef\xbb\xbf" + OK.replace("name: X", "name: !secret X").replace("\n", "\r\n").encode()},
     [f"{S}:1:7: name: unsupported YAML tag '!secret'; remove it"]),
    ("byte-order mark and CRLF: a mistake on line 3 is on line 3",
     {S: b"\xef\xbb\xbf" + OK.replace("group: G", "group: [G").replace("\n", "\r\n").encode()},
     [f"{S}:4:8: (syntax): did not find expected ',' or ']' (while parsing a flow sequence)"]),
    ("byte-order mark and CRLF: a key given twice", {S: b"\xef\xbb\xbf" + (OK + "name: Y\n").replace("\n", "\r\n").encode()},
     [f"{S}:5:1: name: 'name' is given twice (first on line 1); keep one"]),
    ("byte-order mark and CRLF in front matter",
     {A: b"\xef\xbb\xbf---\r\ntitle: A\r\n  bad: 1\r\n---\r\nBody.\r\n"},
     [f"{A}:3:6: (syntax): mapping values are not allowed in this context; put quotes around a "
      "value that contains ': '"]),
    ("byte-order mark and CRLF in an article body",
     {A: b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nBody.\r\nSee [x](article:missing).\r\n"},
     [f"{A}:5:9: body: links to article:missing, which does not exist"]),
    ("Latin-1 after a byte-order mark and accents, on line 1",
     {S: b"\xef\xbb\xbfname: Caf\xc3\xa9 Stra\xdfe\r\n"},
     [f"{S}:1:16: (file): is not UTF-8 (byte 0xdf); save it with UTF-8 encoding"]),
    ("only a byte-order mark", {A: b"\xef\xbb\xbf\r\n"},
     [f"{A}:1:1: (file): is empty; add content or delete the file"]),
    ("empty article", {A: ""},
     [f"{A}:1:1: (file): is empty; add content or delete the file"]),
    ("whitespace-only department", {D: "   \n\t\n"},
     [f"{D}:1:1: (file): is empty; add content or delete the file"]),
    ("article without front matter", {A: "# Title\n\nBody.\n"},
     [f"{A}:1:1: (file): must start with front matter: a line '---', the fields (title, services, "
      "audience, ...), and another line '---'"]),
    ("front matter that is a list", {A: "---\n- a\n---\nBody.\n"},
     [f"{A}:2:1: (file): front matter must be 'field: value' lines"]),
    ("empty front matter", {A: "---\n---\nBody.\n"},
     [f"{A}:2:1: (file): front matter must be 'field: value' lines"]),
    ("wrong extension", {"catalog/services/x.yml": OK},
     ["catalog/services/x.yml:1:1: (file): has the wrong extension; rename it to 'x.yaml'"]),
    ("id with ..", {"catalog/services/up..down.yaml": OK},
     ["catalog/services/up..down.yaml:1:1: (file): the file name 'up..down' is not a valid id: use "
      "lowercase letters, digits and hyphens, like 'pothole-repair' (at most 64 characters), for "
      "example 'up-down.yaml'"]),
    ("id with a space in an article", {"articles/my answer.md": ART},
     ["articles/my answer.md:1:1: (file): the file name 'my answer' is not a valid id: use lowercase "
      "letters, digits and hyphens, like 'pothole-repair' (at most 64 characters), for example "
      "'my-answer.md'"]),
    ("missing mkdocs.yml", {"mkdocs.yml": None},
     ["mkdocs.yml:1:1: (file): is missing; every site needs one (run 'kb init DIR' to start a new "
      "site)"]),
    # --- nothing from outside the content folder (docs/security.md) ---------------------------
    ("article that links out of the folder", {"../secret.md": ART + "Secret.\n",
                                              "articles/leak.md": Link("../../secret.md")},
     [f"articles/leak.md:1:1: (file): is a link to '../../secret.md', {OUT}"]),
    ("service that links out of the folder", {"../leak.yaml": OK, S: Link("../../../leak.yaml")},
     [f"{S}:1:1: (file): is a link to '../../../leak.yaml', {OUT}"]),
    ("link to /dev/zero does not hang the check", {S: Link("/dev/zero")},
     [f"{S}:1:1: (file): is a link to '/dev/zero', {OUT}"]),
    ("named pipe", {S: Fifo()},
     [f"{S}:1:1: (file): is a named pipe (FIFO), not a file kb can read; remove it"]),
    ("hard link to a file outside", {"../outside.yaml": OK, S: HardLink("../outside.yaml")},
     [f"{S}:1:1: (file): has 2 names on this disk (a hard link), so kb cannot tell whether "
      "another is outside the content folder; make it an ordinary file: copy it, delete it, and "
      "name the copy 'x.yaml'"]),
    ("folder that links out", {"../elsewhere/snow.yaml": SNOW, "catalog/alerts": Link("../../elsewhere")},
     [f"catalog/alerts:1:1: (file): is a link to '../../elsewhere', {OUT}"]),
    ("link that leads nowhere", {S: Link("nowhere.yaml")},
     [f"{S}:1:1: (file): is a link to 'nowhere.yaml', which does not exist; fix the link or remove it"]),
    ("link to itself", {S: Link("x.yaml")},
     [f"{S}:1:1: (file): is a link that leads back to itself; remove it"]),
    ("link into .git", {".git/config": "[core]\n", A: Link("../.git/config")},
     [f"{A}:1:1: (file): is a link to '.git/config', which is hidden (like .git/) and not content: "
      f"{COPY}"]),
    ("theme file that links to the catalog (internal fields)",
     {"theme/leak.txt": Link("../catalog/services/pothole-repair.yaml")},
     ["theme/leak.txt:1:1: (file): is a link to 'catalog/services/pothole-repair.yaml', outside "
      f"theme/; a link in theme/ may only lead to another place in theme/: {COPY}"]),
    ("theme file that links to /etc/passwd", {"theme/passwd.txt": Link("/etc/passwd")},
     [f"theme/passwd.txt:1:1: (file): is a link to '/etc/passwd', {OUT}"]),
    ("theme folder that links out", {"theme/assets": Link("/etc")},
     [f"theme/assets:1:1: (file): is a link to '/etc', {OUT}"]),
    ("theme folder that links to a folder it is in", {"theme/assets/loop": Link("..")},
     ["theme/assets/loop:1:1: (file): is a link to a folder it is in itself; remove it"]),
    ("named pipe in the theme", {"theme/kb/kb.css": Fifo()},
     ["theme/kb/kb.css:1:1: (file): is a named pipe (FIFO), not a file kb can read; remove it"]),
    ("mkdocs.yml that links out", {"../site.yml": MKDOCS_YML, "mkdocs.yml": Link("../site.yml")},
     [f"mkdocs.yml:1:1: (file): is a link to '../site.yml', {OUT}"]),
    ("translation file that links out", {"../fr.po": PO_HEAD, PO: Link("../../fr.po")},
     [f"{PO}:1:1: (file): is a link to '../../fr.po', {OUT}"]),
    ("INHERIT from outside", {"../base.yml": "site_name: X\n", "mkdocs.yml": MKDOCS_YML + "INHERIT: ../base.yml\n"},
     ["mkdocs.yml:13:10: INHERIT: '../base.yml' is outside the content folder; kb reads only files "
      "inside it: move the settings it holds into the content folder"]),
    ("INHERIT from a hidden file", {".git/config": "a: b\n", "mkdocs.yml": MKDOCS_YML + "INHERIT: .git/config\n"},
     ["mkdocs.yml:13:10: INHERIT: '.git/config' is hidden (like .git/) and not content: move the "
      "settings it holds into a file of the content folder"]),
    ("INHERIT from a file that runs code",
     {"base.yml": "x: !!python/object/apply:os.system ['touch /tmp/kb-pwned']\n",
      "mkdocs.yml": MKDOCS_YML + "INHERIT: base.yml\n"},
     ["base.yml:1:4: x: the YAML tag '!!python/object/apply:os.system' makes mkdocs run Python "
      "code when it reads this file; remove it"]),
    ("INHERIT in a circle", {"base.yml": "INHERIT: mkdocs.yml\n", "mkdocs.yml": MKDOCS_YML + "INHERIT: base.yml\n"},
     ["base.yml:1:10: INHERIT: 'mkdocs.yml' inherits from this file again, so mkdocs would never "
      "finish; remove one INHERIT"]),
    ("INHERIT from a file that is not there", {"mkdocs.yml": MKDOCS_YML + "INHERIT: base.yml\n"},
     ["mkdocs.yml:13:10: INHERIT: names 'base.yml', which does not exist"]),
    # --- names that one file system keeps apart and another does not ------------------------------
    ("ES.po beside es.po", {"mkdocs.yml": ES, "translations/es.po": PO_HEAD, "translations/ES.po": PO_HEAD},
     ["translations/ES.po:1:1: (file): differs from translations/es.po only in case; on Windows and "
      "macOS the two are one file, so which one the site gets depends on the machine: keep one"]),
    ("ES.po alone", {"mkdocs.yml": ES, "translations/ES.po": PO_HEAD},
     ["translations/ES.po:1:1: (file): is not read: the language in mkdocs.yml is 'es'; rename it "
      "to 'es.po'"]),
    ("theme files that differ only in case", {"theme/main.html": "a", "theme/Main.html": "b"},
     ["theme/main.html:1:1: (file): differs from theme/Main.html only in case; on Windows and macOS "
      "the two are one file, so which one the site gets depends on the machine: keep one"]),
    ("theme files that differ only in Unicode normalisation",
     {"theme/assets/cafe\u0301.png": "a", "theme/assets/caf\u00e9.png": "b"},
     ["theme/assets/caf\u00e9.png:1:1: (file): differs from theme/assets/cafe\u0301.png only in how "
      "accented letters are encoded (Unicode normalisation); on Windows and macOS the two are one "
      "file, so which one the site gets depends on the machine: keep one"]),
    # --- one mistake, one error: a file that cannot be read is not "missing" ----------------------
    ("service given a name twice, referred to elsewhere",
     {"catalog/services/pothole-repair.yaml": SERVICE.replace("name: Pothole repair\n",
                                                              "name: Pothole repair\nname: Again\n")},
     ["catalog/services/pothole-repair.yaml:2:1: name: 'name' is given twice (first on line 1); keep "
      "one (1 reference to this service in other files is checked once this is fixed)"]),
    ("department that cannot be read", {"catalog/departments/public-works.yaml": "name: [\n"},
     ["catalog/departments/public-works.yaml:2:1: (syntax): did not find expected node content "
      "(while parsing a flow node) (4 references to this department in other files are checked "
      "once this is fixed)"]),
    ("department with the wrong extension",
     {"catalog/departments/public-works.yaml": None,
      "catalog/departments/public-works.yml": "name: Public Works\nkind: city\n"},
     ["catalog/departments/public-works.yml:1:1: (file): has the wrong extension; rename it to "
      "'public-works.yaml' (4 references to this department in other files are checked once this "
      "is fixed)"]),
    ("article that cannot be read, linked from a service",
     {S: OK + "description: See [x](article:potholes).\n", "articles/potholes.md": "no front matter\n"},
     ["articles/potholes.md:1:1: (file): must start with front matter: a line '---', the fields "
      "(title, services, audience, ...), and another line '---' (1 reference to this article in "
      "other files is checked once this is fixed)"]),
    ("service saved as UTF-16, named by an alert",
     {"catalog/alerts/snow.yaml": SNOW + "services: [streetlight-outage]\n",
      "catalog/services/streetlight-outage.yaml": "name: X\n".encode("utf-16")},
     [f"catalog/services/streetlight-outage.yaml:1:1: (file): {UTF16} (3 references to this "
      "service in other files are checked once this is fixed)"]),
    ("service that links out, named by an article",
     {"../leak.yaml": OK, "catalog/services/pothole-repair.yaml": Link("../../../leak.yaml")},
     ["catalog/services/pothole-repair.yaml:1:1: (file): is a link to '../../../leak.yaml', "
      f"{OUT} (1 reference to this service in other files is checked once this is fixed)"]),
    ("service file name that is not an id", {"catalog/services/pothole-repair.yaml": None,
                                             "catalog/services/Pothole_Repair.yaml": SERVICE},
     ["catalog/services/Pothole_Repair.yaml:1:1: (file): the file name 'Pothole_Repair' is not a "
      "valid id: use lowercase letters, digits and hyphens, like 'pothole-repair' (at most 64 "
      "characters), for example 'pothole-repair.yaml' (1 reference to this service in other files "
      "is checked once this is fixed)"]),
    # --- types, keys, values --------------------------------------------------------------------
    ("number where text is expected", {S: "name: 42\ndepartment: public-works\ngroup: G\nsummary: S.\n"},
     [f"{S}:1:7: name: must be text (put quotes around it if it starts with a special character)"]),
    ("list where text is expected", {S: "name: [a]\ndepartment: public-works\ngroup: G\nsummary: S.\n"},
     [f"{S}:1:7: name: must be text, not a list"]),
    ("empty required value", {S: "name:\ndepartment: public-works\ngroup: G\nsummary: S.\n"},
     [f"{S}:1:6: name: must be text, not empty"]),
    ("unknown key in a nested mapping", {S: OK + "request:\n  chanels: []\n"},
     [f"{S}:6:3: request.chanels: unknown field 'chanels'; did you mean 'channels'?"]),
    ("unknown key in front matter", {A: "---\ntitle: A\nauthor: Me\n---\nBody.\n"},
     [f"{A}:3:1: author: unknown field 'author' (allowed here: audience, flow, keywords, owner, "
      "readability, review, services, summary, title)"]),
    ("duplicate key in front matter", {A: "---\ntitle: A\ntitle: B\n---\nBody.\n"},
     [f"{A}:3:1: title: 'title' is given twice (first on line 2); keep one"]),
    ("bad locale", {"mkdocs.yml": MKDOCS_YML.replace("name: English}", "name: English, locale: zz_QQ}")},
     ["mkdocs.yml:12:43: extra.kb.languages[0].locale: 'zz_QQ' is not a locale Babel knows; use one "
      "like 'en' or 'pt_BR' (with an underscore), or leave it out"]),
    ("unknown time zone", {"mkdocs.yml": MKDOCS_YML.replace("America/Chicago", "America/Springfield")},
     ["mkdocs.yml:9:15: extra.kb.timezone: 'America/Springfield' is not a known time zone; use an "
      "IANA name like America/Chicago"]),
    # --- ids and references across files ------------------------------------------------------
    ("related service that does not exist", {S: OK + "related: [streetlight-outag]\n"},
     [f"{S}:5:11: related[0]: no service 'streetlight-outag' (there is no "
      "catalog/services/streetlight-outag.yaml); did you mean 'streetlight-outage'?"]),
    ("related id with ../", {S: OK + "related: [../etc/passwd]\n"},
     [f"{S}:5:11: related[0]: must be an id: lowercase letters, digits and hyphens, like "
      "'pothole-repair'"]),
    ("article about a missing service", {A: "---\ntitle: A\nservices: [no-such-service]\n---\nB.\n"},
     [f"{A}:3:12: services[0]: no service 'no-such-service' (there is no "
      "catalog/services/no-such-service.yaml)"]),
    ("transfer to a missing department", {S: OK + "agent:\n  transfer: {to: parks}\n"},
     [f"{S}:6:18: agent.transfer.to: no department 'parks' (there is no "
      "catalog/departments/parks.yaml)"]),
    ("duplicate Open311 code across files", {S: OK + "open311: {code: \"4\"}\n"},
     [f"{S}:5:17: open311.code: Open311 code '4' is also the code of "
      "catalog/services/pothole-repair.yaml; each service needs its own code"]),
    ("calendar closure of a missing department",
     {"catalog/calendar.yaml": "closures: [{date: 2026-12-24, name: Eve, departments: [parks]}]\n"},
     ["catalog/calendar.yaml:1:56: closures[0].departments[0]: no department 'parks' (there is no "
      "catalog/departments/parks.yaml)"]),
    ("alert about a missing service",
     {"catalog/alerts/snow.yaml": "title: Snow\nmessage: M.\nstarts: 2026-01-01T00:00:00Z\n"
                                  "ends: 2026-01-02T00:00:00Z\nservices: [plowing]\n"},
     ["catalog/alerts/snow.yaml:5:12: services[0]: no service 'plowing' (there is no "
      "catalog/services/plowing.yaml)"]),
    ("service: link with ../ in a description", {S: OK + "description: See [x](service:../etc).\n"},
     [f"{S}:5:14: description: 'service:../etc' is not a valid link: service: is followed by an id"]),
    ("article: link to a missing article", {A: ART + "See [x](article:missing).\n"},
     [f"{A}:4:9: body: links to article:missing, which does not exist"]),
    ("flow step that cannot be reached",
     {A: "---\ntitle: A\nflow:\n  start: q\n  steps:\n    q: {outcome: Done.}\n    lost: {outcome: X.}\n"
         "---\nB.\n"},
     [f"{A}:7:5: flow.steps.lost: step 'lost' cannot be reached from start 'q'; link to it from an "
      "option or remove it"]),
    # --- URLs -----------------------------------------------------------------------------------
    ("ftp url", {S: OK + "request:\n  channels:\n    - {type: online, url: \"ftp://x.example/f\"}\n"},
     [f"{S}:7:27: request.channels[0].url: must be a web address starting with https:// or http://, "
      "like 'https://example.gov/report'"]),
    ("javascript url with spaces and case", {D: "name: Parks\nkind: city\nurl: \" JavaScript:alert(1)\"\n"},
     [f"{D}:3:6: url: must be a web address starting with https:// or http://, like "
      "'https://example.gov/report'"]),
    ("data url", {D: "name: Parks\nkind: city\nurl: \"data:text/html,<script>alert(1)</script>\"\n"},
     [f"{D}:3:6: url: must be a web address starting with https:// or http://, like "
      "'https://example.gov/report'"]),
    # --- translations (PO files) ---------------------------------------------------------------
    ("PO entry without msgstr", {PO: PO_HEAD + 'msgid "Phone"\nmsgstr "Téléphone"\n\nmsgid "Email"\n'},
     [f"{PO}:8:1: (syntax): missing msgstr for msgid 'Email'; each entry is a msgid line and a "
      "msgstr line, in double quotes"]),
    ("PO line that is not an entry", {PO: PO_HEAD + 'msgid "Phone"\nmsgstr "Téléphone"\nTéléphone\n'},
     [f"{PO}:7:1: (syntax): Unknown or misformatted keyword; each entry is a msgid line and a msgstr "
      "line, in double quotes"]),
    ("PO placeholder renamed", {PO: PO_HEAD + 'msgid "%(city)s 311"\nmsgstr "311 de %(ville)s"\n'},
     [f"{PO}:5:1: msgstr: unknown named placeholder 'ville' (msgid \"%(city)s 311\")"]),
    ("PO file saved as UTF-16", {PO: (PO_HEAD + 'msgid "a"\nmsgstr "b"\n').encode("utf-16")},
     [f"{PO}:1:1: (file): {UTF16}"]),
    ("PO file with a byte-order mark and CRLF: a mistake on line 7 is on line 7",
     {PO: b"\xef\xbb\xbf" + (PO_HEAD + 'msgid "Phone"\nmsgstr "T\xc3\xa9l\xc3\xa9phone"\n'
                             'T\xc3\xa9l\xc3\xa9phone\n').replace("\n", "\r\n").encode("latin-1")},
     [f"{PO}:7:1: (syntax): Unknown or misformatted keyword; each entry is a msgid line and a msgstr "
      "line, in double quotes"]),
    # --- pasted text ----------------------------------------------------------------------------
    ("control character pasted into a value", {S: OK + "fees: Free\x07 of charge\n"},
     [f"{S}:5:11: (syntax): contains the control character U+0007, which YAML does not allow; "
      "delete it (it often comes with pasted text)"]),
    ("a key with a line break stays on one line", {S: OK + '"fe\\nes": x\n'},
     [f"{S}:5:1: fe\\nes: unknown field 'fe\\nes'; did you mean 'fees'?"]),
    # --- hours and dates ------------------------------------------------------------------------
    ("hour 25", {D: "name: Parks\nkind: city\nhours:\n  mon: [\"08:00-25:00\"]\n"},
     [f"{D}:4:8: hours.mon: must be closed, or a list of time ranges in 24-hour time, like "
      "[\"08:00-12:00\", \"13:00-16:30\"]"]),
    ("overlapping hours", {D: "name: Parks\nkind: city\nhours:\n  mon: [\"08:00-12:00\", \"11:00-13:00\"]\n"},
     [f"{D}:4:24: hours.mon[1]: '11:00-13:00' overlaps the range before it; list ranges in order "
      "without overlaps"]),
    ("a date that does not exist", {"catalog/calendar.yaml": "holidays: [{date: 2026-02-30, name: X}]\n"},
     ["catalog/calendar.yaml:1:19: holidays[0].date: '2026-02-30' is not a real date"]),
    ("alert that ends before it starts",
     {"catalog/alerts/snow.yaml": "title: Snow\nmessage: M.\nstarts: 2026-01-02T00:00:00Z\n"
                                  "ends: 2026-01-01T00:00:00Z\n"},
     ["catalog/alerts/snow.yaml:4:7: ends: is not after starts; an alert must end after it starts"]),
]


def errors_of(kb, root) -> list[str]:
    result = kb("check", "--root", root)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if not line.endswith("nothing was written.")]


@pytest.mark.parametrize("what,files,expected", CASES, ids=[c[0] for c in CASES])
def test_broken_tree_is_reported_exactly(kb, make_tree, what, files, expected):
    assert errors_of(kb, make_tree(files)) == expected


def test_corpus_is_large_enough():
    assert len(CASES) >= 40


def test_a_50_mb_file_is_refused_without_reading_it(kb, make_tree):
    root = make_tree()
    big = root / "catalog/services/huge.yaml"
    with big.open("wb") as fh:  # made here, never committed
        fh.write(b"name: X\nfees: ")
        fh.truncate(50 * 1024 * 1024)
    assert errors_of(kb, root) == [
        "catalog/services/huge.yaml:1:1: (file): is 52,428,800 bytes; the limit is 1,000,000 bytes. "
        "Split it or remove what does not belong in it"]


def test_build_refuses_broken_tree_and_writes_nothing(kb, make_tree):
    root = make_tree({S: OK + "keywords: [a, b\n"})
    result = kb("build", "--root", root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not (root / "site").exists()


def test_markdown_nested_thousands_deep_fails_cleanly(kb, make_tree):
    """Python-Markdown recurses per nesting level; the build stops with a message, not a traceback."""
    root = make_tree({A: ART + "*" * 20_000 + "x" + "*" * 20_000 + "\n"})
    result = kb("build", "--root", root, "--audience", "public")
    assert result.exit_code == 1
    assert "content nested too deeply to render" in result.output
    assert "answers/a.md" in result.output
    assert not (root / "site" / "public").exists()
    assert not [p.name for p in (root / "site").iterdir() if p.name.startswith(".kb-staging-")]


def test_a_percent_sign_in_content_is_not_a_placeholder(make_tree, kb):
    """'60% of' reads to Babel like a '% o' placeholder; content text is not a format string."""
    root = make_tree({"translations/es.po": PO_HEAD + 'msgid "Signatures from 60% of the households."\n'
                      'msgstr "Firmas del 60 % de los hogares."\n'})
    result = kb("check", "--root", root)
    assert "placeholder" not in result.output, result.output
