import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { topicNames } from '@jobledger/events';
import type { RunbookPublishedData } from '@jobledger/events';
import { PLATFORM_CONFIG, appendToOutbox, quoteIdent, serviceSchema, stampEvents, toOutbound } from '@jobledger/platform';
import type { EventContext, PlatformConfig } from '@jobledger/platform';
import { OutboxRelay } from '@jobledger/platform';

export interface PublishRunbook {
  accountId: string;
  name: string;
  runtime: 'node' | 'shell';
  source: string;
  runOn?: string;
  description?: string;
}

/** Publishing creates the next immutable version; the row and its event commit together. */
@Injectable()
export class PublishRunbookHandler {
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
  }

  async handle(command: PublishRunbook, context: EventContext): Promise<RunbookPublishedData> {
    const data = await this.dataSource.transaction(async (manager) => {
      // Serialises publishers of the same runbook so versions are gap-free and unique.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`runbook:${command.accountId}/${command.name}`]);
      const [{ next }] = await manager.query(
        `SELECT COALESCE(MAX(version), 0) + 1 AS next FROM ${this.schema}.runbook_versions WHERE account_id = $1 AND name = $2`,
        [command.accountId, command.name],
      );
      const published: RunbookPublishedData = {
        name: command.name,
        version: Number(next),
        runtime: command.runtime,
        source: command.source,
        sha256: createHash('sha256').update(command.source, 'utf8').digest('hex'),
        runOn: command.runOn ?? null,
        description: command.description ?? null,
        at: new Date().toISOString(),
      };
      await manager.query(
        `INSERT INTO ${this.schema}.runbook_versions (account_id, name, version, runtime, source, sha256, run_on, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [command.accountId, published.name, published.version, published.runtime, published.source, published.sha256, published.runOn, published.description, published.at],
      );
      const envelopes = stampEvents([{ type: 'RunbookPublished', data: published }], context, command.accountId);
      await appendToOutbox(manager, this.schema, envelopes.map((e) => toOutbound(e, topicNames(this.config.topicPrefix))));
      return published;
    });
    this.relay.kick();
    return data;
  }
}
