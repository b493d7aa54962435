// Third-party widget modules (ipyleaflet, bqplot, ipympl…) from jsDelivr, as html-manager's embedder loads them: AMD
// modules through RequireJS, with our bundled @jupyter-widgets/base and controls defined for them. Used only after
// the user agreed (setting pangeo.widgets.loadFromCdn); the browser caches what it fetched.
import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';

export const CDN = 'https://cdn.jsdelivr.net/npm/';
const REQUIREJS = `${CDN}requirejs@2.3.7/require.js`;

interface RequireJs {
  (deps: string[], ok: (...mods: unknown[]) => void, fail: (e: unknown) => void): void;
  config(conf: unknown): void;
}
type AmdDefine = (name: string, deps: string[], factory: () => unknown) => void;

let requireJs: Promise<RequireJs> | undefined;

function loadRequireJs(): Promise<RequireJs> {
  requireJs ??= new Promise<RequireJs>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = REQUIREJS;
    script.onload = () => {
      const w = window as unknown as { requirejs: RequireJs; define: AmdDefine };
      w.define('@jupyter-widgets/base', [], () => base);
      w.define('@jupyter-widgets/controls', [], () => controls);
      resolve(w.requirejs);
    };
    script.onerror = () => {
      requireJs = undefined;
      reject(new Error(`Could not load RequireJS from ${CDN} (offline?)`));
    };
    document.head.append(script);
  });
  return requireJs;
}

/** `@scope/pkg/sub` at `version` → jsDelivr's dist/<sub or index> URL (html-manager's rule). */
export function cdnUrl(moduleName: string, version: string): string {
  let slash = moduleName.indexOf('/');
  if (slash !== -1 && moduleName.startsWith('@')) slash = moduleName.indexOf('/', slash + 1);
  const pkg = slash === -1 ? moduleName : moduleName.slice(0, slash);
  const file = slash === -1 ? 'index' : moduleName.slice(slash + 1);
  return `${CDN}${pkg}@${version}/dist/${file}`;
}

export async function cdnModuleLoader(moduleName: string, version: string): Promise<unknown> {
  const require = await loadRequireJs();
  require.config({ paths: { [moduleName]: cdnUrl(moduleName, version) } });
  return new Promise((resolve, reject) => require([moduleName], resolve, (e) => {
    reject(new Error(`The widget module "${moduleName}" (${version}) could not be loaded from ${CDN}: ${e instanceof Error ? e.message : String(e)} (offline?)`));
  }));
}
