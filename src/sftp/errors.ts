/**
 * Errors thrown by the file transports. Each carries a stable `code` so callers (feed jobs,
 * the job runner's retry policy, alerting) can branch without parsing messages.
 */

/** Base class of every transport error. */
export class TransportError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The transport configuration is incomplete or invalid (fails fast, never retried). */
export class TransportConfigError extends TransportError {
  constructor(message: string) {
    super('TRANSPORT_CONFIG', message);
  }
}

/** A file name or path was refused because it could leave the feed's folder or is malformed. */
export class UnsafePathError extends TransportError {
  readonly offending: string;
  constructor(offending: string, reason: string) {
    super('UNSAFE_PATH', `unsafe path ${JSON.stringify(offending)}: ${reason}`);
    this.offending = offending;
  }
}

/**
 * `putAtomic` found a file of the same name with different content. Nothing was overwritten;
 * this needs a human (alert), not a retry.
 */
export class RemoteFileConflictError extends TransportError {
  readonly path: string;
  readonly existingSha256: string;
  readonly newSha256: string;
  constructor(path: string, existingSha256: string, newSha256: string) {
    super(
      'REMOTE_FILE_CONFLICT',
      `${path} already exists with different content (existing sha256 ${existingSha256}, new sha256 ${newSha256}); not overwritten`,
    );
    this.path = path;
    this.existingSha256 = existingSha256;
    this.newSha256 = newSha256;
  }
}

/** The requested file does not exist (or is not a regular file). */
export class RemoteFileNotFoundError extends TransportError {
  readonly path: string;
  constructor(path: string, detail = 'no such regular file') {
    super('REMOTE_FILE_NOT_FOUND', `${path}: ${detail}`);
    this.path = path;
  }
}

/**
 * The SFTP server presented a host key whose SHA-256 fingerprint differs from the pinned one.
 * The connection was refused during key exchange, before any credentials were sent. Never retried.
 */
export class HostKeyMismatchError extends TransportError {
  readonly expected: string;
  readonly actual: string;
  readonly host: string;
  constructor(host: string, expected: string, actual: string) {
    super(
      'SFTP_HOST_KEY_MISMATCH',
      `host key of ${host} does not match the pinned fingerprint: expected ${expected}, got ${actual}; ` +
        'connection refused before authentication (if the server key was rotated on purpose, update the pinned fingerprint)',
    );
    this.host = host;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The server rejected every configured credential. Never retried. */
export class SftpAuthError extends TransportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SFTP_AUTH_FAILED', message, options);
  }
}

/** The connection could not be established after all attempts (retryable at the job level). */
export class SftpConnectionError extends TransportError {
  readonly attempts: number;
  constructor(message: string, attempts: number, options?: { cause?: unknown }) {
    super('SFTP_CONNECTION_FAILED', message, options);
    this.attempts = attempts;
  }
}

/** The transport was used after `close()`. */
export class TransportClosedError extends TransportError {
  constructor() {
    super('TRANSPORT_CLOSED', 'transport is closed');
  }
}
