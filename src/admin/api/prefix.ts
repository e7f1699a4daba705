/** Where the admin API is mounted: its routes, its Location headers and its OpenAPI document's server all name it. */
export const ADMIN_API = '/admin/api';
