// A non-Python subscriber: read <count> messages from one topic, from the beginning, with
// KafkaJS (pure JavaScript) and print each one as a JSON line on stdout:
//   {"topic", "partition", "offset", "key", "value", "headers": {name: utf-8 string}}
// Diagnostics go to stderr (KAFKAJS_LOG_LEVEL=debug shows every request).
// Exit status: 0 after <count> messages, 2 on timeout, 1 on a client error, 64 on bad usage.
//
// usage: node read_events.mjs <bootstrap servers, comma separated> <topic> <count> [timeout ms]
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";

const [brokersArg, topic, countArg, timeoutArg = "20000"] = process.argv.slice(2);
const wanted = Number.parseInt(countArg, 10);
const timeoutMs = Number.parseInt(timeoutArg, 10);
if (!brokersArg || !topic || !(wanted > 0) || !(timeoutMs > 0)) {
  console.error("usage: node read_events.mjs <bootstrap servers> <topic> <count> [timeout ms]");
  process.exit(64);
}

const decode = (buffer) => (buffer == null ? null : buffer.toString("utf8"));
const decodeHeaders = (headers = {}) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.map(decode) : decode(value)]),
  );

let seen = 0;
let finish;
const done = new Promise((resolve) => {
  finish = resolve;
});
const timer = setTimeout(() => {
  console.error(`timed out after ${timeoutMs} ms with ${seen} of ${wanted} messages`);
  finish(2);
}, timeoutMs);

let consumer;
try {
  const kafka = new Kafka({
    clientId: "contract-node-reader",
    brokers: brokersArg.split(","),
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log }) => console.error(JSON.stringify({ level, ...log })),
    retry: { retries: 3 },
  });
  consumer = kafka.consumer({
    // A fresh group, so "fromBeginning" really starts at offset 0.
    groupId: `contract-node-reader-${randomUUID()}`,
    // tansu answers the first JoinGroup only after half the session timeout (15 s with the
    // 30 s default); 6 s is the smallest a stock Kafka broker accepts by default.
    sessionTimeout: 6000,
    rebalanceTimeout: 6000,
    heartbeatInterval: 1000,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    console.error(`consumer crashed: ${payload.error?.stack ?? payload.error}`);
    finish(1);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic: from, partition, message }) => {
      if (seen >= wanted) return;
      seen += 1;
      const line = {
        topic: from,
        partition,
        offset: message.offset,
        key: decode(message.key),
        value: decode(message.value),
        headers: decodeHeaders(message.headers),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      if (seen >= wanted) finish(0);
    },
  });
} catch (error) {
  console.error(`kafkajs error: ${error?.stack ?? error}`);
  finish(1);
}

const code = await done;
clearTimeout(timer);
// Leave the group politely, but never let a stuck disconnect hide the result.
await Promise.race([
  consumer?.disconnect().catch((error) => console.error(`disconnect failed: ${error}`)),
  new Promise((resolve) => setTimeout(resolve, 3000).unref()),
]);
process.exit(code);
