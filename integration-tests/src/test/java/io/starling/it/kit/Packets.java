package io.starling.it.kit;

/**
 * Builders for well-formed packets, byte by byte ([MQTT-2], [MQTT-3]). Malformed input is written by the tests
 * themselves, usually by starting from one of these and changing a byte, so each test shows its defect.
 */
public final class Packets {
    private Packets() {
    }

    public static ConnectBuilder connect(ProtocolVersion version, String clientId) {
        return new ConnectBuilder(version, clientId);
    }

    public static PublishBuilder publish(ProtocolVersion version, String topic) {
        return new PublishBuilder(version, topic);
    }

    /** SUBSCRIBE with one filter; {@code options} is the whole options byte (for 3.x just the QoS). */
    public static byte[] subscribe(ProtocolVersion version, int packetId, String filter, int options) {
        return subscribe(version, packetId, version.isV5() ? Props.none() : null, new String[] {filter},
                new int[] {options});
    }

    /** SUBSCRIBE; {@code properties} is an encoded section for MQTT 5.0 (ignored for 3.x). */
    public static byte[] subscribe(ProtocolVersion version, int packetId, byte[] properties, String[] filters,
                                   int[] options) {
        Wire.Out body = Wire.out().u16(packetId);
        if (version.isV5()) {
            body.raw(properties == null ? Props.none() : properties);
        }
        for (int i = 0; i < filters.length; i++) {
            body.string(filters[i]).u8(options[i]);
        }
        return Wire.packet(0x82, body.toByteArray());
    }

    public static byte[] unsubscribe(ProtocolVersion version, int packetId, String... filters) {
        Wire.Out body = Wire.out().u16(packetId);
        if (version.isV5()) {
            body.raw(Props.none());
        }
        for (String filter : filters) {
            body.string(filter);
        }
        return Wire.packet(0xA2, body.toByteArray());
    }

    public static byte[] pubAck(int packetId) {
        return Wire.packet(0x40, Wire.out().u16(packetId).toByteArray());
    }

    public static byte[] pubRec(int packetId) {
        return Wire.packet(0x50, Wire.out().u16(packetId).toByteArray());
    }

    public static byte[] pubRel(int packetId) {
        return Wire.packet(0x62, Wire.out().u16(packetId).toByteArray());
    }

    public static byte[] pubComp(int packetId) {
        return Wire.packet(0x70, Wire.out().u16(packetId).toByteArray());
    }

    public static byte[] pingReq() {
        return new byte[] {(byte) 0xC0, 0};
    }

    /** DISCONNECT without reason code (0x00 Normal disconnection in MQTT 5.0). */
    public static byte[] disconnect() {
        return new byte[] {(byte) 0xE0, 0};
    }

    /** MQTT 5.0 DISCONNECT with a reason code and no properties. */
    public static byte[] disconnect(int reasonCode) {
        return Wire.packet(0xE0, Wire.out().u8(reasonCode).raw(Props.none()).toByteArray());
    }

    /** MQTT 5.0 DISCONNECT with a reason code and properties. */
    public static byte[] disconnect(int reasonCode, Props properties) {
        return Wire.packet(0xE0, Wire.out().u8(reasonCode).raw(properties.encode()).toByteArray());
    }

    public static final class ConnectBuilder {
        private final ProtocolVersion version;
        private final String clientId;
        private boolean cleanStart = true;
        private int keepAlive;
        private Props properties = Props.props();
        private String willTopic;
        private byte[] willPayload;
        private int willQos;
        private boolean willRetain;
        private Props willProperties = Props.props();
        private String username;
        private byte[] password;

        private ConnectBuilder(ProtocolVersion version, String clientId) {
            this.version = version;
            this.clientId = clientId;
        }

        public ConnectBuilder cleanStart(boolean value) {
            cleanStart = value;
            return this;
        }

        public ConnectBuilder keepAlive(int seconds) {
            keepAlive = seconds;
            return this;
        }

        public ConnectBuilder properties(Props value) {
            properties = value;
            return this;
        }

        public ConnectBuilder will(String topic, String payload, int qos, boolean retain) {
            willTopic = topic;
            willPayload = Wire.utf8(payload);
            willQos = qos;
            willRetain = retain;
            return this;
        }

        public ConnectBuilder willProperties(Props value) {
            willProperties = value;
            return this;
        }

        public ConnectBuilder credentials(String user, byte[] pass) {
            username = user;
            password = pass;
            return this;
        }

        public byte[] build() {
            int flags = cleanStart ? 0x02 : 0;
            if (willTopic != null) {
                flags |= 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0);
            }
            if (password != null) {
                flags |= 0x40;
            }
            if (username != null) {
                flags |= 0x80;
            }
            Wire.Out body = Wire.out().string(version.protocolName()).u8(version.level()).u8(flags).u16(keepAlive);
            if (version.isV5()) {
                body.raw(properties.encode());
            }
            body.string(clientId);
            if (willTopic != null) {
                if (version.isV5()) {
                    body.raw(willProperties.encode());
                }
                body.string(willTopic).binary(willPayload);
            }
            if (username != null) {
                body.string(username);
            }
            if (password != null) {
                body.binary(password);
            }
            return Wire.packet(0x10, body.toByteArray());
        }
    }

    public static final class PublishBuilder {
        private final ProtocolVersion version;
        private final byte[] topic;
        private int qos;
        private boolean retain;
        private boolean dup;
        private int packetId;
        private Props properties = Props.props();
        private byte[] payload = new byte[0];

        private PublishBuilder(ProtocolVersion version, String topic) {
            this.version = version;
            this.topic = Wire.utf8(topic);
        }

        /** QoS with its packet identifier (ignored for QoS 0). */
        public PublishBuilder qos(int value, int id) {
            qos = value;
            packetId = id;
            return this;
        }

        public PublishBuilder retain(boolean value) {
            retain = value;
            return this;
        }

        public PublishBuilder dup(boolean value) {
            dup = value;
            return this;
        }

        public PublishBuilder properties(Props value) {
            properties = value;
            return this;
        }

        public PublishBuilder payload(String text) {
            payload = Wire.utf8(text);
            return this;
        }

        public PublishBuilder payload(byte[] bytes) {
            payload = bytes.clone();
            return this;
        }

        public byte[] build() {
            int firstByte = 0x30 | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0);
            Wire.Out body = Wire.out().binary(topic);
            if (qos > 0) {
                body.u16(packetId);
            }
            if (version.isV5()) {
                body.raw(properties.encode());
            }
            body.raw(payload);
            return Wire.packet(firstByte, body.toByteArray());
        }
    }
}
