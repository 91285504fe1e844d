package io.starling.loadtool.report;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A report as one line of JSON: an object with every {@link ReportField} key in declaration order, null for those
 * the run did not measure. Flat on purpose, so that {@code jq}, a spreadsheet or a shell script reads it without a
 * schema. Numbers carry the field's decimals; strings are escaped as RFC 8259 requires.
 */
public final class JsonLine {
    private JsonLine() {
    }

    public static String format(RunReport report) {
        StringBuilder json = new StringBuilder(2048).append('{');
        boolean first = true;
        for (ReportField field : ReportField.values()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            appendString(json, field.key());
            json.append(':');
            appendValue(json, field, report.get(field));
        }
        return json.append('}').toString();
    }

    private static void appendValue(StringBuilder json, ReportField field, Object value) {
        if (value == null) {
            json.append("null");
        } else if (value instanceof String text) {
            appendString(json, text);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            json.append(value);
        } else if (value instanceof Double number) {
            json.append(number(number, field.decimals()));
        } else {
            throw new IllegalArgumentException(field + ": cannot write " + value.getClass());
        }
    }

    /** A finite double with at most {@code decimals} digits after the point, no exponent, no trailing zeros. */
    static String number(double value, int decimals) {
        BigDecimal rounded = BigDecimal.valueOf(value).setScale(Math.max(decimals, 0), RoundingMode.HALF_UP);
        String text = rounded.stripTrailingZeros().toPlainString();
        return text.equals("-0") ? "0" : text;
    }

    static void appendString(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
