/** A start-chain failure whose message is the one line the user sees (no stack: it is not a bug). */
export class StartChainError extends Error {
  name = 'StartChainError';
}
