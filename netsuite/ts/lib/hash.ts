/** SHA-256 of text, for "a reader takes a file at most once". */
import * as crypto from 'N/crypto';
import * as encode from 'N/encode';

export function sha256Hex(text: string): string {
  const h = crypto.createHash({ algorithm: crypto.HashAlg.SHA256 });
  h.update({ input: text, inputEncoding: encode.Encoding.UTF_8 });
  return h.digest({ outputEncoding: encode.Encoding.HEX }).toLowerCase();
}
