# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
{
    "name": "Kundekartotek",
    "summary": "Norwegian customer register: customer cards, verified identifiers, "
    "receivables and GDPR on top of Odoo accounting",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/kundekartotek/kundekartotek",
    "author": "Kundekartotek contributors",
    "maintainers": ["kundekartotek"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": ["base", "mail", "contacts", "account", "base_vat"],
    "external_dependencies": {"python": ["python-stdnum", "requests"]},
    "data": [
        "security/kundekartotek_security.xml",
        "security/ir.model.access.csv",
        "data/kundekartotek_number_scheme_data.xml",
        "data/ir_cron_postal.xml",
        "views/kundekartotek_customer_category_views.xml",
        "views/kundekartotek_number_scheme_views.xml",
        "views/kundekartotek_postal_code_views.xml",
        "views/res_partner_views.xml",
        "views/res_partner_numbering_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/kundekartotek_credit_override_views.xml",
        "wizards/kundekartotek_renumber_views.xml",
        "wizards/kundekartotek_postal_import_views.xml",
        "report/kundekartotek_ageing_report_views.xml",
        "report/report_ageing.xml",
        "wizards/kundekartotek_ageing_wizard_views.xml",
        "views/kundekartotek_menus.xml",
    ],
    "post_init_hook": "post_init_hook",
    "demo": [
        "demo/kundekartotek_customer_category_demo.xml",
        "demo/kundekartotek_postal_code_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/account_move_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "kundekartotek/static/src/js/*.js",
        ],
        "web.assets_tests": [
            "kundekartotek/static/tests/tours/*.js",
        ],
    },
}
