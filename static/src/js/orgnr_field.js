/** @odoo-module **/
// Shows a Norwegian organisation number grouped as "988 077 917" while the database keeps it compact.
import {registry} from "@web/core/registry";
import {useRef} from "@odoo/owl";
import {CharField, charField} from "@web/views/fields/char/char_field";
import {useInputField} from "@web/views/fields/input_field_hook";

const NINE_DIGITS = /^\d{9}$/;

export function formatOrgnr(value) {
    const compact = (value || "").replace(/\s/g, "");
    if (NINE_DIGITS.test(compact)) {
        return `${compact.slice(0, 3)} ${compact.slice(3, 6)} ${compact.slice(6)}`;
    }
    return value || "";
}

export function parseOrgnr(value) {
    const compact = value.replace(/\s/g, "");
    return NINE_DIGITS.test(compact) ? compact : value.trim();
}

export class OrgnrField extends CharField {
    setup() {
        // CharField's own setup binds the input to the raw value; this one binds it to the grouped form.
        this.input = useRef("input");
        useInputField({
            getValue: () => formatOrgnr(this.props.record.data[this.props.name]),
            parse: (value) => parseOrgnr(value),
        });
        this.selectionStart = 0;
    }

    get formattedValue() {
        return formatOrgnr(this.props.record.data[this.props.name]);
    }
}

export const orgnrField = {
    ...charField,
    component: OrgnrField,
};

registry.category("fields").add("kk_orgnr", orgnrField);
