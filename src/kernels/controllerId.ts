// Deterministic ids and labels of our notebook controllers: tests (e2e) and VS Code's remembered kernel choice rely on them.
import { createHash } from 'node:crypto';

/** First 12 hex digits of SHA-256 of the hub id (the hub base URL, e.g. "https://hub.example.org/jhub/"). */
export function hubHash(hubId: string): string {
  return createHash('sha256').update(hubId, 'utf8').digest('hex').slice(0, 12);
}

/** `pangeo-<hubHash>-<server name or "default">-<kernelspec name>` */
export function controllerIdFor(hubId: string, serverName: string, kernelName: string): string {
  return `pangeo-${hubHash(hubId)}-${serverName || 'default'}-${kernelName}`;
}

/**
 * "Pangeo: Python 3 (ipykernel) on alice @ hub.example.org", with " (gpu)" for a named server: the kernelspec's display
 * name, and the account spelled as in the Accounts menu (user names may hold "@" themselves).
 */
export function controllerLabel(kernelDisplayName: string, user: string, hubLabel: string, serverName: string): string {
  return `Pangeo: ${kernelDisplayName} on ${user} @ ${hubLabel}${serverName ? ` (${serverName})` : ''}`;
}
