// Editor adapter of src/kernels/kernelCompletions.ts: completion, hover and signature-help providers for the code
// cells of notebooks on our controller whose kernel is connected. VS Code merges providers, so the language server's
// items stay; ours are marked "kernel", and a name the other providers already offer is left to them. Kernel text is
// untrusted: labels hold no control characters, hovers and docs are code blocks (src/editor/untrustedMarkdown.ts).
import type * as vscode from 'vscode';
import { readSetting } from '../../editor/settings';
import { toMarkdownString } from '../../editor/untrustedMarkdown';
import { codeBlock, joinMarkdown, markdown, plainLabel, type SafeMarkdown } from '../../shared/text/untrustedText';
import type { IntrospectionSession, KernelCompletion, KernelInspection, KernelIntrospection } from '../kernelCompletions';
import type * as KernelCompletions from '../kernelCompletions';
import { loadFeature } from '../../core/chunks';

/** The kernel's side (requests, replies, call context) loads when a connected kernel is first asked (dist/chunks/kernelCompletions.js). */
const completions = () => loadFeature<typeof KernelCompletions>('kernelCompletions');

/** The connected kernel of a notebook on one of our controllers, and its language (lower case). */
export interface NotebookIntrospection {
  session: IntrospectionSession;
  language: string;
}

export interface KernelCompletionOptions {
  vs: typeof vscode;
  notebookType: string;
  /** The kernel of a notebook when it runs on our controller and is connected; undefined otherwise. */
  introspectionFor(notebook: vscode.NotebookDocument): NotebookIntrospection | undefined;
  /** How long completions wait for the other providers' items (to leave out the names they offer). */
  othersTimeoutMs?: number;
}

/** How long signature help reuses the kernel's answer for the same call. */
const SIGNATURE_REUSE_MS = 5_000;

/** The suggest list marks our items with this (the label's description). */
export const KERNEL_ITEM_DESCRIPTION = 'kernel';

/** IPython/Jedi type names → the editor's item kinds (by name, so this table needs no `vscode` at load). */
const KINDS: Record<string, keyof typeof vscode.CompletionItemKind> = {
  function: 'Function', class: 'Class', module: 'Module', instance: 'Variable', statement: 'Variable', param: 'Variable',
  keyword: 'Keyword', property: 'Property', path: 'File', magic: 'Keyword', method: 'Method', field: 'Field',
};

/** Hover Markdown: the signature as Python, the type, the docstring as text; all of it kernel text in code blocks. */
export function hoverMarkdown(info: KernelInspection): SafeMarkdown {
  return joinMarkdown([
    info.signature && codeBlock(info.signature, 'python'),
    info.type ? markdown`${info.type} (from the kernel)` : markdown`(from the kernel)`,
    info.docstring ? codeBlock(info.docstring) : !info.signature && codeBlock(info.text),
  ], '\n\n');
}

/** Registers the three providers; the returned disposable removes them. */
export function registerKernelCompletions(opts: KernelCompletionOptions): vscode.Disposable {
  const { vs } = opts;
  const features = new KernelLanguageFeatures(opts);
  const selector: vscode.DocumentSelector = { notebookType: opts.notebookType };
  const subs = [
    vs.languages.registerCompletionItemProvider(selector, features, '.'),
    vs.languages.registerHoverProvider(selector, features),
    vs.languages.registerSignatureHelpProvider(selector, features, { triggerCharacters: ['(', ','], retriggerCharacters: [')'] }),
  ];
  return {
    dispose: () => {
      for (const s of subs) s.dispose();
    },
  };
}

/** An AbortSignal that follows the editor's cancellation; `dispose()` when the request is over. */
function abortOn(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  return {
    signal: controller.signal,
    dispose: () => {
      sub.dispose();
    },
  };
}

class KernelLanguageFeatures implements vscode.CompletionItemProvider, vscode.HoverProvider, vscode.SignatureHelpProvider {
  private readonly vs: typeof vscode;
  private readonly kernels = new WeakMap<IntrospectionSession, KernelIntrospection>();
  /** The last call's inspection, reused while its arguments are typed. */
  private lastSignature?: { key: string; info: KernelInspection; at: number };
  /** Completion requests we are making of the other providers: our own provider, asked again, answers nothing. */
  private readonly asking = new Set<string>();

  constructor(private readonly opts: KernelCompletionOptions) {
    this.vs = opts.vs;
  }

