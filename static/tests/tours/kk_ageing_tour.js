/** @odoo-module **/
import {registry} from "@web/core/registry";
import {formatDate} from "@web/core/l10n/dates";

const {DateTime} = luxon;

// The last day of the previous month, as the user types dates.
function lastMonthEnd() {
    return formatDate(DateTime.now().startOf("month").minus({days: 1}));
}

function openWizard() {
    return [
        {
            trigger: ".o_menu_sections [data-menu-xmlid='kundekartotek.kundekartotek_menu_reporting']",
            run: "click",
        },
        {
            trigger: ".dropdown-menu [data-menu-xmlid='kundekartotek.kundekartotek_ageing_menu']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=as_of] input",
            run: `edit ${lastMonthEnd()}`,
        },
        {
            trigger: ".modal .o_field_widget[name=age_by]",
            run: "click",
        },
    ];
}

// An accountant closing the month: ageing as of the last month-end on screen, a customer's items, one invoice;
// then the same ageing as PDF and as Excel workbook (the test checks what the report routes answered).
registry.category("web_tour.tours").add("kundekartotek_ageing_tour", {
    url: "/odoo/action-kundekartotek.res_partner_action_customer",
    steps: () => [
        ...openWizard(),
        {
            trigger: ".modal .modal-footer button[name=action_open]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_group_header:contains(Aldring Tour AS)",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Aldring Tour AS) button[name=action_open_move]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Aldring Tour AS)",
        },
        ...openWizard(),
        {
            trigger: ".modal .modal-footer button[name=action_print_pdf]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.o_blockUI)) .modal .modal-footer button[name=action_export_xlsx]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.o_blockUI)) .modal .modal-footer button[name=action_export_xlsx]",
        },
    ],
});
