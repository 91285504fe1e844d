package io.starling.loadtool.report;

/**
 * Every value a run can report, in output order. {@link #key()} is the key in the JSON line: keys are stable (new
 * ones are only ever added), and every line carries every key, null where a scenario does not measure it.
 * {@link #decimals()} is the precision printed for numbers: -1 for whole numbers.
 */
public enum ReportField {
    // run
    TOOL("tool", "tool", Section.RUN, -1),
    SCHEMA("schema", "report schema", Section.RUN, -1),
    SCENARIO("scenario", "scenario", Section.RUN, -1),
    TARGET("target", "broker address", Section.RUN, -1),
    PROTOCOL("protocol", "MQTT version", Section.RUN, -1),
    QOS("qos", "QoS", Section.RUN, -1),
    PAYLOAD_BYTES("payload_bytes", "payload bytes", Section.RUN, -1),
    PUBLISHERS("publishers", "publishers", Section.RUN, -1),
    SUBSCRIBERS("subscribers", "subscribers", Section.RUN, -1),
    TOPICS("topics", "topics", Section.RUN, -1),
    SUBSCRIPTION("subscription", "subscription filter", Section.RUN, -1),
    MODE("mode", "pacing", Section.RUN, -1),
    WINDOW("window", "in-flight window per publisher", Section.RUN, -1),
    RATE_TARGET_PER_S("rate_target_per_s", "target rate (msg/s, all publishers)", Section.RUN, -1),
    THREADS("threads", "tool event loops", Section.RUN, -1),
    TRANSPORT("transport", "tool transport", Section.RUN, -1),
    WARMUP_S("warmup_s", "warm-up (s)", Section.RUN, 3),
    DURATION_S("duration_s", "measured interval (s)", Section.RUN, 3),

    // traffic
    PUBLISHED("published", "published (whole run)", Section.TRAFFIC, -1),
    PUBLISHED_MEASURED("published_measured", "published in the measured interval", Section.TRAFFIC, -1),
    PUBLISH_RATE_PER_S("publish_rate_per_s", "publish rate (msg/s)", Section.TRAFFIC, 1),
    ACKNOWLEDGED("acknowledged", "acknowledged by the broker (QoS 1/2)", Section.TRAFFIC, -1),
    REJECTED("rejected", "refused by the broker (reason code >= 0x80)", Section.TRAFFIC, -1),
    IN_FLIGHT_AT_END("in_flight_at_end", "unacknowledged at the end", Section.TRAFFIC, -1),
    EXPECTED("expected", "deliveries expected (whole run)", Section.TRAFFIC, -1),
    RECEIVED("received", "deliveries received (whole run)", Section.TRAFFIC, -1),
    RECEIVED_MEASURED("received_measured", "deliveries received in the measured interval", Section.TRAFFIC, -1),
    THROUGHPUT_PER_S("throughput_per_s", "throughput (deliveries/s received)", Section.TRAFFIC, 1),

    // verification
    LOST("lost", "lost (not received by the end of the drain)", Section.CHECK, -1),
    DUPLICATES("duplicates", "duplicated", Section.CHECK, -1),
    REORDERED("reordered", "out of order", Section.CHECK, -1),
    UNEXPECTED("unexpected", "unexpected (not sent to this receiver)", Section.CHECK, -1),

    // latency
    LATENCY_COUNT("latency_count", "latency samples", Section.LATENCY, -1),
    LATENCY_P50_US("latency_p50_us", "latency p50 (us)", Section.LATENCY, 1),
    LATENCY_P99_US("latency_p99_us", "latency p99 (us)", Section.LATENCY, 1),
    LATENCY_P999_US("latency_p999_us", "latency p99.9 (us)", Section.LATENCY, 1),
    LATENCY_MAX_US("latency_max_us", "latency max (us)", Section.LATENCY, 1),
    LATENCY_MEAN_US("latency_mean_us", "latency mean (us)", Section.LATENCY, 1),

