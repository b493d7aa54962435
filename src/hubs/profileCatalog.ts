// The profiles each hub offered when its options form was last read (KubeSpawner renders them only on the spawn
// page, just before a start), so a server started with a profile can be sized later (the cost meter prices it).
import type { ProfileSize } from './profileSize';

interface KnownProfile {
  displayName: string;
  size?: ProfileSize;
}

const byHub = new Map<string, Map<string, KnownProfile>>();

const key = (hubBase: string) => hubBase.replace(/\/*$/, '/');

export function rememberProfiles(hubBase: string, profiles: ReadonlyArray<{ slug: string; displayName: string; size?: ProfileSize }>): void {
  if (!profiles.length) return;
  byHub.set(key(hubBase), new Map(profiles.map((p) => [p.slug, { displayName: p.displayName, ...(p.size ? { size: p.size } : {}) }])));
}

export function knownProfile(hubBase: string, slug: string): KnownProfile | undefined {
  return byHub.get(key(hubBase))?.get(slug);
}
