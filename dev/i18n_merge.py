"""Write i18n/kundekartotek.pot from an Odoo export and merge it into every i18n/*.po.

Odoo's exporter walks the whole module folder, and the project keeps its virtualenv there: terms found under
``.venv/`` (third-party code) are dropped.
"""

import pathlib
import sys

import polib

IGNORED = ("/.venv/", "/.odoo/", "/lib64/")


def main(export_path, i18n_dir):
    template = polib.pofile(export_path)
    for entry in list(template):
        refs = [ref for ref, _line in entry.occurrences]
        if refs and all(any(part in ref for part in IGNORED) for ref in refs):
            template.remove(entry)
        else:
            entry.occurrences = [(r, line) for r, line in entry.occurrences if not any(p in r for p in IGNORED)]
    i18n = pathlib.Path(i18n_dir)
    i18n.mkdir(exist_ok=True)
    template.save(str(i18n / "kundekartotek.pot"))
    for po_path in sorted(i18n.glob("*.po")):
        catalogue = polib.pofile(str(po_path))
        catalogue.merge(template)
        catalogue.save(str(po_path))
        print(f"{po_path.name}: {catalogue.percent_translated()}% translated")


if __name__ == "__main__":
    main(*sys.argv[1:3])
