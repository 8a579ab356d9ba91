import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import type { Scope } from './cleanup.js';

/** The system's Chromium; the flags keep its own background traffic off the machine being measured. */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Launches headless Chromium, closed when `scope` closes. */
export async function launchChromium(scope: Scope): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  scope.defer('chromium', () => browser.close());
  return browser;
}

/**
 * Bundles a page script of bench/browser/ (TypeScript, type-checked with the bench) into
 * one classic script, so the page runs exactly the code that was type-checked, without
 * the helpers a Node-side transform would add to functions passed to `page.evaluate`.
 */
export async function pageScript(name: string): Promise<string> {
  const entry = fileURLToPath(new URL(`../browser/${name}.ts`, import.meta.url));
  const result = await build({ entryPoints: [entry], bundle: true, format: 'iife', target: 'es2022', write: false, logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}

/**
 * Opens a fresh page (its own context: no cache, no storage) at `origin` + `path`. With
 * `html`, that one document is given by the bench and everything else the page loads
 * comes from the server at `origin`. Page errors are collected for the caller to fail on.
 */
export async function openPage(
  browser: Browser,
  origin: string,
  path: string,
  html?: string,
): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  if (html !== undefined) await page.route(`${origin}${path}`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(`${origin}${path}`);
  return { page, errors, close: () => context.close() };
}
