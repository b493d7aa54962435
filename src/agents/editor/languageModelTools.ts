// The agent tools as the editor's language-model tools (package.json contributes.languageModelTools): each one asks
// before it runs code, spends money or stops work (prepareInvocation's confirmation: our fixed words, the resource and
// the code as text only), and answers in plain text. The core (src/agents/agentToolCore.ts and the summaries) is a
// feature chunk, loaded on the first call: activation only registers the names from the tool table.
import type * as vscode from 'vscode';
import { AGENT_TOOLS } from '../agentTools';
import type * as AgentToolCoreModule from '../agentToolCore';
import type { AgentToolCore, Confirmation } from '../agentToolCore';
import { loadFeature } from '../../core/chunks';
import type { AgentCompute } from '../agentCompute';
import { isPangeoError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import { codeBlock, joinMarkdown, markdown, type SafeMarkdown } from '../../shared/text/untrustedText';
import { toMarkdownString } from '../../editor/untrustedMarkdown';
import { DisposableStore } from '../../editor/module';

const coreModule = () => loadFeature<typeof AgentToolCoreModule>('agentTools');

/** For tests and other extensions: what a tool would ask before it runs (never a secret). */
export interface AgentToolsApi {
  confirmation(name: string, input: unknown): Promise<{ title: string; message: string } | undefined>;
}

export function registerLanguageModelTools(vs: typeof vscode, compute: () => AgentCompute, logger: Logger): vscode.Disposable & AgentToolsApi {
  const store = new DisposableStore();
  let made: AgentToolCore | undefined;
  const core = () => (made ??= new (coreModule().AgentToolCore)(compute()));
  const prepared = async (name: string, input: unknown, token?: vscode.CancellationToken) => {
    const c = await withSignal(token, (signal) => core().confirmation(name, input, signal));
    return c && { title: c.title, message: toMarkdownString(vs, confirmationMarkdown(c)) };
  };
  // The lm API is there from VS Code 1.95 on; an editor without it simply offers no tools.
  if (typeof vs.lm?.registerTool === 'function') {
    for (const spec of AGENT_TOOLS) {
      store.add(vs.lm.registerTool<unknown>(spec.name, {
        prepareInvocation: async (options, token) => {
          const confirmationMessages = await prepared(spec.name, options.input, token).catch((e: unknown) => {
            throw asToolError(vs, e);
          });
          return { invocationMessage: `${spec.title}…`, confirmationMessages };
        },
        invoke: async (options, token) => {
          try {
            const text = await withSignal(token, (signal) => core().invoke(spec.name, options.input, signal));
            return new vs.LanguageModelToolResult([new vs.LanguageModelTextPart(text)]);
          } catch (e) {
            logger.warn(`${spec.name}: ${coreModule().messageOf(e)}`);
            throw asToolError(vs, e);
          }
        },
      }));
    }
  }
  return Object.assign(store, {
    confirmation: async (name: string, input: unknown) => {
      const p = await prepared(name, input);
      return p && { title: p.title, message: p.message.value };
    },
  });
}

/**
 * Our words as Markdown; the resource escaped, the code in a fence it cannot close. Nothing is emphasised: outside a
 * chat the editor shows this as plain text in a dialog, and there a backslash escape inside emphasis is shown as typed.
 */
export function confirmationMarkdown(c: Confirmation): SafeMarkdown {
  return joinMarkdown([
    markdown`${c.resource}`,
    ...c.details.map((d) => markdown`${d}`),
    c.code !== undefined && codeBlock(c.code, 'python'),
  ], '\n\n');
}

/** The model gets the message and what to do; a cancelled call is the editor's own CancellationError. */
function asToolError(vs: typeof vscode, e: unknown): Error {
  if (isPangeoError(e, 'Cancelled')) return new vs.CancellationError();
  return new Error(coreModule().messageOf(e));
}

/** Runs `work` with an AbortSignal that follows the editor's cancellation token; the listener ends with the call. */
async function withSignal<T>(token: vscode.CancellationToken | undefined, work: (signal?: AbortSignal) => Promise<T>): Promise<T> {
  if (!token) return work();
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    return await work(controller.signal);
  } finally {
    sub.dispose();
  }
}
