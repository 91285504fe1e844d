package io.starling.loadtool.report;

import java.util.Locale;

/**
 * A report for people: one row per measured value, grouped by section, labels aligned. Unmeasured fields are left
 * out (the JSON line keeps them as null).
 */
public final class ReportTable {
    private ReportTable() {
    }

    public static String format(RunReport report) {
        int width = 0;
        for (ReportField field : ReportField.values()) {
            if (shown(report, field)) {
                width = Math.max(width, field.label().length());
            }
        }
        StringBuilder table = new StringBuilder(4096);
        ReportField.Section section = null;
        for (ReportField field : ReportField.values()) {
            if (!shown(report, field)) {
                continue;
            }
            Object value = report.get(field);
            if (field.section() != section) {
                section = field.section();
                table.append(section.name().toLowerCase(Locale.ROOT)).append('\n');
            }
            table.append("  ").append(field.label());
            table.append(" ".repeat(width - field.label().length() + 2));
            table.append(text(field, value)).append('\n');
        }
        return table.toString();
    }

    /** Measured values, except the constants that only the JSON line needs. */
    private static boolean shown(RunReport report, ReportField field) {
        return report.get(field) != null && field != ReportField.TOOL && field != ReportField.SCHEMA;
    }

    private static String text(ReportField field, Object value) {
        if (field == ReportField.OK) {
            return Boolean.TRUE.equals(value) ? "ok" : "FAILED";
        }
        if (value instanceof Double number) {
            return grouped(JsonLine.number(number, field.decimals()));
        }
        if (value instanceof Long || value instanceof Integer) {
            return grouped(value.toString());
        }
        return value.toString();
    }

    /** Thousands separated by commas in the integer part: 1234567.5 reads 1,234,567.5. */
    static String grouped(String number) {
        int point = number.indexOf('.');
        String integer = point < 0 ? number : number.substring(0, point);
        String fraction = point < 0 ? "" : number.substring(point);
        boolean negative = integer.startsWith("-");
        String digits = negative ? integer.substring(1) : integer;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) {
                out.append(',');
            }
            out.append(digits.charAt(i));
        }
        return (negative ? "-" : "") + out + fraction;
    }
}
