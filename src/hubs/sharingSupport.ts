// Which hubs can share servers: small and apart from the sharing client, so the Hubs tree can ask at activation while
// the client and its flow load on first use (dist/chunks/shareServer.js).

/** The first JupyterHub major version with the shares API (/hub/api/shares). */
export const SHARING_MAJOR = 5;

/** True when a hub of this version shares servers (unknown versions do not: the action stays hidden). */
export function hubSupportsSharing(version: string | undefined): boolean {
  const major = Number.parseInt(version?.split('.')[0] ?? '', 10);
  return Number.isFinite(major) && major >= SHARING_MAJOR;
}
