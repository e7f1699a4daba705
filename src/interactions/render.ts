/** What the interaction pages share: the page frame, its language, the client and account it names, and the login form. */
import type { Context } from 'koa';
import type { Provider } from 'oidc-provider';
import type { Users } from '../accounts/users.js';
import type { Csrf } from '../pages/csrf.js';
import type { Locale } from '../pages/i18n.js';
import { languageLinks, requestLocale } from '../pages/page-locale.js';
import type { PageName, Views } from '../pages/views.js';
import type { Interaction } from './load.js';

export interface ClientView {
  id: string;
  name: string;
  uri?: string;
  policyUri?: string;
  tosUri?: string;
}

/** A login page button: "Continue with NAME" for an upstream identity provider. */
export interface IdpButton {
  name: string;
  label: string;
  logoUrl?: string | undefined;
}

export interface RenderDeps {
  provider: { readonly current: Provider };
  users: Pick<Users, 'findBySub'>;
  views: Views;
  csrf: Pick<Csrf, 'tokenFor'>;
  /** The enabled upstream identity providers' buttons, in a language. */
  idpButtons?: (lang: string) => Promise<IdpButton[]>;
}

export interface Renderer {
  /** The language of this request's page; the interaction's ui_locales count when there is one. */
  localeFor(ctx: Context, interaction?: Interaction): Locale;
  /** Answers with page `name`, never cached, with language links back to this interaction. */
  page(ctx: Context, status: number, name: PageName, locale: Locale, locals: Record<string, unknown> & { title: string }): void;
  clientOf(interaction: Interaction): Promise<ClientView>;
  /** The username of an account, or '' when there is none. */
  usernameOf(accountId: string | undefined): Promise<string>;
  /** The login form, prefilled with `username` or else the login_hint. */
  renderLogin(ctx: Context, interaction: Interaction, status?: number, error?: string, username?: string): Promise<void>;
}

export function renderer({ provider, users, views, csrf, idpButtons }: RenderDeps): Renderer {
  const localeFor = (ctx: Context, interaction?: Interaction) => requestLocale(ctx, views, interaction?.params.ui_locales);

  function page(ctx: Context, status: number, name: PageName, locale: Locale, locals: Record<string, unknown> & { title: string }) {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    const path = `/interaction/${encodeURIComponent(String(ctx.params.uid))}`;
    ctx.body = views.render(name, locale, locals, languageLinks(views, path, locale.lang));
  }

  async function clientOf(interaction: Interaction): Promise<ClientView> {
    const client = await provider.current.Client.find(String(interaction.params.client_id));
    const name = client?.clientName ?? String(interaction.params.client_id);
    return {
      id: String(interaction.params.client_id),
      name,
      uri: client?.clientUri,
      policyUri: client?.policyUri,
      tosUri: client?.tosUri,
    };
  }

  async function usernameOf(accountId: string | undefined): Promise<string> {
    return (accountId && (await users.findBySub(accountId))?.username) || '';
  }

  async function renderLogin(ctx: Context, interaction: Interaction, status = 200, error?: string, username?: string) {
    const locale = localeFor(ctx, interaction);
    const hint = interaction.params.login_hint;
    page(ctx, status, 'login', locale, {
      title: locale.t('login.title'),
      uid: interaction.uid,
      csrf: csrf.tokenFor(interaction.uid),
      client: await clientOf(interaction),
      username: username ?? (typeof hint === 'string' ? hint : ''),
      error,
      idps: idpButtons ? await idpButtons(locale.lang) : [],
    });
  }

  return { localeFor, page, clientOf, usernameOf, renderLogin };
}
