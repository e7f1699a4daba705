/**
 * The server's entry (`node dist/start.cjs`): sizes libuv's thread pool, then runs main.js.
 *
 * The pool makes RS256 signatures (src/keys/local-signing-key.ts) and argon2id hashes. libuv starts four threads
 * whatever the machine; with fewer cores than that, signatures at once take every core from the event loop that hands
 * them out, so the pool gets one thread per core (docs/performance.md).
 * An operator's own UV_THREADPOOL_SIZE is kept. This is CommonJS because the size must be set before the pool's first
 * use, and Node's ES module loader already reads modules through the pool: main.js's first line would be too late.
 */
import os = require('node:os');

process.env.UV_THREADPOOL_SIZE ??= String(os.availableParallelism());
void import('./main.js');
