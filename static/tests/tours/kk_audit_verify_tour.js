/** @odoo-module **/
import {registry} from "@web/core/registry";

// An auditor opens the audit trail, sees the entries of a customer and verifies the chain: intact, or (after the
// test changed an entry behind the module's back) tampered with.
function verifySteps(expected) {
    return [
        {
            trigger: ".o_menu_sections [data-menu-xmlid='kundekartotek.kundekartotek_menu_reporting']",
            run: "click",
        },
        {
            trigger: ".dropdown-menu [data-menu-xmlid='kundekartotek.kundekartotek_audit_log_menu']",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Revidert Tour AS)",
        },
        {
            trigger: ".o_list_view .o_control_panel_main_buttons button[name=action_verify_chain], .o_control_panel .o_list_buttons button[name=action_verify_chain], button[name=action_verify_chain]",
            run: "click",
        },
        {
            trigger: `.o_notification:contains(${expected})`,
        },
    ];
}

registry.category("web_tour.tours").add("kundekartotek_audit_verify_tour", {
    url: "/odoo/action-kundekartotek.res_partner_action_customer",
    steps: () => verifySteps("The audit trail is intact"),
});

registry.category("web_tour.tours").add("kundekartotek_audit_tampered_tour", {
    url: "/odoo/action-kundekartotek.res_partner_action_customer",
    steps: () => verifySteps("The audit trail has been tampered with"),
});
