/**
 * An error in what the user gave us, as opposed to a bug. The CLI prints `message` alone on one
 * line (no stack trace) and exits non-zero; the HTTP layer maps it to 422.
 */
export class InputError extends Error {
  readonly file: string;
  readonly feature: { index: number; id?: string } | undefined;
  readonly reason: string;

  constructor(file: string, reason: string, feature?: { index: number; id?: string }) {
    const where = feature
      ? `${file}: feature #${feature.index}${feature.id ? ` (${feature.id})` : ''}`
      : file;
    super(`${where}: ${reason}`);
    this.name = 'InputError';
    this.file = file;
    this.feature = feature;
    this.reason = reason;
  }
}
