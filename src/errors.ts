/**
 * The one error model. A refusal carries a code, the field it concerns when there is one, and a message a person can
 * act on; each surface maps the code once: an HTTP status (admin API, console, pages) or an exit code (command line).
 */
export type ErrorCode =
  | 'invalid'
  | 'usage'
  | 'exists'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'too_large'
  | 'unsupported_media_type'
  | 'throttled'
  | 'unavailable';

export class AppError extends Error {
  override name = 'AppError';
  readonly field: string | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { field?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.field = options.field;
  }
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid: 400,
  usage: 400,
  exists: 409,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  too_large: 413,
  unsupported_media_type: 415,
  throttled: 429,
  unavailable: 503,
};

export const httpStatusOf = (err: AppError): number => HTTP_STATUS[err.code];

/** A refusal of what was asked (4xx), as opposed to a fault on our side. */
export const isRefusal = (err: unknown): err is AppError => err instanceof AppError && httpStatusOf(err) < 500;

/** The command line's exit codes: 2 for a usage error (the synopsis follows), 1 for any other refusal or fault. */
export const exitCodeOf = (err: unknown): number => (err instanceof AppError && err.code === 'usage' ? 2 : 1);
