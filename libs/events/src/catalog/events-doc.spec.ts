import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventTypeInfo, knownEventTypes } from './event-catalog';

describe('docs/events.md', () => {
  const doc = readFileSync(join(__dirname, '../../../../docs/events.md'), 'utf8');

  it('lists every event type of the catalog under the section of its topic', () => {
    const sections = doc.split(/\n## /).slice(1);
    for (const type of knownEventTypes()) {
      const topic = (eventTypeInfo(type)?.topic ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const section = sections.find((s) => s.includes(`| \`${type}\` |`));
      expect({ type, heading: section?.split('\n')[0] }).toEqual({ type, heading: expect.stringContaining(`\`${topic}\``) });
    }
  });
});
