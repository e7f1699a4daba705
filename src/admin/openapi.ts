/** The admin API described as OpenAPI 3.1; request bodies come from the same zod schemas that validate them. */
import { z } from 'zod';
import { ROLES } from '../accounts/users.js';
import { MAX_EXPIRES_IN } from '../clients/initial-access-tokens.js';
import { clientSchema } from '../clients/client-input.js';
import { FIELD_BOUNDS } from '../audit/audit-event.js';
import { SETTING_KEYS } from '../settings/provider-settings.js';
import { subSchema } from '../oidc/subject.js';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = { description: 'refused: the message names the field and the rule', ...json(ref('Error')) };
const ok = (description: string, schema?: object) => ({ description, ...(schema ? json(schema) : {}) });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const userParam = { name: 'username', in: 'path', required: true, schema: { type: 'string' } };

const { $schema: _dialect, ...subJsonSchema } = z.toJSONSchema(subSchema);
const userInput = {
  type: 'object',
  required: ['username', 'password'],
  properties: {
    sub: { ...subJsonSchema, description: 'kept when given (a user moved from elsewhere); a random one otherwise' },
    username: { type: 'string', maxLength: 128 },
    password: { type: 'string', minLength: 8, maxLength: 1024 },
    claims: { type: 'object', description: 'standard OpenID Connect claims' },
    role: { type: 'string', enum: [...ROLES] },
  },
};

