/**
 * The most calls one HTTP request may batch: the server rejects larger batches (tRPC's
 * `maxBatchSize`) and the clients' `httpBatchLink` splits at it (`maxItems`).
 */
export const maxBatchSize = 10;
