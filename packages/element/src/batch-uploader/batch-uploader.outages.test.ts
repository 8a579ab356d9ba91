/**
 * <batch-uploader> when the server goes away and comes back, and after a reload cut an
 * upload short (issue 14 §5, §6). `/api/outage` is the demo server behind a switch of the
 * test server (web-test-runner.config.mjs): going down cuts every open connection, live
 * streams included, and drops new ones.
 */
import { cleanUp, equal, expectAccessible, mount, ok, part, pdf, record, settle, text, until } from '../test/helpers.js';

const OUTAGE = '/api/outage';

afterEach(async () => {
  await fetch('/test-outage/up', { method: 'POST' });
  cleanUp();
});

/** Every text the live region said, as a list that grows. */
function said(el: HTMLElement): string[] {
  const region = el.shadowRoot!.querySelector('[part~="live-region"]')!;
  const texts: string[] = [];
  new MutationObserver(() => {
    const words = (region.textContent ?? '').replace(/\u00a0/g, '').trim();
    if (words) texts.push(words);
  }).observe(region, { childList: true, characterData: true, subtree: true });
  return texts;
}

/** The first request of a three-file upload in parts, as a page sent it before a reload: the batch waits for two more. */
async function cutShortUpload(): Promise<string> {
  const form = new FormData();
  form.append('files', pdf('first.pdf'));
  form.append('more_files', 'true');
  form.append('expected_files', '3');
  const answer = (await (await fetch(`${OUTAGE}/batch-upload`, { method: 'POST', body: form })).json()) as { batch_id: string };
  return answer.batch_id;
}

describe('<batch-uploader> through an outage', () => {
  it('shows Reconnecting… with the actions that need the server inactive, says it once, and shows the true state when the server is back', async () => {
    const el = await mount({ endpoint: OUTAGE });
    const texts = said(el);
    const paused = record(el, 'batch-paused');
    const errors = record(el, 'batch-error');
    await el.addFiles(Array.from({ length: 30 }, () => pdf()));
    await settle(el);
    part(el, 'start-button')!.click();
    await until(() => el.session.getState().phase === 'processing' && el.session.getState().channel, 'following the batch');

    await fetch('/test-outage/down', { method: 'POST' });
    await until(() => part(el, 'connection'), 'the reconnecting notice');
    ok(text(el, 'connection').includes('Reconnecting…'), text(el, 'connection'));
    ok(part(el, 'reconnect-button'), 'Reconnect now');
    equal(part(el, 'cancel-button')!.getAttribute('aria-disabled'), 'true', 'cancel waits for the server');
    const pause = part(el, 'pause-button');
    if (pause) {
      equal(pause.getAttribute('aria-disabled'), 'true', 'pause waits for the server');
      pause.click();
    }
    await expectAccessible(el);
    part(el, 'reconnect-button')!.click(); // Still down: still reconnecting.
    await settle(el);
    ok(part(el, 'connection'), 'still reconnecting');
    ok(!part(el, 'error'), 'no final-looking error while the server is away');

    await fetch('/test-outage/up', { method: 'POST' });
    await until(() => el.session.getState().phase === 'finished', 'the true end, without a reload', 20_000);
    await settle(el);
    ok(!part(el, 'connection'), 'the notice is gone');
    equal(el.session.getState().files.filter((f) => f.status === 'completed').length, 30, 'every file as the server has it');
    equal(paused.length, 0, 'pause did nothing while reconnecting');
    equal(errors.length, 0);
    await until(() => texts.includes('Connection restored.'), 'reconnected announced');
    equal(texts.filter((t) => t === 'Reconnecting…').length, 1, 'reconnecting said once');
  });
});

describe('<batch-uploader> after a reload cut an upload short', () => {
  it('says how many files were not sent, takes them from its picker and finishes the batch; the stored id is then gone', async () => {
    const batchId = await cutShortUpload();
    sessionStorage.setItem(`batch-uploader:${OUTAGE}`, batchId);
    const el = await mount({ endpoint: OUTAGE });
    const texts = said(el);
    await until(() => part(el, 'interrupted'), 'the interrupted notice');
    ok(text(el, 'interrupted').includes('Upload interrupted: 2 of 3 files were not sent.'), text(el, 'interrupted'));
    await expectAccessible(el);
    await until(() => texts.some((t) => t.startsWith('Upload interrupted: 2 of 3 files')), 'announced');

    const input = part(el, 'interrupted')!.querySelector<HTMLInputElement>('input[type="file"]')!;
    const picked = new DataTransfer();
    for (const file of [pdf('first.pdf'), pdf('second.pdf'), pdf('third.pdf')]) picked.items.add(file);
    input.files = picked.files;
    input.dispatchEvent(new Event('change'));
    await until(() => el.session.getState().phase === 'finished', 'the batch finished with the files added', 20_000);
    await settle(el);
    ok(!part(el, 'interrupted'), 'nothing is missing any more');
    equal(
      el.session.getState().files.map((f) => f.name),
      ['first.pdf', 'second.pdf', 'third.pdf'],
      'first.pdf was not sent twice',
    );
    equal(sessionStorage.getItem(`batch-uploader:${OUTAGE}`), null, 'a finished batch is not kept');
  });

  it('keeps nothing but the batch id in sessionStorage while uploading', async () => {
    const el = await mount({ endpoint: OUTAGE, 'patient-id': 'P-12345' });
    await el.addFiles([pdf('discharge-summary.pdf', 2 * 1024 * 1024)]);
    await settle(el);
    const created = record(el, 'batch-created');
    part(el, 'start-button')!.click();
    await until(() => created[0], 'batch-created');
    const stored = Object.keys(sessionStorage).map((key) => [key, sessionStorage.getItem(key)]);
    equal(stored, [[`batch-uploader:${OUTAGE}`, created[0]!.batchId]]);
  });
});

describe('<batch-uploader> when the page is left', () => {
  it('asks to confirm leaving only while bytes are being sent', async () => {
    const el = await mount({ endpoint: OUTAGE });
    const leave = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    equal(leave(), false, 'nothing to lose yet');
    await el.addFiles([pdf('big.pdf', 4 * 1024 * 1024)]);
    await settle(el);
    equal(leave(), false, 'files picked, none sending');
    part(el, 'start-button')!.click();
    await until(() => el.session.getState().phase === 'uploading' && part(el, 'file-progress'), 'sending');
    equal(leave(), true, 'sending: leaving would cut the upload short');
    await until(() => el.session.getState().phase === 'processing', 'sent');
    await settle(el);
    equal(leave(), false, 'processing goes on without the page');
  });
});
