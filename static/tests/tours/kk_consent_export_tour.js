/** @odoo-module **/
import {registry} from "@web/core/registry";

// A privacy officer records a person's consent to e-mail marketing given on the phone, then exports everything
// the register holds about the person (right of access, JSON and PDF). The test opens the tour on the card.
registry.category("web_tour.tours").add("kundekartotek_consent_export_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a[name=kk_privacy]",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_kk_record_consent]:contains(Record consent)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=text_version] input",
            run: "edit Nyhetsbrev tour",
        },
        {
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_field_widget[name=consent_ids] .o_data_row:contains(Nyhetsbrev tour)",
        },
        {
            trigger: ".o_form_view button[name=action_kk_gdpr_export]",
            run: "click",
        },
        {
            trigger: ".modal .modal-footer button[name=action_export]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=json_file] a, .modal .o_field_widget[name=json_file] button",
        },
        {
            trigger: ".modal .o_field_widget[name=pdf_file] a, .modal .o_field_widget[name=pdf_file] button",
        },
    ],
});
