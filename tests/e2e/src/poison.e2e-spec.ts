import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { topicNames } from '@jobledger/events';
import { createKafkajsEventBus } from '@jobledger/kafka';
import type { InboundMessage } from '@jobledger/kafka';
import { startStack, waitForStatus } from './stack';
import type { Stack } from './stack';

describe('poison events, end to end', () => {
  let stack: Stack;
  const auth = () => ({ Authorization: `Bearer ${stack.adminKey}` });

  beforeAll(async () => {
    stack = await startStack();
    await request(stack.baseUrl).post('/v1/runbooks').set(auth()).send({ name: 'fine', runtime: 'node', source: 'export default async () => 1;' }).expect(201);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('sends unreadable events, and events a projection fails on, to the dead-letter topic with the reason and original bytes, counts them, and goes on', async () => {
    const topics = topicNames(stack.topicPrefix);
    const bus = createKafkajsEventBus({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'e2e-poison', log: () => undefined });
    const producer = await bus.producer();
    const unknownType = JSON.stringify({
      id: randomUUID(), type: 'JobTeleported', schemaVersion: 1, accountId: 'default', jobId: 'poison-2', occurredAt: new Date().toISOString(),
      actor: { kind: 'service', id: 'e2e' }, correlationId: 'c', causationId: 'c', data: {},
    });
    // Readable, but no projection can store a seq that is not a number.
    const failsInProjection = JSON.stringify({
      id: randomUUID(), type: 'JobOutputRecorded', schemaVersion: 1, accountId: 'default', jobId: 'poison-3', occurredAt: new Date().toISOString(),
      actor: { kind: 'service', id: 'e2e' }, correlationId: 'c', causationId: 'c',
      data: { attempt: 1, records: [{ seq: 'not-a-number', stream: 'Output', time: new Date().toISOString(), value: 1 }] },
    });
    await producer.send([
      { topic: topics.jobEvents, key: 'poison-1', value: 'this is not JSON' },
      { topic: topics.jobEvents, key: 'poison-2', value: unknownType },
      { topic: topics.jobOutput, key: 'poison-3', value: failsInProjection },
    ]);
    await producer.disconnect();

    const job = (await request(stack.baseUrl).post('/v1/jobs').set(auth()).send({ runbook: 'fine' }).expect(201)).body;
    expect((await waitForStatus(stack, job.id, ['Completed'])).status).toBe('Completed');

    const dead: InboundMessage[] = [];
    const consumer = bus.consumer(`e2e-dlq-${randomUUID()}`);
    await new Promise<void>((resolve) => {
      void consumer.start({ topics: [topics.deadLetter] }, async (batch) => {
        dead.push(...batch.messages);
        const groups = dead.map((m) => JSON.parse(String(m.value)).consumerGroup as string);
        if (groups.filter((g) => g.endsWith('query.projection')).length >= 3) resolve();
      });
    });
    await consumer.stop();
    const queryDead = dead.map((m) => JSON.parse(String(m.value))).filter((r) => r.consumerGroup.endsWith('query.projection'));
    expect(queryDead.map((r) => r.reason).sort()).toEqual(['PROJECTION_FAILED', 'UNKNOWN_TYPE', 'UNPARSEABLE']);
    expect(queryDead.find((r) => r.reason === 'PROJECTION_FAILED')).toMatchObject({ source: { topic: topics.jobOutput, key: 'poison-3' }, message: expect.stringContaining('integer') });
    const unparseable = queryDead.find((r) => r.reason === 'UNPARSEABLE');
    expect(Buffer.from(unparseable.originalBase64, 'base64').toString()).toBe('this is not JSON');
    expect(unparseable.source).toMatchObject({ topic: topics.jobEvents, key: 'poison-1' });

    const metrics = (await request(stack.urls.query).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/jobledger_dead_letters_total\{group="[^"]*query\.projection",reason="UNPARSEABLE"\} 1/);
    expect(metrics).toMatch(/jobledger_dead_letters_total\{group="[^"]*query\.projection",reason="UNKNOWN_TYPE"\} 1/);
  }, 60_000);
});
