import type { InboundMessage } from '@jobledger/kafka';

/** An event as a consumer hands it over: decoded, with the message it came in. */
export interface Decoded<E> {
  envelope: E;
  message: InboundMessage;
}
