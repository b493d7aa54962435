// Messages between the extension host and the preset review page, declared once for both sides and checked on receipt.

export interface ReviewStep {
  id: string;
  title: string;
  details: string[];
}

/** Everything the page shows: what the preset is, where it came from, and exactly what applying it does. */
export interface ReviewModel {
  name: string;
  description?: string;
  instructor?: string;
  expires?: string;
  /** File path or URL the preset came from. */
  source: string;
  sourceKind: 'file' | 'url' | 'link';
  steps: ReviewStep[];
  /** Said before consent: plain-http hubs (the password travels unencrypted), settings and budget replaced (old → new). */
  warnings?: string[];
  /** When set, the page explains why applying is not possible (e.g. an untrusted workspace) and offers no Apply. */
  blockedReason?: string;
}

export type StepStatus = 'pending' | 'running' | 'done' | 'failed';

export type ReviewHostMessage =
  | { type: 'review/show'; review: ReviewModel }
  | { type: 'review/step'; index: number; status: StepStatus; message?: string }
  | { type: 'review/finished'; status: 'done' | 'failed' | 'cancelled'; message: string; canRetry: boolean };

export type ReviewWebviewMessage =
  | { type: 'ready' }
  | { type: 'review/decision'; decision: 'apply' | 'cancel' }
  | { type: 'review/retry' };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || isStr(v);

function isReviewModel(v: unknown): v is ReviewModel {
  return isObj(v) && isStr(v.name) && optStr(v.description) && optStr(v.instructor) && optStr(v.expires) && isStr(v.source) &&
    ['file', 'url', 'link'].includes(v.sourceKind as string) && optStr(v.blockedReason) &&
    (v.warnings === undefined || (Array.isArray(v.warnings) && v.warnings.every(isStr))) &&
    Array.isArray(v.steps) && v.steps.every((s) => isObj(s) && isStr(s.id) && isStr(s.title) && Array.isArray(s.details) && s.details.every(isStr));
}

export function isReviewHostMessage(v: unknown): v is ReviewHostMessage {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'review/show': return isReviewModel(v.review);
    case 'review/step': return Number.isInteger(v.index) && ['pending', 'running', 'done', 'failed'].includes(v.status as string) && optStr(v.message);
    case 'review/finished': return ['done', 'failed', 'cancelled'].includes(v.status as string) && isStr(v.message) && typeof v.canRetry === 'boolean';
    default: return false;
  }
}

export function isReviewWebviewMessage(v: unknown): v is ReviewWebviewMessage {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'review/retry':
      return true;
    case 'review/decision': return v.decision === 'apply' || v.decision === 'cancel';
    default: return false;
  }
}
