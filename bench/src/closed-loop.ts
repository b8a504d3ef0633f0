/** `clients` concurrent clients share `count` sends, each starting its next as soon as its last one resolved. */
export async function closedLoop(count: number, clients: number, send: () => Promise<void>): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < count) {
      next++;
      await send();
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, client));
}
