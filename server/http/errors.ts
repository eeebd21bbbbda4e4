/**
 * Errors of the HTTP API: every 4xx/5xx body is `{ code, message }` with a stable snake_case code
 * (the web app switches on the code and shows the message as it is). One middleware maps what
 * the layers below throw: InputError (a file or table that cannot be used) → 422
 * `unreadable_file`, StoreError → 404 / 409 / 422, an oversized body → 413, anything else → 500
 * `internal` without a stack trace (logged on stderr instead).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { InputError } from '../errors.ts';
import { StoreError } from '../store/store.ts';

export type ApiErrorCode =
  | 'bad_request' | 'not_found' | 'conflict' | 'crs_unconfirmed' | 'zone_types' | 'unreadable_file' | 'invalid' | 'too_large' | 'internal';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'bad_request', message);
export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);
export const conflict = (message: string, code: ApiErrorCode = 'conflict'): ApiError => new ApiError(409, code, message);

/** The body of an error response. */
export interface ErrorBody {
  code: ApiErrorCode;
  message: string;
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof InputError) return new ApiError(422, 'unreadable_file', err.message);
  if (err instanceof StoreError) {
    if (err.code === 'not_found') return new ApiError(404, 'not_found', err.message);
    if (err.code === 'conflict') return new ApiError(409, 'conflict', err.message);
    return new ApiError(422, 'invalid', err.message);
  }
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return new ApiError(413, 'too_large', `the file is larger than the upload limit (${err.message})`);
    return new ApiError(400, 'bad_request', `upload: ${err.message}${err.field ? ` (field "${err.field}")` : ''}`);
  }
  // body-parser's errors carry a type and a status
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.too.large') return new ApiError(413, 'too_large', 'the request body is larger than 1 MB');
  if (e.type === 'entity.parse.failed') return new ApiError(400, 'bad_request', `the body is not valid JSON: ${e.message ?? ''}`.trim());
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new ApiError(400, 'bad_request', e.message ?? 'bad request');
  return new ApiError(500, 'internal', 'internal error: the service could not complete the request (see the service log)');
}

export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  const api = toApiError(err);
  if (api.status >= 500) {
    // the stack goes to the operator's log, never to the client
    process.stderr.write(`redline serve: ${req.method} ${req.originalUrl}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  }
  if (res.headersSent) {
    next(err);
    return;
  }
  res.status(api.status).json({ code: api.code, message: api.message } satisfies ErrorBody);
};

/** Anything under /api that no route took. */
export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(notFound(`no such endpoint: ${req.method} ${req.path}`));
};
