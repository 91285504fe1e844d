package io.starling.interop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The columns of the matrix: the steps of the scenario, in order. */
public enum Step {
    CONNECT("connect"),
    WILDCARDS("subscribe + and #"),
    QOS_0("QoS 0"),
    QOS_1("QoS 1"),
    QOS_2("QoS 2"),
    RETAINED("retained"),
    WILL("will"),
    SESSION("session resume");

    private final String label;

    Step(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Which column a test method fills. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Column {
        Step value();
    }
}
