// Just enough of the Kafka wire protocol to tell "a Kafka broker serving requests" from "something on the port".
import { connect } from 'node:net';

const API_VERSIONS = 18;

/** ApiVersions v0 request: size, api_key, api_version, correlation_id, client_id (request header v1, empty body). */
function apiVersionsRequest(correlationId) {
  const clientId = Buffer.from('jobledger-infra');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  let o = body.writeInt16BE(API_VERSIONS, 0);
  o = body.writeInt16BE(0, o);
  o = body.writeInt32BE(correlationId, o);
  o = body.writeInt16BE(clientId.length, o);
  clientId.copy(body, o);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Response v0: correlation_id, error_code, [api_key, min_version, max_version]. */
function parseApiVersions(frame, correlationId) {
  if (frame.readInt32BE(0) !== correlationId) throw new Error('correlation id mismatch');
  const errorCode = frame.readInt16BE(4);
  if (errorCode !== 0) throw new Error(`ApiVersions error code ${errorCode}`);
  const count = frame.readInt32BE(6);
  const apis = new Map();
  for (let i = 0, o = 10; i < count; i++, o += 6) {
    apis.set(frame.readInt16BE(o), { min: frame.readInt16BE(o + 2), max: frame.readInt16BE(o + 4) });
  }
  if (!apis.has(API_VERSIONS)) throw new Error('reply does not list ApiVersions');
  return apis;
}

/**
 * Sends ApiVersions to host:port and resolves with the broker's supported APIs (Map apiKey → {min,max}).
 * Rejects on refusal, timeout or a reply that is not Kafka. A KRaft broker only processes requests
 * once it is unfenced, so an answer means ready.
 */
export function apiVersions(host, port, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const correlationId = Math.floor(Math.random() * 0x7fffffff);
    const socket = connect({ host, port });
    let buf = Buffer.alloc(0);
    const done = (err, value) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no Kafka reply from ${host}:${port} in ${timeoutMs} ms`)));
    socket.on('error', done);
    socket.on('connect', () => socket.write(apiVersionsRequest(correlationId)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4) return;
      const size = buf.readInt32BE(0);
      if (size < 10 || size > 1 << 20) return done(new Error(`${host}:${port} does not speak Kafka`));
      if (buf.length < 4 + size) return;
      try {
        done(null, parseApiVersions(buf.subarray(4, 4 + size), correlationId));
      } catch (e) {
        done(new Error(`${host}:${port} does not speak Kafka: ${e.message}`));
      }
    });
    socket.on('end', () => done(new Error(`${host}:${port} closed the connection without a Kafka reply`)));
  });
}

/** True when host:port answers ApiVersions. */
export const kafkaAnswers = (host, port, timeoutMs) =>
  apiVersions(host, port, timeoutMs).then(
    () => true,
    () => false,
  );

/** Splits "h1:9092,h2:9093" into [{host, port}]. */
export function parseBrokers(list) {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.lastIndexOf(':');
      return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) };
    });
}
