import type { EventProducer, OutboundMessage } from '@jobledger/kafka';
import { GroupCommit } from '../db/group-commit';

/** Bytes of messages one request carries at most: well under the broker's 1 MiB per partition batch. */
export const MAX_GROUPED_BYTES = 512 * 1024;

const bytesOf = (messages: OutboundMessage[]) => messages.reduce((n, m) => n + Buffer.byteLength(m.value) + Buffer.byteLength(m.key), 0);

/**
 * A producer whose concurrent sends share requests: a send made while another is out waits for it
 * and goes with the others that waited, as one request — the client sends each call as a request
 * of its own, one at a time. Alone, a send goes at once. Sends keep their order, so one key's
 * messages stay in order across calls. When the broker refused a grouped request's messages
 * (`refused`), each send is sent again alone, so only the one at fault fails; any other failure
 * fails every send of the group, as it would have failed each (a failed send may have appended
 * some messages, so a retried one may be appended twice: consumers drop duplicates by event id).
 */
export class GroupedProducer implements EventProducer {
  private readonly sends: GroupCommit<OutboundMessage[], void>;

  constructor(
    private readonly producer: EventProducer,
    maxBytes = MAX_GROUPED_BYTES,
  ) {
    this.sends = new GroupCommit(
      async (groups) => {
        await this.producer.send(groups.flat());
        return groups.map(() => ({ value: undefined }));
      },
      { maxGroup: 1_000, sizeOf: bytesOf, maxSize: maxBytes, writeAloneAfter: (error) => (error as { refused?: boolean }).refused === true },
    );
  }

  send(messages: OutboundMessage[]): Promise<void> {
    return messages.length === 0 ? Promise.resolve() : this.sends.submit(messages);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