  /** The kernel to ask for this cell, when the setting is on and the cell is a code cell of a notebook on our kernel. */
  private kernelFor(document: vscode.TextDocument): KernelIntrospection | undefined {
    const { vs } = this;
    if (!vs.workspace.isTrusted || !readSetting(vs, 'pangeo.kernels.kernelCompletions')) return undefined;
    const uri = document.uri.toString();
    for (const notebook of vs.workspace.notebookDocuments) {
      if (notebook.notebookType !== this.opts.notebookType) continue;
      const cell = notebook.getCells().find((c) => c.document.uri.toString() === uri);
      if (!cell) continue;
      if (cell.kind !== vs.NotebookCellKind.Code) return undefined;
      const found = this.opts.introspectionFor(notebook);
      if (!found || (found.language && found.language !== document.languageId.toLowerCase())) return undefined;
      let kernel = this.kernels.get(found.session);
      if (!kernel) this.kernels.set(found.session, (kernel = new (completions().KernelIntrospection)(found.session)));
      return kernel;
    }
    return undefined;
  }

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken, context: vscode.CompletionContext): Promise<vscode.CompletionItem[] | undefined> {
    const key = `${document.uri.toString()}#${document.version}#${document.offsetAt(position)}`;
    if (this.asking.has(key)) return undefined;
    const kernel = this.kernelFor(document);
    if (!kernel) return undefined;
    const abort = abortOn(token);
    try {
      const others = this.otherLabels(document, position, context, key);
      const items = await kernel.complete(document.getText(), document.offsetAt(position), abort.signal);
      if (!items?.length || token.isCancellationRequested) return undefined;
      const known = await others;
      return items.filter((i) => !known.has(i.text)).flatMap((i) => this.toItem(document, position, i));
    } finally {
      abort.dispose();
    }
  }

  /** The names the language server gives here (not the editor's words), so ours do not repeat them; none after a timeout. */
  private otherLabels(document: vscode.TextDocument, position: vscode.Position, context: vscode.CompletionContext, key: string): Promise<Set<string>> {
    this.asking.add(key);
    const asked = Promise.resolve(this.vs.commands.executeCommand<vscode.CompletionList | undefined>(
      'vscode.executeCompletionItemProvider', document.uri, position, context.triggerCharacter,
    )).then((list) => new Set((list?.items ?? [])
      // Words of the document (the editor's word-based items, kind Text) are what it offers when no provider answers.
      .filter((i) => i.kind !== undefined && i.kind !== this.vs.CompletionItemKind.Text)
      .map((i) => (typeof i.label === 'string' ? i.label : i.label.label))), () => new Set<string>())
      .finally(() => this.asking.delete(key));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<Set<string>>((resolve) => (timer = setTimeout(() => resolve(new Set()), this.opts.othersTimeoutMs ?? 1500)));
    return Promise.race([asked, late]).finally(() => clearTimeout(timer));
  }

  private toItem(document: vscode.TextDocument, position: vscode.Position, c: KernelCompletion): vscode.CompletionItem[] {
    const { vs } = this;
    const start = document.positionAt(c.start);
    const end = document.positionAt(c.end);
    // The editor takes only one-line ranges around the cursor.
    if (start.line !== position.line || start.isAfter(position) || end.line !== position.line) return [];
    const item = new vs.CompletionItem({ label: c.text, description: KERNEL_ITEM_DESCRIPTION }, vs.CompletionItemKind[(c.type && KINDS[c.type]) || 'Text']);
    item.insertText = c.text;
    item.range = end.isAfter(position) ? { inserting: new vs.Range(start, position), replacing: new vs.Range(start, end) } : new vs.Range(start, position);
    // The label's description shows on every row; the detail (what the editor's commands return too) says it again.
    item.detail = c.signature ? plainLabel(`${KERNEL_ITEM_DESCRIPTION} ${c.signature}`) : KERNEL_ITEM_DESCRIPTION;
    return [item];
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const kernel = this.kernelFor(document);
    const range = kernel && document.getWordRangeAtPosition(position);
    if (!kernel || !range) return undefined;
    const abort = abortOn(token);
    try {
      const info = await kernel.inspect(document.getText(), document.offsetAt(range.end), abort.signal);
      if (!info || token.isCancellationRequested) return undefined;
      return new this.vs.Hover(toMarkdownString(this.vs, hoverMarkdown(info)), range);
    } finally {
      abort.dispose();
    }
  }

  async provideSignatureHelp(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.SignatureHelp | undefined> {
    const kernel = this.kernelFor(document);
    const code = document.getText();
    const call = kernel && completions().callContext(code, document.offsetAt(position));
    if (!kernel || !call) return undefined;
    const abort = abortOn(token);
    try {
      // Typing the arguments asks again at every key: the call's name is the same, so is the answer (for a few seconds).
      const key = `${document.uri.toString()}#${code.slice(0, call.openParen)}`;
      const cached = this.lastSignature?.key === key && Date.now() - this.lastSignature.at < SIGNATURE_REUSE_MS ? this.lastSignature.info : undefined;
      const info = cached ?? await kernel.inspect(code, call.openParen, abort.signal);
      if (info && !cached) this.lastSignature = { key, info, at: Date.now() };
      const parts = info?.signature ? completions().signatureParts(info.signature) : undefined;
      if (!info || !parts || token.isCancellationRequested) return undefined;
      const { vs } = this;
      const signature = new vs.SignatureInformation(parts.label, info.docstring ? toMarkdownString(vs, codeBlock(info.docstring)) : undefined);
      signature.parameters = parts.parameters.map((p) => new vs.ParameterInformation([p.start, p.end]));
      const help = new vs.SignatureHelp();
      help.signatures = [signature];
      help.activeSignature = 0;
      const active = completions().activeParameter(parts, call);
      help.activeParameter = active >= 0 ? active : parts.parameters.length; // past the end: none highlighted
      return help;
    } finally {
      abort.dispose();
    }
  }
}
