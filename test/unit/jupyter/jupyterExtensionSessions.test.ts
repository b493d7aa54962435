// The Jupyter extension's sessions on a server are recognised by its `-jvsc-<uuid>` path; other sessions are not ours to name.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { jupyterExtensionSessions } from '../../../src/jupyter/jupyterExtensionSessions';
import type { SessionInfo } from '../../../src/jupyterServer/jupyterServerClient';

const kernel = (id: string) => ({ id, name: 'python3', last_activity: '', execution_state: 'idle', connections: 1 }) as unknown as SessionInfo['kernel'];

test('names the notebooks of -jvsc- sessions (as vscode-jupyter 2025.4 creates them) and skips JupyterLab and our own', () => {
  const sessions: SessionInfo[] = [
    // Seen on the hub with ms-toolsai.jupyter 2025.4.1 (two uuids after -jvsc-).
    { id: 's1', path: 'Untitled-1-jvsc-5f0b8f0e-1a47-4a39-9f0e-2d3c1b7a9e11c3a1e0f2-77b4-4e0e-a9a4-0c5d1e2f3a4b.ipynb', name: 'Untitled-1-0d9c.ipynb', type: 'notebook', kernel: kernel('k1') },
    { id: 's2', path: 'course/week 1-jvsc-5f0b8f0e-1a47-4a39-9f0e-2d3c1b7a9e11.ipynb', name: 'week 1-x.ipynb', type: 'notebook', kernel: kernel('k2') },
    { id: 's3', path: 'course/analysis.ipynb', name: 'analysis.ipynb', type: 'notebook', kernel: kernel('k3') },
    { id: 's4', path: 'pangeo-vscode/ab12/analysis.ipynb', name: 'analysis.ipynb', type: 'notebook', kernel: kernel('k4') },
  ];
  assert.deepEqual(jupyterExtensionSessions(sessions), [
    { notebook: 'Untitled-1.ipynb', kernelId: 'k1' },
    { notebook: 'week 1.ipynb', kernelId: 'k2' },
  ]);
});
