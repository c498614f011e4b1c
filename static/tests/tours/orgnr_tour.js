/** @odoo-module **/
import {registry} from "@web/core/registry";

// A user types an organisation number with spaces on a new Norwegian customer, saves, and sees it grouped.
registry.category("web_tour.tours").add("kundekartotek_orgnr_tour", {
    url: "/odoo/action-kundekartotek.res_partner_action_customer",
    steps: () => [
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour Testkunde AS",
        },
        {
            trigger: ".o_field_widget[name=country_id] input",
            run: "edit Norway",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains(Norway)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=company_registry] input",
            run: "edit 988077917",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".o_field_widget[name=company_registry] input:value(988 077 917)",
        },
    ],
});
