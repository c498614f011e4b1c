/** @odoo-module **/
import {registry} from "@web/core/registry";

// A register manager works through the possible duplicates: opens the pair of "Fjordtur Tour", keeps the customer
// with the history, and merges. The test then checks the customer that remains in the database.
registry.category("web_tour.tours").add("kundekartotek_merge_duplicates_tour", {
    url: "/odoo/action-kundekartotek.kundekartotek_duplicate_pair_action",
    steps: () => [
        {
            trigger: ".o_list_view .o_group_header:contains(Fjordtur Tour)",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Fjordtur Tour A/S) button[name=action_merge]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=dst_partner_id] input",
            run: "edit Fjordtur Tour AS",
        },
        {
            trigger: ".modal .o_field_widget[name=dst_partner_id] .dropdown-item:contains(Fjordtur Tour AS)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=kk_field_line_ids] .o_data_row",
        },
        {
            trigger: ".modal .modal-footer button[name=action_merge]",
            run: "click",
        },
        {
            // Odoo's end screen of the merge.
            trigger: ".modal .o_form_view button:contains(Deduplicate the other Contacts)",
        },
        {
            trigger: ".modal .modal-footer button:contains(Close)",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});
