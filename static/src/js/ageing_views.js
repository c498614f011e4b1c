/** @odoo-module **/
// The ageing list as an accountant reads it: a labelled total row, and blank cells where a customer owes nothing
// in a bucket (instead of 0,00 in every empty cell); the pivot's part is in static/src/lazy/ageing_pivot.js. Only
// the ageing's views use them (js_class), so no other list or pivot changes.
import {registry} from "@web/core/registry";
import {ListRenderer} from "@web/views/list/list_renderer";
import {listView} from "@web/views/list/list_view";

export class AgeingListRenderer extends ListRenderer {
    static template = "kundekartotek.AgeingListRenderer";

    formatAggregateValue(group, column) {
        if (group.aggregates[column.name] === 0) {
            return "";
        }
        return super.formatAggregateValue(group, column);
    }
}

registry.category("views").add("kk_ageing_list", {...listView, Renderer: AgeingListRenderer});
