#!/usr/bin/env node
// One MQTT connection driven by MQTT.js, for Starling's interoperability tests.
//
// The connection is described on the command line (the same options as ../python/agent.py); the script
// connects, subscribes to the --sub filters, then reads commands from standard input, one JSON object a line:
//   {"cmd": "publish", "topic": "a/b", "payloadHex": "6869", "qos": 1, "retain": false}
//   {"cmd": "disconnect"}
// Everything it observes goes to standard output, one JSON object a line, in the order it happened:
//   {"event": "connack", "sessionPresent": false, "reasonCode": 0}
//   {"event": "suback", "granted": [1, 1]}
//   {"event": "message", "topic": "a/b", "payloadHex": "6869", "qos": 1, "retain": false}
//   {"event": "published", "topic": "a/b", "qos": 1}
//   {"event": "disconnected"}
//   {"event": "error", "message": "..."}
// Exit codes: 0 after a requested DISCONNECT, 1 on any failure, 2 when standard input closes (the test that
// started it is gone), 3 when the --timeout expires. The script always ends by itself.
'use strict';

const readline = require('node:readline');

function emit(event, fields) {
  // Writes to a pipe are synchronous on Linux: a line emitted before process.exit() is not lost.
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
}

function fail(message, code = 1) {
  emit('error', { message });
  process.exit(code);
}

let mqtt;
try {
  mqtt = require('mqtt');
} catch (missing) {
  fail('MQTT.js is not installed next to agent.js (npm ci in this folder): ' + missing.message);
}

// MQTT.js numbers protocol versions as the protocol level byte: 3 is MQTT 3.1 (protocol name MQIsdp).
const PROTOCOLS = {
  31: { protocolId: 'MQIsdp', protocolVersion: 3 },
  311: { protocolId: 'MQTT', protocolVersion: 4 },
  5: { protocolId: 'MQTT', protocolVersion: 5 },
};

function parseArguments(argv) {
  const args = { clean: 'true', sessionExpiry: 0, willPayloadHex: '', willQos: 0, willRetain: 'false',
    sub: [], subQos: 0, timeout: 30 };
  const names = { '--host': 'host', '--port': 'port', '--protocol': 'protocol', '--id': 'id', '--clean': 'clean',
    '--session-expiry': 'sessionExpiry', '--will-topic': 'willTopic', '--will-payload-hex': 'willPayloadHex',
    '--will-qos': 'willQos', '--will-retain': 'willRetain', '--sub': 'sub', '--sub-qos': 'subQos',
    '--timeout': 'timeout' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = names[argv[i]];
    if (name === undefined || i + 1 >= argv.length) {
      fail('usage: agent.js --host H --port P --protocol 31|311|5 --id ID [--clean true|false] '
        + '[--session-expiry S] [--will-topic T --will-payload-hex HEX --will-qos Q --will-retain true|false] '
        + '[--sub FILTER]... [--sub-qos Q] [--timeout S]; bad argument ' + argv[i]);
    }
    if (name === 'sub') {
      args.sub.push(argv[i + 1]);
    } else {
      args[name] = argv[i + 1];
    }
  }
  for (const required of ['host', 'port', 'protocol', 'id']) {
    if (args[required] === undefined) {
      fail('missing --' + required);
    }
  }
  if (PROTOCOLS[args.protocol] === undefined) {
    fail('--protocol must be 31, 311 or 5: ' + args.protocol);
  }
  return args;
}

function connectOptions(args) {
  const options = {
    host: args.host,
    port: Number(args.port),
    protocol: 'mqtt',
    ...PROTOCOLS[args.protocol],
    clientId: args.id,
    clean: args.clean === 'true',
    keepalive: 30,
    reconnectPeriod: 0, // no silent reconnection: a lost connection is a failure here
    connectTimeout: 10000,
  };
  if (args.protocol === '5' && Number(args.sessionExpiry) > 0) {
    options.properties = { sessionExpiryInterval: Number(args.sessionExpiry) };
  }
  if (args.willTopic !== undefined) {
    options.will = {
      topic: args.willTopic,
      payload: Buffer.from(args.willPayloadHex, 'hex'),
      qos: Number(args.willQos),
      retain: args.willRetain === 'true',
    };
  }
  return options;
}

function main() {
  const args = parseArguments(process.argv.slice(2));
  setTimeout(() => fail('timeout: still running after ' + args.timeout + ' s', 3), Number(args.timeout) * 1000);
  let disconnectRequested = false;

  const client = mqtt.connect(connectOptions(args));
  client.on('connect', (connack) => {
    const reasonCode = connack.reasonCode !== undefined ? connack.reasonCode : connack.returnCode;
    emit('connack', { sessionPresent: Boolean(connack.sessionPresent), reasonCode: reasonCode || 0 });
    if (args.sub.length > 0) {
      client.subscribe(args.sub, { qos: Number(args.subQos) }, (error, granted) => {
        if (error) {
          fail('subscribe failed: ' + error.message);
        }
        emit('suback', { granted: granted.map((grant) => grant.qos) });
      });
    }
  });
  client.on('message', (topic, payload, packet) => {
    emit('message', { topic, payloadHex: payload.toString('hex'), qos: packet.qos, retain: Boolean(packet.retain) });
  });
  client.on('error', (error) => fail('client error: ' + error.message));
  client.on('close', () => {
    if (!disconnectRequested) {
      fail('connection closed by the server or the network');
    }
  });

  const commands = readline.createInterface({ input: process.stdin });
  commands.on('line', (line) => {
    if (line.trim() === '') {
      return;
    }
    const command = JSON.parse(line);
    if (command.cmd === 'publish') {
      const qos = Number(command.qos);
      const payload = Buffer.from(command.payloadHex || '', 'hex');
      // The callback runs once the publish flow is complete: after PUBACK (QoS 1) or PUBCOMP (QoS 2).
      client.publish(command.topic, payload, { qos, retain: Boolean(command.retain) }, (error) => {
        if (error) {
          fail('publish to ' + command.topic + ' failed: ' + error.message);
        }
        emit('published', { topic: command.topic, qos });
      });
    } else if (command.cmd === 'disconnect') {
      disconnectRequested = true;
      client.end(false, {}, () => {
        emit('disconnected', {});
        process.exit(0);
      });
    } else {
      fail('unknown command: ' + line);
    }
  });
  // Standard input closed: whoever drives this connection is gone; end without DISCONNECT (unless one is
  // already under way).
  commands.on('close', () => {
    if (!disconnectRequested) {
      process.exit(2);
    }
  });
}

main();
