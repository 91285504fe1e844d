#!/usr/bin/env node
// MQTT.js under Node.js over a WebSocket: connects to the URL given, subscribes to a topic, publishes a message
// large enough to span several WebSocket frames and TCP segments to it, and waits for it to come back.
//   node node-roundtrip.js URL TOPIC PROTOCOL_VERSION
// Prints one JSON line: {"event": "received", "length": N} or {"event": "error", "message": "..."}.
// Exit codes: 0 received intact, 1 failure, 3 timeout. MQTT.js is found through NODE_PATH (the interop-tests
// node_modules, installed by `npm ci` during the build).
'use strict';

const mqtt = require('mqtt');

const [url, topic, version] = process.argv.slice(2);
if (!url || !topic || !version) {
  console.log(JSON.stringify({ event: 'error', message: 'usage: node-roundtrip.js URL TOPIC 4|5' }));
  process.exit(1);
}

const payload = Buffer.alloc(100 * 1024, 'm');
payload.write('from MQTT.js on Node.js ' + process.version);

const timer = setTimeout(() => {
  console.log(JSON.stringify({ event: 'error', message: 'timed out' }));
  process.exit(3);
}, 15000);

const client = mqtt.connect(url, {
  clientId: 'mqttjs-node-' + process.pid,
  protocolVersion: Number(version),
  reconnectPeriod: 0,
  connectTimeout: 10000,
});

client.on('connect', () => {
  client.subscribe(topic, { qos: 1 }, (error) => {
    if (error) {
      finish(1, { event: 'error', message: 'subscribe: ' + error.message });
      return;
    }
    client.publish(topic, payload, { qos: 1 });
  });
});

client.on('message', (receivedTopic, message) => {
  const intact = receivedTopic === topic && Buffer.compare(message, payload) === 0;
  finish(intact ? 0 : 1, { event: intact ? 'received' : 'error', length: message.length });
});

client.on('error', (error) => finish(1, { event: 'error', message: error.message }));

function finish(code, line) {
  clearTimeout(timer);
  console.log(JSON.stringify(line));
  client.end(false, {}, () => process.exit(code));
}
