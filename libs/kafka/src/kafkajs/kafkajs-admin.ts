import type { Admin } from 'kafkajs';
import type { TopicAdmin } from '../port/event-bus.port';

export class KafkajsAdmin implements TopicAdmin {
  constructor(private readonly admin: Admin) {}

  async ensureTopics(
    topics: { name: string; configs: Record<string, string> }[],
    partitions: number,
    replicationFactor: number,
  ): Promise<string[]> {
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length === 0) return [];
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: partitions,
        replicationFactor,
        configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing.map((t) => t.name);
  }

  async deleteTopics(names: string[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const present = names.filter((n) => existing.has(n));
    if (present.length > 0) await this.admin.deleteTopics({ topics: present });
  }

  async ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.admin.describeCluster(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async disconnect(): Promise<void> {
    await this.admin.disconnect();
  }
}
