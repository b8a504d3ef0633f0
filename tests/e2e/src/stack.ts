import request from 'supertest';
import type { Stack } from '@jobledger/testing';

export { startStack } from '@jobledger/testing';
export type { Stack } from '@jobledger/testing';

/** Polls GET /v1/jobs/{id} until the job is in one of `statuses`. */
export async function waitForStatus(stack: Stack, id: string, statuses: string[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(stack.baseUrl).get(`/v1/jobs/${id}`).set('Authorization', `Bearer ${stack.adminKey}`);
    if (res.status === 200 && statuses.includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${id} did not reach ${statuses.join('|')}; last answer ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
