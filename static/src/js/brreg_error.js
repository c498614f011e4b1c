/** @odoo-module **/
// A failed look-up in the Brønnøysund register is a UserError of its own class (BrregUserError): its message box
// is titled after the register, not "Invalid Operation".
import {WarningDialog, odooExceptionTitleMap} from "@web/core/errors/error_dialogs";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

const BRREG_ERROR = "odoo.addons.kundekartotek.models.res_partner_brreg.BrregUserError";

odooExceptionTitleMap.set(BRREG_ERROR, _t("Brønnøysund register"));
registry.category("error_dialogs").add(BRREG_ERROR, WarningDialog);
