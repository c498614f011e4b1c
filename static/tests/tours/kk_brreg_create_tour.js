/** @odoo-module **/
import {registry} from "@web/core/registry";

// A clerk looks an organisation number up in Brønnøysund, creates the customer from the register's answer and
// sees the customer number it was given. The test answers for the register (tests/test_tours.py).
registry.category("web_tour.tours").add("kundekartotek_brreg_create_tour", {
    url: "/odoo/action-kundekartotek.res_partner_action_customer",
    steps: () => [
        {
            trigger: ".o_menu_sections [data-menu-xmlid='kundekartotek.kundekartotek_brreg_lookup_menu']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=query] input",
            run: "edit 988 077 917",
        },
        {
            trigger: ".modal button[name=action_search]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(988 077 917)",
        },
        {
            trigger: ".modal .modal-footer button[name=action_apply]:contains(Create customer)",
            run: "click",
        },
        {
            // The card of the new customer, with its number from the numbering scheme.
            trigger: ".o_breadcrumb:contains(NORDLYS ELEKTRO AS)",
        },
        {
            trigger: ".o_form_view .o_notebook a[name=kundekartotek]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=ref]",
            run() {
                const input = this.anchor.querySelector("input");
                const number = input ? input.value : this.anchor.textContent.trim();
                if (!/\d/.test(number)) {
                    throw new Error(`The new customer shows no customer number (got "${number}")`);
                }
            },
        },
    ],
});
