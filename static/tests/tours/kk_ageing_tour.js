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
            // The footer says what it adds up.
            trigger: ".o_list_view .o_list_footer .o_kk_total_label:contains(Total)",
        },
        {
            // The customer owes in one bucket: that bucket and the total have figures, the empty buckets are blank.
            trigger: ".o_list_view .o_group_header:contains(Aldring Tour AS)",
            run() {
                const figures = [...this.anchor.querySelectorAll("td.o_list_number")]
                    .map((cell) => cell.textContent.trim())
                    .filter(Boolean);
                if (figures.length !== 2) {
                    throw new Error(`expected one bucket and the total, got: ${figures.join(" | ")}`);
                }
            },
        },
        {
            trigger: ".o_control_panel .o_switch_view.o_pivot",
            run: "click",
        },
        {
            // The same in the pivot: blank where nothing is owed.
            trigger: ".o_pivot tr:has(th:contains(Aldring Tour AS))",
            run() {
                const figures = [...this.anchor.querySelectorAll("td.o_pivot_cell_value")]
                    .map((cell) => cell.textContent.trim())
                    .filter(Boolean);
                if (figures.length !== 2) {
                    throw new Error(`expected one bucket and the total, got: ${figures.join(" | ")}`);
                }
            },
        },
        {
            trigger: ".o_control_panel .o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_group_header:contains(Aldring Tour AS)",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Aldring Tour AS) td[name=age_label]:contains(days)",
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
