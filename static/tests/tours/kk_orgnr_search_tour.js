/** @odoo-module **/
import {registry} from "@web/core/registry";

// A clerk finds a customer by its organisation number typed with spaces, through the search option
// "Organisation number" (which compacts the number). Once the default search normalises numbers too, a step
// pressing Enter on the plain search can be added here.
registry.category("web_tour.tours").add("kundekartotek_orgnr_search_tour", {
    url: "/odoo/action-kundekartotek.res_partner_action_customer",
    steps: () => [
        {
            trigger: ".o_searchview_input",
            run: "edit 915 726 607",
        },
        {
            trigger: ".o_searchview_autocomplete .o_menu_item:contains(Organisation number)",
            run: "click",
        },
        {
            trigger: ".o_facet_value:contains(915 726 607)",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Søkbar Tour AS)",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:not(:contains(Søkbar Tour AS))))",
        },
    ],
});
