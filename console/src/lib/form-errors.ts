// Puts the server's `invalid` issues ({path, message}) onto the antd form fields they name.
import type { FormInstance } from 'antd';
import { ApiError, type ValidationIssue } from './api-client.ts';

/** `body.weekly.3.opens` as the form field name `['weekly', 3, 'opens']`. */
function issuePath(issue: ValidationIssue): (string | number)[] {
  const parts = Array.isArray(issue.path) ? issue.path : issue.path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  // the server names where the input was: the form only knows the body's fields
  return parts[0] === 'body' ? parts.slice(1) : parts;
}

/**
 * Shows each issue of an `invalid` error under its form field; answers true when the error
 * carried issues (the caller need not say more than the toast already did).
 */
export function applyFormErrors(form: FormInstance, error: unknown): boolean {
  if (!(error instanceof ApiError) || error.code !== 'invalid') return false;
  const issues = error.details.issues ?? [];
  if (issues.length === 0) return false;
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const issue of issues) {
    const name = issuePath(issue);
    if (name.length === 0) continue;
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(issue.message);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  return true;
}
