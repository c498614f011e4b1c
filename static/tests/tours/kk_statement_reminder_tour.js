/** @odoo-module **/
import {registry} from "@web/core/registry";

// A clerk sends a customer its statement (mail composer, PDF attached) and then a payment reminder. The test
// opens the tour on the customer's card.
registry.category("web_tour.tours").add("kundekartotek_statement_reminder_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a[name=kundekartotek]",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_kk_confirm_statement]:contains(Send statement)",
            run: "click",
        },
        {
            // The confirmation says what goes out, and to whom, before the composer opens.
            trigger: ".modal button[name=action_confirm]:contains(Continue)",
            run: "click",
        },
        {
            trigger: ".modal .o_mail_composer_form .o_field_widget[name=subject] input",
        },
        {
            trigger: ".modal button.o_mail_send",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_kk_confirm_reminder]:contains(Send reminder)",
            run: "click",
        },
        {
            // The confirmation with the amount and the deadline.
            trigger: ".modal button[name=action_confirm]:contains(Send reminder)",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(1 reminder(s) sent)",
        },
    ],
});
