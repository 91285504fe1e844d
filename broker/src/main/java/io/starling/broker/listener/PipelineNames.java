package io.starling.broker.listener;

/** The names of the handlers in a connection's pipeline, in pipeline order. */
public final class PipelineNames {
    public static final String FLUSH_CONSOLIDATION = "flush-consolidation";
    public static final String FRAME_DECODER = "mqtt-frame-decoder";
    public static final String PACKET_ENCODER = "mqtt-packet-encoder";
    public static final String CONNECT_TIMEOUT = "connect-timeout";
    public static final String KEEP_ALIVE = "keep-alive";
    public static final String CONNECT_HANDLER = "connect-handler";
    public static final String CONNECTION = "mqtt-connection";

    private PipelineNames() {
    }
}
