#!/usr/bin/python3
"""One MQTT connection driven by Eclipse paho-mqtt for Python, for Starling's interoperability tests.

The connection is described on the command line (see --help); the script connects, subscribes to the --sub
filters, then reads commands from standard input, one JSON object a line:

    {"cmd": "publish", "topic": "a/b", "payloadHex": "6869", "qos": 1, "retain": false}
    {"cmd": "disconnect"}

Everything it observes goes to standard output, one JSON object a line, in the order it happened:

    {"event": "connack", "sessionPresent": false, "reasonCode": 0}
    {"event": "suback", "granted": [1, 1]}
    {"event": "message", "topic": "a/b", "payloadHex": "6869", "qos": 1, "retain": false}
    {"event": "published", "topic": "a/b", "qos": 1}
    {"event": "disconnected"}
    {"event": "error", "message": "..."}

Exit codes: 0 after a requested DISCONNECT, 1 on any failure (refused CONNACK, lost connection, refused
subscription, unacknowledged publish), 2 when standard input closes (the test that started it is gone),
3 when the --timeout expires. The script always ends by itself: nothing it waits for is unbounded.
"""

import argparse
import json
import os
import sys
import threading

try:
    import paho.mqtt.client as mqtt
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties
except ImportError as missing:
    print(json.dumps({"event": "error", "message": "paho-mqtt is not installed (Debian package python3-paho-mqtt): "
                      + str(missing)}), flush=True)
    sys.exit(1)

PROTOCOLS = {"31": mqtt.MQTTv31, "311": mqtt.MQTTv311, "5": mqtt.MQTTv5}
# Bounded waits for the library's own acknowledgements; the test's timeouts are shorter than --timeout.
ACK_TIMEOUT_SECONDS = 10

_output_lock = threading.Lock()


def emit(event, **fields):
    """Writes one event line; several threads report (the network loop and the command reader)."""
    line = json.dumps(dict(event=event, **fields))
    with _output_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def fail(message, code=1):
    emit("error", message=message)
    os._exit(code)


def parse_arguments():
    parser = argparse.ArgumentParser(description="One paho-mqtt connection for Starling's interop tests")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--protocol", choices=sorted(PROTOCOLS), required=True)
    parser.add_argument("--id", required=True, help="client identifier")
    parser.add_argument("--clean", choices=["true", "false"], default="true",
                        help="Clean Session (3.x) or Clean Start (5)")
    parser.add_argument("--session-expiry", type=int, default=0, help="MQTT 5 Session Expiry Interval, seconds")
    parser.add_argument("--will-topic")
    parser.add_argument("--will-payload-hex", default="")
    parser.add_argument("--will-qos", type=int, default=0)
    parser.add_argument("--will-retain", choices=["true", "false"], default="false")
    parser.add_argument("--sub", action="append", default=[], help="a topic filter to subscribe to (repeatable)")
    parser.add_argument("--sub-qos", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30, help="hard limit on the script's life, seconds")
    return parser.parse_args()


class Agent:
    def __init__(self, args):
        self.args = args
        self.v5 = args.protocol == "5"
        self.clean = args.clean == "true"
        self.disconnect_requested = False
        self.disconnected = threading.Event()
        # paho refuses clean_session with MQTT 5 (there it is Clean Start, given to connect()).
        # reconnect_on_failure=False: no silent reconnection and no silent downgrade from 3.1.1 to 3.1.
        self.client = mqtt.Client(client_id=args.id, clean_session=None if self.v5 else self.clean,
                                  protocol=PROTOCOLS[args.protocol], reconnect_on_failure=False)
        self.client.on_connect = self.on_connect
        self.client.on_subscribe = self.on_subscribe
        self.client.on_message = self.on_message
        self.client.on_disconnect = self.on_disconnect
        if args.will_topic:
            self.client.will_set(args.will_topic, bytes.fromhex(args.will_payload_hex), args.will_qos,
                                 args.will_retain == "true")

    def start(self):
        properties = None
        if self.v5 and self.args.session_expiry > 0:
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = self.args.session_expiry
        try:
            if self.v5:
                self.client.connect(self.args.host, self.args.port, keepalive=30, clean_start=self.clean,
                                    properties=properties)
            else:
                self.client.connect(self.args.host, self.args.port, keepalive=30)
        except OSError as e:
            fail("cannot connect to %s:%d: %s" % (self.args.host, self.args.port, e))
        self.client.loop_start()

    # ---- callbacks, on paho's network thread ------------------------------------------------------------

    def on_connect(self, client, userdata, flags, rc, properties=None):
        code = rc.value if self.v5 else rc
        emit("connack", sessionPresent=bool(flags.get("session present")), reasonCode=code)
        if code != 0:
            fail("CONNACK refused the connection: %s" % rc)
        if self.args.sub:
            client.subscribe([(topic_filter, self.args.sub_qos) for topic_filter in self.args.sub])

    def on_subscribe(self, client, userdata, mid, granted, properties=None):
        codes = [code.value for code in granted] if self.v5 else list(granted)
        emit("suback", granted=codes)

    def on_message(self, client, userdata, message):
        emit("message", topic=message.topic, payloadHex=message.payload.hex(), qos=message.qos,
             retain=bool(message.retain))

    def on_disconnect(self, client, userdata, rc, properties=None):
        if not self.disconnect_requested:
            fail("connection lost: %s" % rc)
        self.disconnected.set()

    # ---- commands, on the main thread -----------------------------------------------------------------

    def publish(self, command):
        topic = command["topic"]
        qos = int(command["qos"])
        info = self.client.publish(topic, bytes.fromhex(command.get("payloadHex", "")), qos,
                                   bool(command.get("retain", False)))
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            fail("publish to %s refused by the library: %s" % (topic, mqtt.error_string(info.rc)))
        info.wait_for_publish(ACK_TIMEOUT_SECONDS)
        if not info.is_published():
            fail("publish to %s at QoS %d not completed within %d s" % (topic, qos, ACK_TIMEOUT_SECONDS))
        emit("published", topic=topic, qos=qos)

    def disconnect(self):
        self.disconnect_requested = True
        self.client.disconnect()
        if not self.disconnected.wait(ACK_TIMEOUT_SECONDS):
            fail("DISCONNECT not sent within %d s" % ACK_TIMEOUT_SECONDS)
        self.client.loop_stop()
        emit("disconnected")
        os._exit(0)

    def serve(self):
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            command = json.loads(line)
            if command["cmd"] == "publish":
                self.publish(command)
            elif command["cmd"] == "disconnect":
                self.disconnect()
            else:
                fail("unknown command: " + line)
        # Standard input closed: whoever drives this connection is gone; end without DISCONNECT.
        os._exit(2)


def main():
    args = parse_arguments()
    watchdog = threading.Timer(args.timeout, lambda: fail("timeout: still running after %s s" % args.timeout, 3))
    watchdog.daemon = True
    watchdog.start()
    agent = Agent(args)
    agent.start()
    agent.serve()


if __name__ == "__main__":
    main()
