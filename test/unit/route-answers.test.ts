/** The one step around oidc-provider: each route's answer only after that route, the hooks after every request. */
import { routeAnswers } from '../../src/provider/route-answers.js';

type Ctx = { oidc?: { route: string }; seen: string[] };
const ctx = (route?: string): Ctx => ({ ...(route ? { oidc: { route } } : {}), seen: [] });

describe('routeAnswers', () => {
  const answers = new Map([['discovery', (c: Ctx) => void c.seen.push('discovery answer')]]);
  const hooks = {
    served: (c: Ctx) => void c.seen.push('served'),
    recover: async (c: Ctx, err: unknown) => (err instanceof RangeError ? (c.seen.push('recovered'), true) : false),
  };
  const run = (c: Ctx, next: () => Promise<void>) => routeAnswers(answers as never, hooks as never)(c as never, next);

  test("a route's answer runs after its route, not after another", async () => {
    const discovery = ctx('discovery');
    await run(discovery, async () => void discovery.seen.push('engine'));
    expect(discovery.seen).toEqual(['engine', 'served', 'discovery answer']);
    const userinfo = ctx('userinfo');
    await run(userinfo, async () => {});
    expect(userinfo.seen).toEqual(['served']);
  });

  test('a route named like an Object member finds no answer', async () => {
    const odd = ctx('constructor');
    await run(odd, async () => {});
    expect(odd.seen).toEqual(['served']);
  });

  test('a recovered error is answered, then the route answer runs', async () => {
    const c = ctx('discovery');
    await run(c, async () => {
      throw new RangeError('outage');
    });
    expect(c.seen).toEqual(['recovered', 'served', 'discovery answer']);
  });

  test('any other error passes on, after served, without the route answer', async () => {
    const c = ctx('discovery');
    await expect(run(c, async () => {
      throw new TypeError('bug');
    })).rejects.toThrow('bug');
    expect(c.seen).toEqual(['served']);
  });
});
