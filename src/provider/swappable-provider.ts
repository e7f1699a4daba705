/**
 * The oidc-provider instance in service, replaced by a newly built one when something it fixes at build time
 * changes (endpoint paths now). Requests already running finish on the instance they started on; all state
 * lives in Redis, so nothing is lost in the swap.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';

export class SwappableProvider {
  #provider!: Provider;
  #handle!: (req: IncomingMessage, res: ServerResponse) => Promise<void>;

  constructor(private readonly build: () => Provider) {
    this.rebuild();
  }

  get current(): Provider {
    return this.#provider;
  }

  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.#handle(req, res);
  }

  rebuild(): void {
    const provider = this.build();
    const handle = provider.callback();
    this.#provider = provider;
    this.#handle = handle as (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  }
}
