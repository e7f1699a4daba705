/**
 * The server's entry (`node dist/start.cjs`): sizes libuv's thread pool, then runs main.js.
 *
 * The pool makes RS256 signatures (src/keys/local-signing-key.ts) and argon2id hashes. libuv starts four threads
 * whatever the machine; on two cores, four signatures at once take both cores from the event loop that hands them
 * out. One thread per core measured 1.12x silent sign-ins (rounds 1.01-1.20), 13% less CPU each (README, Benchmarks).
 * An operator's own UV_THREADPOOL_SIZE is kept. This is CommonJS because the size must be set before the pool's first
 * use, and Node's ES module loader already reads modules through the pool: main.js's first line would be too late.
 */
import os = require('node:os');

process.env.UV_THREADPOOL_SIZE ??= String(os.availableParallelism());
void import('./main.js');