export function openApiDocument() {
  const clientInput = z.toJSONSchema(clientSchema, { io: 'input' });
  return {
    openapi: '3.1.0',
    info: { title: 'oidc-op admin API', version: '1' },
    servers: [{ url: '/admin/api' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an admin token from `oidc-op admin-token create`' } },
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } },
        ClientInput: clientInput,
        ClientChange: { ...clientInput, required: [] },
        Client: { type: 'object', description: 'oidc-provider client metadata (no secret), plus description, disabled and created_at' },
        CreatedClient: { type: 'object', properties: { client_id: { type: 'string' }, client_secret: { type: 'string', description: 'shown once' } } },
        UserInput: userInput,
        UserChange: { type: 'object', properties: { claims: { type: 'object', description: 'a null value removes the claim' }, role: userInput.properties.role } },
        User: { type: 'object', properties: { sub: { type: 'string' }, username: { type: 'string' }, claims: { type: 'object' }, role: { type: 'string' }, disabled: { type: 'boolean' } } },
        Scope: {
          type: 'object',
          required: ['id', 'name', 'description'],
          properties: {
            id: { type: 'string' },
            name: { description: 'text, or per language {"en": …, "zh-CN": …}' },
            description: { description: 'text, or per language; {user} and {client_name} are filled in' },
            claims: { type: 'array', items: { type: 'string' } },
            icon: { type: 'string' },
            default: { type: 'boolean', description: 'new clients without a scope list get it' },
          },
        },
        KeyStatus: {
          type: 'object',
          properties: {
            kids: { type: 'array', items: { type: 'string' } },
            algs: { type: 'array', items: { type: 'string' } },
            state: { type: 'string', enum: ['next', 'active', 'retiring', 'retired'] },
            createdAt: { type: 'string' },
            activeFrom: { type: 'string' },
            publishedUntil: { type: 'string' },
          },
        },
        Settings: {
          type: 'object',
          properties: Object.fromEntries(SETTING_KEYS.map((k) => [k, { type: k.startsWith('ttl.') ? 'integer' : k.startsWith('paths.') ? 'string' : 'boolean' }])),
        },
        Consent: {
          type: 'object',
          properties: {
            grantId: { type: 'string' },
            clientId: { type: 'string' },
            scope: { type: 'string' },
            claims: { type: 'array', items: { type: 'string' } },
            createdAt: { type: 'string' },
            expiresAt: { type: 'string' },
          },
        },
        AdminDocument: {
          type: 'object',
          description: 'all admin data; no plain secret, signing key or admin token',
          required: ['version', 'clients', 'users', 'scopes', 'settings'],
          properties: {
            version: { const: 1 },
            clients: { type: 'array', items: { type: 'object', description: 'client metadata with client_secret as its sha256: hash, description, disabled, created_at, updated_at' } },
            users: { type: 'array', items: { type: 'object', description: 'sub, username, passwordHash (argon2id), claims, role, disabled, createdAt, updatedAt' } },
            scopes: { type: 'array', items: ref('Scope'), description: 'the scopes an administrator stored (not those of config/scopes.json)' },
            settings: { type: 'object', description: 'the runtime settings an administrator set' },
          },
        },
        AdminToken: { type: 'object', properties: { id: { type: 'string', description: 'the start of its hash' }, name: { type: 'string' }, createdAt: { type: 'string' } } },
        AuditEvent: {
          type: 'object',
          // The stored event of docs/audit.md.
          properties: {
            ...Object.fromEntries(['time', 'type', 'outcome'].map((k) => [k, { type: 'string' }])),
            ...Object.fromEntries(Object.entries(FIELD_BOUNDS).map(([k, max]) => [k, { type: 'string', maxLength: max }])),
            count: { type: 'integer', minimum: 1 },
            truncated: { type: 'boolean', const: true },
          },
        },
      },
    },
    paths: {
      '/openapi.json': { get: { security: [], summary: 'this document', responses: { 200: ok('OpenAPI 3.1') } } },
      '/clients': {
        get: { summary: 'list clients', responses: { 200: ok('clients', { type: 'object', properties: { clients: { type: 'array', items: ref('Client') } } }) } },
        post: { summary: 'create a client', requestBody: json(ref('ClientInput')), responses: { 201: ok('created', ref('CreatedClient')), 400: error } },
      },
      '/clients/{id}': {
        parameters: [idParam],
        get: { summary: 'show a client', responses: { 200: ok('the client', ref('Client')), 404: error } },
        patch: { summary: 'change a client (fields given replace)', requestBody: json(ref('ClientChange')), responses: { 200: ok('the client', ref('Client')), 400: error, 404: error } },
        delete: { summary: 'delete a client', responses: { 204: ok('deleted'), 404: error } },
      },
      '/clients/{id}/enable': { parameters: [idParam], post: { summary: 'enable', responses: { 200: ok('the client', ref('Client')), 404: error } } },
      '/clients/{id}/disable': { parameters: [idParam], post: { summary: 'disable', responses: { 200: ok('the client', ref('Client')), 404: error } } },
      '/clients/{id}/rotate-secret': {
        parameters: [idParam],
        post: { summary: 'new secret, shown once', responses: { 200: ok('the new secret', ref('CreatedClient')), 400: error, 404: error } },
      },
      '/users': {
        get: { summary: 'list users', responses: { 200: ok('users', { type: 'object', properties: { users: { type: 'array', items: ref('User') } } }) } },
        post: { summary: 'create a user', requestBody: json(ref('UserInput')), responses: { 201: ok('created', ref('User')), 400: error, 409: error } },
      },
      '/users/{username}': {
        parameters: [userParam],
        get: { summary: 'show a user', responses: { 200: ok('the user', ref('User')), 404: error } },
        patch: { summary: 'change claims or role', requestBody: json(ref('UserChange')), responses: { 200: ok('the user', ref('User')), 400: error, 404: error } },
        delete: { summary: 'delete a user', responses: { 204: ok('deleted'), 404: error } },
      },
      '/users/{username}/password': {
        parameters: [userParam],
        put: {
          summary: 'set the password',
          requestBody: json({ type: 'object', required: ['password'], properties: { password: { type: 'string' } } }),
          responses: { 204: ok('changed'), 400: error, 404: error },
        },
      },
      '/users/{username}/enable': { parameters: [userParam], post: { summary: 'enable', responses: { 200: ok('the user', ref('User')), 404: error } } },
      '/users/{username}/disable': { parameters: [userParam], post: { summary: 'disable: no sign-in, sessions and tokens stop working', responses: { 200: ok('the user', ref('User')), 404: error } } },
      '/users/{username}/consents': {
        parameters: [userParam],
        get: { summary: "the user's consents: client, scopes, claims, expiry", responses: { 200: ok('consents', { type: 'object', properties: { consents: { type: 'array', items: ref('Consent') } } }), 400: error, 404: error } },
      },
      '/users/{username}/consents/{client}': {
        parameters: [userParam, { name: 'client', in: 'path', required: true, schema: { type: 'string' } }],
        delete: {
          summary: "revoke: the grant and its tokens end; the client's next sign-in asks for consent again",
          responses: { 200: ok('revoked', { type: 'object', properties: { revoked: { type: 'array', items: ref('Consent') } } }), 400: error, 404: error },
        },
      },
      '/scopes': {
        get: { summary: 'the scopes in force', responses: { 200: ok('scopes', { type: 'object', properties: { scopes: { type: 'array', items: ref('Scope') } } }) } },
        post: { summary: 'define a scope', requestBody: json(ref('Scope')), responses: { 201: ok('created', ref('Scope')), 400: error, 409: error } },
      },
      '/scopes/{id}': {
        parameters: [idParam],
        get: { summary: 'show a scope', responses: { 200: ok('the scope', ref('Scope')), 404: error } },
        patch: { summary: 'change texts, claims, icon, default', requestBody: json(ref('Scope')), responses: { 200: ok('the scope', ref('Scope')), 400: error, 404: error } },
        delete: { summary: 'delete an administrator-defined scope', responses: { 204: ok('deleted'), 400: error, 404: error } },
      },
      '/keys': { get: { summary: 'signing key generations and their states', responses: { 200: ok('keys', { type: 'object', properties: { keys: { type: 'array', items: ref('KeyStatus') } } }) } } },
      '/keys/rotate': {
        post: {
          summary: 'add a generation: published now, signing after the lead time',
          requestBody: json({ type: 'object', properties: { leadTime: { type: 'integer', minimum: 0, maximum: 604800, default: 3600 } } }),
          responses: { 200: ok('keys'), 400: error },
        },
      },
      '/keys/{kid}/retire': {
        parameters: [{ name: 'kid', in: 'path', required: true, schema: { type: 'string' } }],
        post: { summary: 'stop publishing a generation that no longer signs', responses: { 200: ok('keys'), 400: error, 404: error } },
      },
      '/registration-tokens': {
        post: {
          summary: 'an initial access token for dynamic client registration, shown once',
          requestBody: json({ type: 'object', properties: { expiresIn: { type: 'integer', minimum: 60, maximum: MAX_EXPIRES_IN, default: 86400 } } }),
          responses: { 201: ok('the token', { type: 'object', properties: { token: { type: 'string' }, expires_at: { type: 'string' } } }), 400: error },
        },
      },
      '/settings': {
        get: { summary: 'the provider settings in force', responses: { 200: ok('settings', ref('Settings')) } },
      },
      '/settings/{key}': {
        parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string', enum: [...SETTING_KEYS] } }],
        put: {
          summary: 'set one; every instance follows within a few seconds',
          requestBody: json({ type: 'object', required: ['value'], properties: { value: { type: ['boolean', 'integer', 'string'] } } }),
          responses: { 200: ok('settings', ref('Settings')), 400: error },
        },
      },
      '/export': { get: { summary: 'every client, user, scope and setting as one document', responses: { 200: ok('the document', ref('AdminDocument')) } } },
      '/import': {
        post: {
          summary: 'validate a whole document, then write it all or nothing',
          parameters: [{ name: 'replace', in: 'query', schema: { type: 'boolean' }, description: 'true: replace every client, user, scope and setting (without it, a store holding any is refused with 409)' }],
          requestBody: json(ref('AdminDocument')),
          responses: {
            200: ok('imported', { type: 'object', properties: { imported: { type: 'object', properties: Object.fromEntries(['clients', 'users', 'scopes', 'settings'].map((k) => [k, { type: 'integer' }])) } } }),
            400: { description: 'refused, nothing changed: `issues` lists each path and rule', ...json({ type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' }, issues: { type: 'array', items: { type: 'string' } } } }) },
            409: error,
            413: error,
          },
        },
      },
      '/admin-tokens': {
        get: { summary: 'the admin tokens (never the tokens themselves)', responses: { 200: ok('tokens', { type: 'object', properties: { tokens: { type: 'array', items: ref('AdminToken') } } }) } },
      },
      '/admin-tokens/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'a token id, or a name (every token of that name)' }],
        delete: { summary: 'revoke: the token gets 401 from now on', responses: { 200: ok('revoked', { type: 'object', properties: { revoked: { type: 'array', items: ref('AdminToken') } } }), 404: error } },
      },
      '/audit': {
        get: {
          summary: 'the newest audit events, newest first',
          parameters: ['limit', 'user', 'client', 'type'].map((name) => ({ name, in: 'query', schema: { type: name === 'limit' ? 'integer' : 'string' } })),
          responses: { 200: ok('events', { type: 'object', properties: { events: { type: 'array', items: ref('AuditEvent') } } }), 400: error },
        },
      },
    },
  };
}
