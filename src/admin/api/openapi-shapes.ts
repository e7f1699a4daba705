/** The building blocks each resource writes its part of the admin API's OpenAPI document with. */

/** One resource's part of the document: its paths and the schemas they refer to. */
export interface ApiDoc {
  paths: Record<string, object>;
  schemas: Record<string, object>;
}

export const json = (schema: object) => ({ content: { 'application/json': { schema } } });
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const error = { description: 'refused: the message names the field and the rule', ...json(ref('Error')) };
export const ok = (description: string, schema?: object) => ({ description, ...(schema ? json(schema) : {}) });
export const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
