export type ApiErrorCode =
  | 'invalid_request'
  | 'unknown_method'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'unauthorized'
  | 'internal';

export interface ApiIssue {
  /** Dotted path of the offending field, e.g. `calling.timeZone`; empty for the whole request. */
  path: string;
  message: string;
}

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  issues?: ApiIssue[];
}

/** What crosses every transport (IPC, web bridge): never a bare throw, never a bare `false`. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

/** The typed exception a client raises when the core answered with an error. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues: ApiIssue[];

  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.issues = body.issues ?? [];
  }

  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, issues: this.issues };
  }

  /** The first issue for a field, for showing next to an input. */
  issueFor(path: string): string | undefined {
    return this.issues.find((i) => i.path === path)?.message;
  }
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
