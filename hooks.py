# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).


def post_init_hook(env):
    """Give existing customers a customer number when the module is installed (see res_partner_numbering)."""
    env["res.partner"]._kk_number_existing_customers()
