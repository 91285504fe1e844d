package io.starling.security;

/**
 * Topic filter relations used by the ACL, on '/'-separated levels with MQTT's wildcards ([MQTT-4.7.1]): '#' matches
 * any number of levels, zero included (so {@code a/#} matches {@code a}); '+' matches exactly one level, empty
 * included. A filter starting with a wildcard never matches a topic starting with '$', and a filter starting with
 * '$' only matches such topics ([MQTT-4.7.2-1]); Mosquitto's ACL check applies the same rule to ACL filters.
 * Filters are assumed valid (see {@link AclFile#filterProblem(String)}).
 *
 * <p>{@link #covers} and {@link #intersects} are exact over topics as sequences of levels, the empty topic ""
 * (one empty level) included. No client can use that topic, so where it makes a difference ({@code "+"} and
 * {@code "/#"} only share it) the answer errs on the safe side for the ACL: a deny rule is taken to overlap, a
 * grant is taken not to cover.
 *
 * <p>The ACL calls these on every PUBLISH, so rules are split into levels once ({@link #levels}) and the topic once
 * per decision.
 */
final class Filters {
    private Filters() {
    }

    static String[] levels(String filterOrTopic) {
        return filterOrTopic.split("/", -1);
    }

    private static boolean sameDollarSide(String[] a, String[] b) {
        return a[0].startsWith("$") == b[0].startsWith("$");
    }

    /** Whether {@code filter} matches the topic name {@code topic}. */
    static boolean matches(String filter, String topic) {
        return matches(levels(filter), levels(topic));
    }

    static boolean matches(String[] f, String[] t) {
        if (!sameDollarSide(f, t)) {
            return false;
        }
        for (int i = 0; ; i++) {
            if (i == f.length) {
                return i == t.length;
            }
            if (f[i].equals("#")) {
                return true;
            }
            if (i == t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
    }

    /** Whether every topic {@code inner} matches is matched by {@code outer}. */
    static boolean covers(String outer, String inner) {
        return covers(levels(outer), levels(inner));
    }

    static boolean covers(String[] o, String[] n) {
        if (!sameDollarSide(o, n)) {
            return false;
        }
        for (int i = 0; ; i++) {
            if (i == o.length) {
                return i == n.length;
            }
            if (o[i].equals("#")) {
                return true;
            }
            if (i == n.length) {
                return false; // inner's topic ends here, outer wants another level
            }
            if (n[i].equals("#")) {
                // inner reaches topics of any depth. A topic has at least one level, so at the very start "#" is
                // the same set as "+/#"; anywhere else inner also reaches the parent level, which outer excludes.
                return i == 0 && o[0].equals("+") && o.length == 2 && o[1].equals("#");
            }
            if (o[i].equals("+")) {
                continue;
            }
            if (n[i].equals("+") || !o[i].equals(n[i])) {
                return false;
            }
        }
    }

    /** Whether at least one topic is matched by both filters. */
    static boolean intersects(String a, String b) {
        return intersects(levels(a), levels(b));
    }

    static boolean intersects(String[] x, String[] y) {
        if (!sameDollarSide(x, y)) {
            return false;
        }
        for (int i = 0; ; i++) {
            boolean xEnd = i == x.length;
            boolean yEnd = i == y.length;
            if (xEnd && yEnd) {
                return true;
            }
            if ((!xEnd && x[i].equals("#")) || (!yEnd && y[i].equals("#"))) {
                return true;
            }
            if (xEnd || yEnd) {
                return false;
            }
            if (!(x[i].equals("+") || y[i].equals("+") || x[i].equals(y[i]))) {
                return false;
            }
        }
    }
}
