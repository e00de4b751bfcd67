// Read N messages from one topic (from the beginning) with KafkaJS and print each one as a
// JSON line on stdout: {topic, partition, offset, key, value, headers}. Diagnostics go to
// stderr. Exit 0 after N messages, 2 on timeout, 1 on any client error.
//
// usage: node read_events.mjs <bootstrap servers, comma separated> <topic> <count> [timeout ms]
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";

const [brokersArg, topic, countArg, timeoutArg = "20000"] = process.argv.slice(2);
if (!brokersArg || !topic || !countArg) {
  console.error("usage: node read_events.mjs <bootstrap servers> <topic> <count> [timeout ms]");
  process.exit(64);
}
const wanted = Number.parseInt(countArg, 10);
const timeoutMs = Number.parseInt(timeoutArg, 10);

const kafka = new Kafka({
  clientId: "contract-node-reader",
  brokers: brokersArg.split(","),
  logLevel: process.env.KAFKAJS_LOG_LEVEL === "debug" ? logLevel.DEBUG : logLevel.WARN,
  logCreator: () => ({ level, log }) => console.error(JSON.stringify({ level, ...log })),
  retry: { retries: 3 },
});
const consumer = kafka.consumer({
  groupId: `contract-node-reader-${randomUUID()}`,
  sessionTimeout: Number(process.env.ST ?? 30000),
  rebalanceTimeout: Number(process.env.RT ?? 60000),
});

const decodeHeaders = (headers = {}) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.map((v) => v?.toString("utf8") ?? null) : value?.toString("utf8") ?? null,
    ]),
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

try {
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic: from, partition, message }) => {
      if (seen >= wanted) return;
      seen += 1;
      process.stdout.write(
        `${JSON.stringify({
          topic: from,
          partition,
          offset: message.offset,
          key: message.key?.toString("utf8") ?? null,
          value: message.value?.toString("utf8") ?? null,
          headers: decodeHeaders(message.headers),
        })}\n`,
      );
      if (seen >= wanted) finish(0);
    },
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    console.error(`consumer crashed: ${payload.error?.stack ?? payload.error}`);
    finish(1);
  });
} catch (error) {
  console.error(`kafkajs error: ${error?.stack ?? error}`);
  finish(1);
}

const code = await done;
clearTimeout(timer);
await consumer.disconnect().catch((error) => console.error(`disconnect failed: ${error}`));
process.exit(code);
