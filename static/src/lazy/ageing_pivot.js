/** @odoo-module **/
// The ageing pivot leaves a cell blank where a customer owes nothing in a bucket, instead of 0,00. Pivot views are
// in Odoo's lazy bundle (web.assets_backend_lazy), which the web client loads for a js_class it does not know yet.
import {registry} from "@web/core/registry";
import {PivotRenderer} from "@web/views/pivot/pivot_renderer";
import {pivotView} from "@web/views/pivot/pivot_view";

export class AgeingPivotRenderer extends PivotRenderer {
    getFormattedValue(cell) {
        if (cell.value === 0) {
            return "";
        }
        return super.getFormattedValue(cell);
    }
}

registry.category("views").add("kk_ageing_pivot", {...pivotView, Renderer: AgeingPivotRenderer});
