/** @odoo-module **/
import {registry} from "@web/core/registry";

// A privacy officer erases a former customer whose bookkeeping retention has ended, from the card's action menu.
// The test opens the tour on the card.
registry.category("web_tour.tours").add("kundekartotek_anonymise_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_cp_action_menus button",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .o-dropdown-item:contains(Erase personal data)",
            run: "click",
        },
        {
            trigger: ".modal .modal-footer button[name=action_anonymise]",
            run: "click",
        },
        {
            // "Erase this customer's personal data for good?"
            trigger: ".modal:contains(for good) .modal-footer button.btn-primary",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(personal data was erased)",
        },
    ],
});
