/**
 * The ceiling: a bare Koa handler answering ours's discovery and JWKS documents, fetched once from ours at start
 * (DOCUMENTS_FROM) and kept as bytes, as ours keeps them. The same bytes go over the wire as from the servers it is
 * compared with: a smaller document would be cheaper to write for the server and to read for the load generator,
 * on the same cores. Env: PORT, DOCUMENTS_FROM.
 */
import Koa from 'koa';

const from = process.env.DOCUMENTS_FROM;
if (!from) throw new Error('DOCUMENTS_FROM: the origin whose discovery and JWKS documents to serve');
const documents = new Map<string, Buffer>();
for (const path of ['/.well-known/openid-configuration', '/jwks']) {
  const res = await fetch(`${from}${path}`);
  if (!res.ok) throw new Error(`${from}${path}: ${res.status}`);
  documents.set(path, Buffer.from(await res.arrayBuffer()));
}

const app = new Koa();
app.use((ctx) => {
  ctx.type = 'json';
  ctx.body = documents.get(ctx.path);
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\n'));
