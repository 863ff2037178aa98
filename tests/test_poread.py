"""The fast PO reader reads what Babel reads: the same entries, lines, flags and plural forms, and
hands what it is unsure of to Babel (whose error names the line)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator.i18n import poread

REPO = Path(__file__).resolve().parent.parent
HEAD = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);\\n"\n\n')

CASES = {
    "plain": 'msgid "Phone"\nmsgstr "Teléfono"\n',
    "continued lines and escapes": ('msgid ""\n"Say:\\n"\n"\\"hello\\" \\\\ world\\t!"\nmsgstr ""\n'
                                   '"Diga:\\n"\n"\\"hola\\""\n'),
    "flags, locations and comments": ('# translator\n#. extracted\n#: a.yaml:3 b.md:9\n'
                                      '#, fuzzy, python-format\nmsgid "%(n)s days"\nmsgstr "%(n)s días"\n'),
    "previous msgid": '#, fuzzy\n#| msgid "Old"\nmsgid "New"\nmsgstr "Viejo"\n',
    "plural, one form missing": ('msgid "%(num)s day"\nmsgid_plural "%(num)s days"\n'
                                 'msgstr[0] "%(num)s día"\nmsgstr[2] "%(num)s días"\n'),
    "context": 'msgctxt "menu"\nmsgid "Open"\nmsgstr "Abrir"\n\nmsgid "Open"\nmsgstr "Abierto"\n',
    "obsolete entries": ('msgid "Kept"\nmsgstr "Guardado"\n\n#~ msgid "Gone"\n#~ msgstr "Ido"\n\n'
                         '#~ msgid "Also gone"\n#~ msgstr ""\n#~ "Tambien"\n'),
    "no blank lines between entries": 'msgid "A"\nmsgstr "a"\nmsgid "B"\nmsgstr "b"\n',
    "untranslated": 'msgid "A"\nmsgstr ""\n',
    "CRLF line ends": 'msgid "A"\r\nmsgstr "a"\r\n',
}


def babel_entries(text: str) -> list[tuple]:
    catalog = read_po(io.StringIO(text), locale=None)
    out = []
    for msg in catalog:
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        out.append((msg.lineno, ids, tuple(strings), msg.context, msg.fuzzy))
    return out


def fast_entries(po: poread.PoFile) -> list[tuple]:
    return [(e.line, e.ids, e.strings, e.context, e.fuzzy) for e in po.entries]


@pytest.mark.parametrize("name", sorted(CASES))
def test_reads_what_babel_reads(name):
    text = HEAD + CASES[name]
    po = poread.parse(text)
    assert fast_entries(po) == babel_entries(text)
    assert po.num_plurals == 3


def test_flags_are_the_ones_written():
    """Babel adds python-format to any text with a '%' ("60% of"); the file's own flags are kept."""
    po = poread.parse(HEAD + 'msgid "60% of homes"\nmsgstr "60 % de"\n\n#, python-format\n'
                             'msgid "%(n)s homes"\nmsgstr "%(n)s casas"\n')
    assert [e.flags for e in po.entries] == [frozenset(), frozenset({"python-format"})]


@pytest.mark.parametrize("text, line, message", [
    (HEAD + 'msgid "Phone"\nmsgstr "Teléfono"\n\nmsgid "Email"\n', 9, "missing msgstr for msgid 'Email'"),
    (HEAD + 'msgid "Phone"\nmsgstr "Teléfono"\nTeléfono\n', 8, "Unknown or misformatted keyword"),
])
def test_broken_files_get_babels_message(text, line, message):
    with pytest.raises(poread.PoFileError) as info:
        poread.parse(text)
    assert message in str(info.value)
    assert info.value.lineno + 1 == line


def test_an_unusual_file_babel_accepts_is_read_by_babel():
    text = HEAD + 'msgid "A"\nmsgstr "a"\n\nmsgid "A"\nmsgstr "b"\n'  # the same msgid twice
    assert fast_entries(poread.parse(text)) == babel_entries(text)


def test_the_demo_translations_read_as_babel_reads_them():
    for path in sorted((REPO / "translations").glob("*.po")):
        text = path.read_text("utf-8")
        assert fast_entries(poread.read(path)) == babel_entries(text), path.name


def test_messages_leave_out_fuzzy_and_empty_and_fill_plurals_from_the_source():
    po = poread.parse(HEAD + '#, fuzzy\nmsgid "Old"\nmsgstr "Viejo"\n\nmsgid "Empty"\nmsgstr ""\n\n'
                             'msgid "Yes"\nmsgstr "Sí"\n\nmsgid "%(n)s day"\nmsgid_plural "%(n)s days"\n'
                             'msgstr[0] "%(n)s día"\nmsgstr[1] ""\nmsgstr[2] "%(n)s días"\n')
    messages = poread.Messages(po)
    assert messages.lookup("Old") is None and messages.gettext("Old") == "Old"
    assert messages.lookup("Empty") is None and messages.lookup("Yes") == "Sí"
    assert [messages.ngettext("%(n)s day", "%(n)s days", n) for n in (1, 2, 5)] == [
        "%(n)s día", "%(n)s days", "%(n)s días"]
