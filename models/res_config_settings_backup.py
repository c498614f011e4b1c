# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .kundekartotek_backup import DEFAULT_KEEP


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kk_backup_daily = fields.Boolean(
        string="Daily backup",
        config_parameter="kundekartotek.backup_daily",
        help="Every night, write an archive of the database (dump, attachments, manifest) to the directory set in "
        "the server's configuration file.",
    )
    kk_backup_keep = fields.Integer(
        string="Archives kept",
        config_parameter="kundekartotek.backup_keep",
        default=DEFAULT_KEEP,
        help="How many daily archives to keep; older ones are deleted.",
    )
    kk_backup_directory = fields.Char(
        string="Backup directory",
        compute="_compute_kk_backup_directory",
        help="Set by the server's administrator (kundekartotek_backup_dir in the configuration file).",
    )

    def _compute_kk_backup_directory(self):
        directory = self.env["kundekartotek.backup"]._kk_backup_directory()
        for settings in self:
            settings.kk_backup_directory = directory

    @api.constrains("kk_backup_keep")
    def _check_kk_backup_keep(self):
        if any(settings.kk_backup_keep < 1 for settings in self):
            raise ValidationError(_("Keep at least one backup archive."))

    def set_values(self):
        """Run the daily backup job only while it is asked for (the cron is off by default)."""
        res = super().set_values()
        cron = self.env.ref("kundekartotek.ir_cron_kk_backup", raise_if_not_found=False)
        # sudo: settings are saved by administrators only (base.group_system); the cron follows the setting
        if cron and cron.sudo().active != self.kk_backup_daily:
            # sudo: as above
            cron.sudo().active = self.kk_backup_daily
        return res