    // connections
    CONNECTIONS("connections", "connections asked", Section.CONNECTIONS, -1),
    CONNECTIONS_OPEN("connections_open", "connections open (CONNACK received)", Section.CONNECTIONS, -1),
    CONNECTIONS_FAILED("connections_failed", "connections failed", Section.CONNECTIONS, -1),
    CONNECT_S("connect_s", "time to open them all (s)", Section.CONNECTIONS, 3),
    CONNECT_RATE_PER_S("connect_rate_per_s", "connect rate (CONNACK/s)", Section.CONNECTIONS, 1),
    CONNACK_P50_US("connack_p50_us", "connect-to-CONNACK p50 (us)", Section.CONNECTIONS, 1),
    CONNACK_P99_US("connack_p99_us", "connect-to-CONNACK p99 (us)", Section.CONNECTIONS, 1),
    CONNACK_P999_US("connack_p999_us", "connect-to-CONNACK p99.9 (us)", Section.CONNECTIONS, 1),
    CONNACK_MAX_US("connack_max_us", "connect-to-CONNACK max (us)", Section.CONNECTIONS, 1),

    // retained
    RETAINED("retained", "retained messages", Section.RETAINED, -1),
    RETAINED_STORE_S("retained_store_s", "time to store them (s)", Section.RETAINED, 3),
    RETAINED_SUBACK_MS("retained_suback_ms", "SUBSCRIBE to SUBACK (ms)", Section.RETAINED, 3),
    RETAINED_DELIVERY_S("retained_delivery_s", "SUBSCRIBE to the last retained message (s)", Section.RETAINED, 3),
    RETAINED_DELIVERY_PER_S("retained_delivery_per_s", "retained delivery rate (msg/s)", Section.RETAINED, 1),
    RETAINED_FLAG_MISSING("retained_flag_missing", "delivered without the RETAIN flag", Section.RETAINED, -1),
    RETAINED_CLEARED("retained_cleared", "cleared afterwards", Section.RETAINED, -1),

    // resources
    TOOL_CPU_S("tool_cpu_s", "tool CPU in the measured interval (s)", Section.RESOURCES, 3),
    TOOL_CPU_US_PER_MSG("tool_cpu_us_per_msg", "tool CPU per delivery (us)", Section.RESOURCES, 3),
    BROKER_PID("broker_pid", "broker PID", Section.RESOURCES, -1),
    BROKER_CPU_S("broker_cpu_s", "broker CPU in the measured interval (s)", Section.RESOURCES, 3),
    BROKER_CPU_US_PER_MSG("broker_cpu_us_per_msg", "broker CPU per delivery (us)", Section.RESOURCES, 3),
    BROKER_RSS_BEFORE_BYTES("broker_rss_before_bytes", "broker RSS before (bytes)", Section.RESOURCES, -1),
    BROKER_RSS_AFTER_BYTES("broker_rss_after_bytes", "broker RSS after (bytes)", Section.RESOURCES, -1),
    BROKER_BYTES_PER_CONNECTION("broker_bytes_per_connection", "broker RSS growth per connection (bytes)",
            Section.RESOURCES, 1),

    // result
    OK("ok", "result", Section.RESULT, -1),
    FAILURE("failure", "failure", Section.RESULT, -1);

    /** Groups of rows in the human-readable table. */
    public enum Section { RUN, TRAFFIC, CHECK, LATENCY, CONNECTIONS, RETAINED, RESOURCES, RESULT }

    private final String key;
    private final String label;
    private final Section section;
    private final int decimals;

    ReportField(String key, String label, Section section, int decimals) {
        this.key = key;
        this.label = label;
        this.section = section;
        this.decimals = decimals;
    }

    public String key() {
        return key;
    }

    public String label() {
        return label;
    }

    public Section section() {
        return section;
    }

    public int decimals() {
        return decimals;
    }
}
