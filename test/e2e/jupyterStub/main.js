// Test-only stand-in for ms-toolsai.jupyter: implements the one API call Pangeo Compute makes,
// createJupyterServerCollection(id, label, provider), and keeps every collection so the e2e test
// can call the provider the way the real kernel picker would.
'use strict';

function activate() {
  /** Every collection created, in order; the test reads this through the extension's exports. */
  const collections = [];
  return {
    collections,
    createJupyterServerCollection(id, label, provider) {
      if (typeof id !== 'string' || typeof label !== 'string' || !provider) {
        throw new TypeError('createJupyterServerCollection(id: string, label: string, provider) expected');
      }
      const collection = {
        id,
        label,
        provider,
        documentation: undefined,
        commandProvider: undefined,
        disposed: false,
        dispose() {
          collection.disposed = true;
        },
      };
      collections.push(collection);
      return collection;
    },
  };
}

function deactivate() {}

module.exports = { activate, deactivate };
