# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Every term of the module in Norwegian, as ``i18n/nb_NO.po`` is committed.

The terms are exported from the module as it is now (Odoo's own reader: Python ``_()``, views, data, reports,
JavaScript), so a new string without a translation fails here, not in front of a Norwegian user. Run it on its own
with ``bash dev/test.sh tests/test_i18n.py`` (tag ``kk_i18n``); it reads the file in the checkout, never a
regenerated copy. Until ``make i18n`` has merged new terms and they are translated, it fails and names them.
"""

import re

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

MODULE = "kundekartotek"
# What must survive translation unchanged: named and positional %-placeholders, {{ }} and {} format fields,
# and QWeb/HTML attributes that carry code (t-out, t-esc, t-att…, href, name).
PLACEHOLDER_RES = (
    re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]"),
    re.compile(r"%[sdifr]"),
    re.compile(r"\{\{.*?\}\}"),
    re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})"),
    re.compile(r"""\b(?:t-[\w-]+|href|name)="[^"]*\""""),
)


def placeholders(text):
    """The placeholders of a term, as a sorted list (a count matters for positional ones)."""
    return sorted(match for pattern in PLACEHOLDER_RES for match in pattern.findall(text or ""))


@tagged("post_install", "-at_install", "kk_i18n")
class TestNorwegianTranslation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        po = polib.pofile(file_path(f"{MODULE}/i18n/nb_NO.po"))
        cls.translations = {
            entry.msgid: "" if "fuzzy" in entry.flags else entry.msgstr for entry in po if not entry.obsolete
        }
        reader = TranslationModuleReader(cls.env.cr, modules=[MODULE])
        # The module's folder may hold the developer's virtualenv (.venv) and working files (.odoo): their Python
        # packages' terms are not the module's.
        cls.terms = {
            source
            for module, _type, name, _res_id, source, _value, _comments in reader
            if module == MODULE and not any(f"{part}/" in f"/{name}" for part in ("/.venv", "/.odoo"))
        }

    def test_the_placeholder_check_sees_a_broken_translation(self):
        self.assertNotEqual(placeholders("%(count)s entries"), placeholders("%(antall)s oppføringer"))
        self.assertNotEqual(placeholders("%s of %s"), placeholders("%s"))
        self.assertNotEqual(placeholders('Hi <t t-out="object.name"/>'), placeholders('Hei <t t-out="name"/>'))
        self.assertEqual(placeholders("%(count)s entries, %(date)s"), placeholders("%(date)s: %(count)s oppføringer"))

    def test_every_term_of_the_module_is_translated(self):
        self.assertGreater(len(self.terms), 100, "the module's terms were exported")
        missing = sorted(term for term in self.terms if not self.translations.get(term))
        shown = "\n".join(f"- {term[:100]!r}" for term in missing[:40])
        if missing:
            self.fail(f"{len(missing)} term(s) without a Norwegian translation in i18n/nb_NO.po:\n{shown}")

    def test_translations_keep_their_placeholders(self):
        broken = [
            msgid
            for msgid, msgstr in self.translations.items()
            if msgstr and placeholders(msgid) != placeholders(msgstr)
        ]
        shown = "\n".join(f"- {msgid[:100]!r} → {self.translations[msgid][:100]!r}" for msgid in broken[:20])
        if broken:
            self.fail(f"{len(broken)} translation(s) change a placeholder:\n{shown}")
