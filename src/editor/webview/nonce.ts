// A fresh random nonce per page load, for the webview CSP.
import { randomBytes } from 'node:crypto';

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}
