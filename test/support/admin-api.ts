/** The admin API as a test calls it: a bearer token, JSON in and out, and the raw text kept for refusals. */
export interface AdminAnswer {
  status: number;
  text: string;
  json: Record<string, unknown> | undefined;
}

export function adminApi(issuer: () => string, token: () => string) {
  return async (method: string, path: string, body?: unknown): Promise<AdminAnswer> => {
    const response = await fetch(`${issuer()}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
}
