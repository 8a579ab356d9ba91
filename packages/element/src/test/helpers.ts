/**
 * Helpers of the element's browser tests (web-test-runner, mocha, Chromium). The page
 * talks to a real demo server: /api/gp is proxied to it by web-test-runner.config.mjs.
 */
import type { AxeResults } from 'axe-core';
import type { BatchUploader } from '../batch-uploader/batch-uploader.component.js';
import type { BatchUploaderEventMap } from '../events.js';
import '../batch-uploader/batch-uploader.js';
import { paddedPdf } from '@batch-uploader/test-support/pdf';
import { waitFor } from '@batch-uploader/test-support/wait';

declare global {
  const describe: (name: string, body: () => void) => void;
  const it: (name: string, body: () => Promise<void> | void) => void;
  const before: (body: (this: { timeout(ms: number): void }) => Promise<void> | void) => void;
  const afterEach: (body: () => Promise<void> | void) => void;
  interface Window {
    axe?: { run(context: Element, options: object): Promise<AxeResults> };
  }
}

/** The demo server's API, same-origin through the test server's proxy. */
export const ENDPOINT = '/api/gp';
/** A second demo server's API, whose processing service fails files named `flaky-*` until they are retried. */
export const FLAKY_ENDPOINT = '/api/flaky';

export function ok(value: unknown, message: string): asserts value {
  if (!value) throw new Error(message);
}

export function equal<T>(actual: T, expected: T, message = ''): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${message} expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

let axeLoading: Promise<void> | null = null;

/** Fails with every axe-core violation found in the element (its shadow DOM included). */
export async function expectAccessible(element: Element): Promise<void> {
  axeLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('axe-core could not be loaded'));
    document.head.append(script);
  });
  await axeLoading;
  const { violations } = await window.axe!.run(element, { resultTypes: ['violations'] });
  const report = violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  ok(report.length === 0, `accessibility violations:\n${report.join('\n')}`);
}

const mounted: Element[] = [];

/** Puts `<batch-uploader>` with these attributes on the page and waits for its first render. */
export async function mount(attributes: Record<string, string | true> = {}, setup?: (el: BatchUploader) => void): Promise<BatchUploader> {
  const el = document.createElement('batch-uploader');
  el.setAttribute('endpoint', ENDPOINT);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value === true ? '' : value);
  setup?.(el);
  document.body.append(el);
  mounted.push(el);
  await el.updateComplete;
  return el;
}

/** Removes what the tests mounted and forgets stored batch ids, so a test never attaches to another's batch. */
export function cleanUp(): void {
  for (const el of mounted.splice(0)) el.remove();
  sessionStorage.clear();
}

/** Waits for the frame-batched render to reach the DOM. */
export async function settle(el: BatchUploader): Promise<void> {
  await new Promise((resolve) => requestAnimationFrame(resolve));
  await el.updateComplete;
}

/** Polls until `check()` is truthy. */
export function until<T>(check: () => T, message: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  return waitFor(check, { timeoutMs, everyMs: 20, what: message });
}

/** The first element of the shadow DOM with this part. */
export function part<E extends Element = HTMLElement>(el: BatchUploader, name: string): E | null {
  return el.shadowRoot!.querySelector<E>(`[part~="${name}"]`);
}

/** Every element of the shadow DOM with this part. */
export function parts<E extends Element = HTMLElement>(el: BatchUploader, name: string): E[] {
  return [...el.shadowRoot!.querySelectorAll<E>(`[part~="${name}"]`)];
}

/** The visible text of a part, whitespace collapsed. */
export function text(el: BatchUploader, name: string): string {
  return (part(el, name)?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Collects the element's events of one type. */
export function record<K extends keyof BatchUploaderEventMap>(el: Element, type: K): Array<BatchUploaderEventMap[K]> {
  const seen: Array<BatchUploaderEventMap[K]> = [];
  el.addEventListener(type, (event) => seen.push((event as CustomEvent<BatchUploaderEventMap[K]>).detail));
  return seen;
}

/** Adds files, waits for their check, starts, and resolves once the batch finished, with its `batch-complete` events. */
export async function runBatch(el: BatchUploader, files: File[]): Promise<Array<BatchUploaderEventMap['batch-complete']>> {
  const complete = record(el, 'batch-complete');
  await el.addFiles(files);
  await el.session.whenChecked();
  await settle(el);
  part(el, 'start-button')!.click();
  await until(() => complete.length > 0, 'batch-complete', 20_000);
  await settle(el);
  return complete;
}

let unique = 0;

/** A valid one-page PDF, padded with an unreferenced stream of `padBytes` random bytes. */
export function pdf(name = `doc-${++unique}.pdf`, padBytes = 0): File {
  return new File([paddedPdf(padBytes)], name, { type: 'application/pdf', lastModified: 1_700_000_000_000 + unique });
}

/** A PDF cut in half: it looks like a PDF, and the server fails it as damaged. */
export async function brokenPdf(name = `broken-${++unique}.pdf`): Promise<File> {
  const whole = new Uint8Array(await pdf(name, 2_000).arrayBuffer());
  return new File([whole.slice(0, whole.length / 2)], name, { type: 'application/pdf', lastModified: 1_700_000_000_000 + unique });
}

/** What the server recorded for a batch (test code may talk HTTP; the element never does). */
export async function serverBatch(
  batchId: string,
  endpoint = ENDPOINT,
): Promise<{ patient_id: string | null; files: Array<{ filename: string; status: string }> }> {
  const response = await fetch(`${endpoint}/batch-status/${batchId}`);
  return ((await response.json()) as { batch: { patient_id: string | null; files: Array<{ filename: string; status: string }> } }).batch;
}
