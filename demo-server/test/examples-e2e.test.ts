/**
 * End to end: the React, Vue and Angular examples (`demo-server/examples`, bundled by
 * `npm run build`) in a real Chromium against the real demo server. Each app hands the
 * element a token and French texts through properties, a clerk picks files and starts,
 * and the app's own UI shows what the element's `batch-complete` event said.
 *
 * The demo server serves the React and Vue examples; it has no route for the Angular one
 * yet, so its page — the same mount point, script tag and Content-Security-Policy as the
 * served examples' — is handed to the browser by the test, on the server's origin.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { BatchHistoryResponse } from '@batch-uploader/protocol';
import { chooseFiles, expectAccessible, expectPageAccessible } from '@batch-uploader/test-support/browser';
import { demoInChromium, type DemoInChromium } from '@batch-uploader/test-support/demo-server';

const TOKEN = 'examples-e2e-token-clinic-a';
const auth = { authorization: `Bearer ${TOKEN}` };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server: DemoInChromium['server'];
let browser: DemoInChromium['browser'];
let docs: DemoInChromium['docs'];
let demo: DemoInChromium | undefined;

before(async () => {
  // With tokens, an upload only gets through if the app really set the element's getAuthToken property.
  demo = await demoInChromium({ apiTokens: new Map([[TOKEN, 'clinic-a']]) });
  ({ server, browser, docs } = demo);
});

after(() => demo?.close());

describe('the React, Vue and Angular examples', () => {
  it('are served with their bundles and linked from the widget page', async () => {
    const widgetPage = await (await fetch(`${server.url}/batch-upload`)).text();
    for (const name of ['react', 'vue', 'angular']) {
      assert.match(widgetPage, new RegExp(`href="/examples/${name}"`));
      const page = await fetch(`${server.url}/examples/${name}`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<div id="app" data-endpoint="\/api\/gp" data-auth="token">/);
      assert.match(html, new RegExp(`<script type="module" src="/examples/${name}/main.js"></script>`));
      const bundle = await fetch(`${server.url}/examples/${name}/main.js`);
      assert.equal(bundle.status, 200, `the ${name} example is built (npm run build) and served`);
      assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    }
    assert.equal((await fetch(`${server.url}/examples/svelte`)).status, 404);
  });

  for (const [name, framework] of [
    ['react', 'React'],
    ['vue', 'Vue'],
    ['angular', 'Angular'],
  ] as const) {
    it(`the ${framework} app passes its token and texts to the element, shows the batch-complete event in its own UI, and opens the batch from the history`, async () => {
      // The pages' CSP runs only their own scripts: axe-core is added by the test.
      const context = await browser.newContext({ bypassCSP: true });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${server.url}/examples/${name}`);
      await page.getByRole('heading', { name: `${framework} example` }).waitFor();
      await page.addScriptTag({ path: AXE });

      await page.getByLabel('Access token').fill(TOKEN);
      // The app's language switch reaches the element's `strings` property: its drop zone speaks French.
      await page.getByLabel('Language').selectOption('fr');
      await chooseFiles(page.getByRole('button', { name: /Déposez les documents ici/ }), [
        { name: 'referral.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.pdf) },
        { name: 'wound.png', mimeType: 'image/png', buffer: Buffer.from(docs.png) },
        { name: 'damaged.pdf', mimeType: 'application/pdf', buffer: Buffer.from(docs.truncatedPdf) },
      ]);
      await page.getByRole('button', { name: 'Envoyer le lot (3 fichiers)' }).click();

      // The framework's own list (light DOM, outside the element), rendered from the event's detail.
      const finished = page.getByRole('list', { name: 'Finished batches' }).getByRole('listitem');
      await finished.waitFor({ timeout: 20_000 });
      const entry = (await finished.textContent()) ?? '';
      const match = /^([0-9a-f-]{36}) — completed: 2 succeeded, 1 failed$/.exec(entry);
      assert.ok(match, `the app lists the finished batch: "${entry}"`);
      const batchId = match[1]!;
      // The app's status line, not the element's own live region inside its shadow root.
      assert.equal(await page.locator('#app > main > [role="status"]').textContent(), `Batch ${batchId} completed.`);
      await page.getByRole('heading', { name: 'Des fichiers demandent votre attention : 2 réussis, 1 en échec' }).waitFor();

      // The history (in the app's language) has the batch; its row opens it in place.
      const row = page.locator(`batch-uploader [part~="history-row"][data-id="${batchId}"]`);
      await row.waitFor({ timeout: 15_000 });
      assert.match(((await row.textContent()) ?? '').replace(/\s+/g, ' '), /Sans identifiant patient · .+ : 3 fichiers, 2 réussis, 1 en échec/);
      await expectAccessible(page, `${framework}: history open`);
      await expectPageAccessible(page, `${framework} app: finished, history open`);
      await row.click();
      const files = page.locator('batch-uploader [part~="history-files"] li');
      await files.first().waitFor();
      assert.equal(await files.count(), 3);
      assert.match(((await files.filter({ hasText: 'damaged.pdf' }).textContent()) ?? '').replace(/\s+/g, ' '), /Échec/);
      await page.getByRole('heading', { name: /^Lot du / }).waitFor();
      await expectAccessible(page, `${framework}: history detail`);
      await page.getByRole('button', { name: 'Retour aux lots récents' }).click();
      await row.waitFor();
      assert.deepEqual(pageErrors, []);

      // The batch went to the token's workspace, sent once.
      const history = (await (await fetch(`${server.api}/batch-history`, { headers: auth })).json()) as BatchHistoryResponse;
      const batch = history.batches.find((b) => b.id === batchId);
      assert.ok(batch, 'the batch is in the workspace of the token the app handed over');
      assert.equal(batch.total_files, 3);
      assert.equal(batch.template_id, 'intake');
      await context.close();
    });
  }
});
