/** @odoo-module **/
import {registry} from "@web/core/registry";

// A manager confirms an invoice that the customer's credit policy blocks, is offered the override, gives a
// reason and posts it. The test opens the tour on the draft invoice (tests/test_tours.py).
registry.category("web_tour.tours").add("kundekartotek_credit_override_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_form_statusbar button[name=action_post]:contains(Confirm)",
            run: "click",
        },
        {
            // The policy's refusal, with the way to the override.
            trigger: ".modal:contains(over its credit limit) .modal-footer button:contains(Override with a reason)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Betaling lovet innen fredag, avtalt med daglig leder.",
        },
        {
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            // The wizard was opened from the warning, not from the form: back to the list, which shows it posted.
            trigger: "body:not(:has(.modal)) .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            // Posted: it has its number (a draft has none).
            trigger: ".o_list_view .o_data_row:contains(Kreditt Tour AS):contains(INV/)",
        },
    ],
});
