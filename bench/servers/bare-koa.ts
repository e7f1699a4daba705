/** The ceiling: a bare Koa handler answering a small JSON document. Env: PORT. */
import Koa from 'koa';

const body = { issuer: 'http://127.0.0.1', status: 'ok' };
const app = new Koa();
app.use((ctx) => {
  ctx.body = body;
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\n'));
