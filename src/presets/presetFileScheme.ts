// The preset links' file scheme on its own: the editor registers it at activation without the link parser and validator.
/**
 * The file scheme of preset links in code-server. A browser cannot hand a `code-oss://` link to code-server (only
 * URIs the workbench made itself come back through its /callback page), but code-server's page takes
 * `?payload=[["openFile","<uri>"]]` and opens that URI as a file: the extension serves `pangeo-preset:/preset?…`,
 * and reading it opens the review page.
 */
export const PRESET_FILE_SCHEME = 'pangeo-preset';

/** The review page's webview type (here so activation can tell it is open without loading the review chunk). */
export const PRESET_REVIEW_VIEW_TYPE = 'pangeo.presetReview';
