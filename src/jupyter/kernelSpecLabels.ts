// The kernel label the Jupyter extension shows (picker and the notebook's toolbar) is the kernelspec's display name,
// so a hub's "Python 3 (ipykernel)" looked like the local one. Its kernelspec listing passes through our fetch
// (jupyterExtensionFetch), which names the account and hub in each display name.

/** "Python 3 (ipykernel) — alice @ hub.example.org", with " (gpu)" for a named server. */
export function hubKernelLabel(displayName: string, where: { user: string; hubLabel: string; serverName: string }): string {
  return `${displayName} — ${where.user} @ ${where.hubLabel}${where.serverName ? ` (${where.serverName})` : ''}`;
}

interface KernelSpecListing {
  kernelspecs?: Record<string, { name?: string; spec?: { display_name?: unknown } } | null>;
}

/** A GET api/kernelspecs answer with each display name relabelled; the text unchanged when it is not such a listing. */
export function labelKernelSpecs(body: string, label: (displayName: string) => string): string {
  let parsed: KernelSpecListing;
  try {
    parsed = JSON.parse(body) as KernelSpecListing;
  } catch {
    return body;
  }
  const specs = parsed?.kernelspecs;
  if (!specs || typeof specs !== 'object') return body;
  for (const [name, entry] of Object.entries(specs)) {
    const spec = entry?.spec;
    if (!spec) continue;
    spec.display_name = label(typeof spec.display_name === 'string' && spec.display_name ? spec.display_name : entry.name ?? name);
  }
  return JSON.stringify(parsed);
}
