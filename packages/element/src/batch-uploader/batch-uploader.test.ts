/**
 * <batch-uploader> before the upload, in Chromium: accessibility, rendering, keyboard,
 * drag and drop, validation messages, the Patient ID field, strings. The limits come
 * from the real demo server (GET /api/gp/limits, 50 files of at most 50 MB).
 */
import { sendKeys } from '@web/test-runner-commands';
import { BatchSession } from '@batch-uploader/sdk';
import type { BatchUploader } from './batch-uploader.component.js';
import { ENDPOINT, cleanUp, equal, expectAccessible, mount, ok, part, parts, pdf, record, settle, text, until } from '../test/helpers.js';

afterEach(cleanUp);

/** Adds files as the picker would, and waits for the check of their content and the render. */
async function add(el: BatchUploader, files: File[]): Promise<void> {
  await el.addFiles(files);
  await el.session.whenChecked();
  await settle(el);
}

describe('<batch-uploader> before the upload', () => {
  it('has no accessibility violations: empty, with files and refusals, and with the Patient ID error shown', async () => {
    const el = await mount({ 'patient-field': 'required' });
    await expectAccessible(el);
    await add(el, [pdf('a.pdf'), pdf('b.pdf'), new File(['plain text'], 'notes.pdf')]);
    ok(part(el, 'messages'), 'refusal messages shown');
    await expectAccessible(el);
    part(el, 'start-button')!.click();
    await until(() => part(el, 'field-error'), 'the Patient ID error');
    await expectAccessible(el);
  });

  it('renders a drop zone button naming the server limits, and no list or start button while empty', async () => {
    const el = await mount();
    const zone = part<HTMLButtonElement>(el, 'drop-zone');
    ok(zone instanceof HTMLButtonElement && zone.type === 'button', 'the drop zone is a real button');
    await until(() => text(el, 'hint').includes('up to 50 files, 50 MB each'), `hint with the server's limits, got "${text(el, 'hint')}"`);
    equal(part(el, 'file-list'), null);
    equal(part(el, 'start-button'), null);
    equal(el.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!.multiple, true);
  });

  it('opens the file picker from the keyboard: Enter and Space on the drop zone', async () => {
    const el = await mount();
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
    let opened = 0;
    input.addEventListener('click', (event) => {
      event.preventDefault(); // No real dialog in a test.
      opened += 1;
    });
    part(el, 'drop-zone')!.focus();
    equal(el.shadowRoot!.activeElement, part(el, 'drop-zone'), 'the drop zone takes focus');
    await sendKeys({ press: 'Enter' });
    equal(opened, 1, 'Enter:');
    await sendKeys({ press: 'Space' });
    equal(opened, 2, 'Space:');
  });

  it('keeps keyboard focus on the next thing to do: after a removal the next file, after Start the progress (never Cancel, which a second Enter would press)', async () => {
    const el = await mount();
    await add(el, [pdf('one.pdf'), pdf('two.pdf')]);
    parts(el, 'remove-button')[0]!.focus();
    await sendKeys({ press: 'Enter' });
    await settle(el);
    equal(el.shadowRoot!.activeElement?.getAttribute('aria-label'), 'Remove two.pdf');
    part(el, 'start-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => part(el, 'cancel-button'), 'the upload runs');
    await settle(el);
    equal(el.shadowRoot!.activeElement, part(el, 'progress-area'));
  });

  it('shows drag feedback while files are over the drop zone and adds the dropped files', async () => {
    const el = await mount();
    const zone = part(el, 'drop-zone')!;
    const transfer = new DataTransfer();
    transfer.items.add(pdf('dropped.pdf'));
    zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    await el.updateComplete;
    ok(zone.classList.contains('active'), 'highlighted while dragging');
    ok(text(el, 'drop-zone').includes('Release to add the files'), 'says what a drop does');
    zone.dispatchEvent(new DragEvent('dragleave', { dataTransfer: transfer, bubbles: true }));
    await el.updateComplete;
    ok(!zone.classList.contains('active'), 'feedback ends when the drag leaves');
    zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    const added = record(el, 'batch-files-added');
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    await until(() => added.length === 1, 'batch-files-added');
    await settle(el);
    equal(
      added[0]!.files.map((f) => f.name),
      ['dropped.pdf'],
    );
    ok(!part(el, 'drop-zone')!.classList.contains('active'), 'no feedback after the drop');
    equal(
      parts(el, 'file-name').map((n) => n.textContent),
      ['dropped.pdf'],
    );
  });

  it('says why files were refused: too large, too many, already added, not a document', async () => {
    const el = await mount();
    const rejected = record(el, 'batch-files-rejected');
    const tiffHeader = new Uint8Array([0x49, 0x49, 0x2a, 0x00]);
    const scan = new File([tiffHeader, new Uint8Array(50 * 1024 * 1024 + 1)], 'scan.tiff');
    const first = pdf('report.pdf');
    await add(el, [scan, first, new File(['hello'], 'letter.pdf')]);
    await add(el, [first, ...Array.from({ length: 50 }, (_, i) => pdf(`page-${i}.pdf`))]);
    const messages = text(el, 'messages');
    for (const expected of [
      'scan.tiff is larger than 50 MB',
      'letter.pdf is not a PDF or an image',
      'report.pdf is already added',
      'only 50 files can be sent at once (1 file not added: page-49.pdf)',
    ]) {
      ok(messages.includes(expected), `"${expected}" in "${messages}"`);
    }
    equal(
      rejected.flatMap((r) => r.rejected.map((f) => f.code)),
      ['FILE_TOO_LARGE', 'UNSUPPORTED_TYPE', 'DUPLICATE_FILE', 'TOO_MANY_FILES'],
    );
    equal(text(el, 'start-button'), 'Start Batch Upload (50 files)');
    part(el, 'dismiss-button')!.click();
    await settle(el);
    equal(part(el, 'messages'), null, 'dismissed');
    equal(el.session.getState().files.length, 50, 'the files stay');
    equal(el.session.getState().rejected.length, 4, 'and the refusals, for the outcome at the end');
  });

  it('at 320 px a refused file with a long name wraps in its message; the page does not widen', async () => {
    const frame = Object.assign(document.createElement('div'), { style: 'width: 320px' });
    document.body.append(frame);
    try {
      const el = await mount();
      frame.append(el);
      await add(el, [
        pdf('clinic_letter.pdf'),
        new File(['plain text'], 'discharge_summary_2026_11_30_FINAL_v3_signed.docx'),
        new File(['x'], 'notes_really_text.pdf'),
      ]);
      ok(text(el, 'messages').includes('discharge_summary_2026_11_30_FINAL_v3_signed.docx is not a PDF or an image'), text(el, 'messages'));
      const box = el.getBoundingClientRect();
      ok(box.width <= 320.5, `the element stays 320 px wide: ${box.width}`);
      for (const node of el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="messages"], [part~="messages"] *')) {
        const right = node.getBoundingClientRect().right;
        ok(right <= box.right + 0.5, `${node.tagName}.${node.className} ends within the element (${right} > ${box.right})`);
      }
    } finally {
      frame.remove();
    }
  });

  it('names the count on the start button; remove one and clear all change the list', async () => {
    const el = await mount();
    await add(el, [pdf('one.pdf'), pdf('two.pdf'), pdf('three.pdf')]);
    equal(text(el, 'start-button'), 'Start Batch Upload (3 files)');
    const remove = parts<HTMLButtonElement>(el, 'remove-button');
    equal(
      remove.map((b) => b.getAttribute('aria-label')),
      ['Remove one.pdf', 'Remove two.pdf', 'Remove three.pdf'],
    );
    remove[1]!.click();
    await settle(el);
    equal(
      parts(el, 'file-name').map((n) => n.textContent),
      ['one.pdf', 'three.pdf'],
    );
    equal(text(el, 'start-button'), 'Start Batch Upload (2 files)');
    part(el, 'clear-button')!.click();
    await settle(el);
    equal(part(el, 'file-list'), null);
    equal(part(el, 'start-button'), null);
  });

  it('shows a file named like HTML as text, never as markup', async () => {
    const el = await mount();
    const name = '<img src=x onerror=alert(1)>.pdf';
    await add(el, [pdf(name)]);
    equal(part(el, 'file-name')!.textContent, name);
    equal(el.shadowRoot!.querySelectorAll('img').length, 0, 'no <img> element');
  });

  it('a required Patient ID stops the start with a message and focuses the field', async () => {
    const el = await mount({ 'patient-field': 'required' });
    ok(part<HTMLInputElement>(el, 'patient-input')!.required, 'marked required');
    await add(el, [pdf()]);
    const created = record(el, 'batch-created');
    part(el, 'start-button')!.click();
    await until(() => part(el, 'field-error'), 'the error');
    equal(text(el, 'field-error'), 'Enter the patient ID.');
    equal(el.shadowRoot!.activeElement, part(el, 'patient-input'), 'focus moves to the field');
    equal(part(el, 'patient-input')!.getAttribute('aria-invalid'), 'true');
    part<HTMLInputElement>(el, 'patient-input')!.value = 'bad id!';
    part(el, 'patient-input')!.dispatchEvent(new Event('input'));
    part(el, 'start-button')!.click();
    await el.updateComplete;
    equal(text(el, 'field-error'), 'Use only letters, digits and . _ : - (at most 128).');
    equal(created.length, 0, 'nothing was sent');
    equal(el.session.getState().phase, 'idle');
  });

  it('hides the Patient ID field when patient-field="hidden", and marks it optional by default', async () => {
    const hidden = await mount({ 'patient-field': 'hidden' });
    equal(part(hidden, 'field'), null);
    const optional = await mount();
    ok(text(optional, 'field').includes('Patient ID (optional)'), text(optional, 'field'));
    ok(!part<HTMLInputElement>(optional, 'patient-input')!.required, 'not required');
  });

  it('takes limits from attributes: max-files, max-file-size with a unit, accept', async () => {
    const el = await mount({ 'max-files': '2', 'max-file-size': '10KB', accept: 'application/pdf' });
    equal(text(el, 'hint'), 'PDF or images, up to 2 files, 0.01 MB each');
    equal(el.shadowRoot!.querySelector('input[type=file]')!.getAttribute('accept'), 'application/pdf');
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])], 'photo.png');
    await add(el, [pdf('small.pdf'), pdf('big.pdf', 20_000), png, pdf('third.pdf'), pdf('fourth.pdf')]);
    const messages = text(el, 'messages');
    ok(messages.includes('big.pdf is larger than 0.01 MB'), messages);
    ok(messages.includes('photo.png is not a PDF or an image'), messages);
    ok(messages.includes('only 2 files can be sent at once (1 file not added: fourth.pdf)'), messages);
  });

  it('takes the limits set as properties in text, as a framework hands over an attribute binding', async () => {
    const el = await mount({}, (element) => {
      (element as { maxFiles: unknown }).maxFiles = '2';
      element.maxFileSize = '10KB';
    });
    equal(text(el, 'hint'), 'PDF or images, up to 2 files, 0.01 MB each');
    await add(el, [pdf('small.pdf'), pdf('big.pdf', 20_000), pdf('third.pdf'), pdf('fourth.pdf')]);
    const messages = text(el, 'messages');
    ok(messages.includes('big.pdf is larger than 0.01 MB'), messages);
    ok(messages.includes('only 2 files can be sent at once (1 file not added: fourth.pdf)'), messages);
  });

  it('asks for cookies as the credentials attribute says, same-origin by default', async () => {
    const el = await mount();
    equal(el.session.client.options.credentials, 'same-origin');
    el.setAttribute('credentials', 'include');
    await settle(el);
    equal(el.session.client.options.credentials, 'include', 'a new session, as nothing was added yet');
    el.setAttribute('credentials', 'sometimes');
    await settle(el);
    equal(el.session.client.options.credentials, 'same-origin', 'a value the SDK does not know keeps the default');
  });

  it('replaces its texts with the strings property (i18n), keeping the others', async () => {
    const el = await mount({}, (element) => {
      element.strings = {
        dropZone: 'Déposez les documents ici',
        start: (n) => `Envoyer (${n})`,
        status: { queued: 'Prêt' },
        rejection: { DUPLICATE_FILE: ({ name }) => `${name} est déjà ajouté` },
      };
    });
    const file = pdf('a.pdf');
    await add(el, [file, file]);
    ok(text(el, 'drop-zone').startsWith('Déposez les documents ici'), text(el, 'drop-zone'));
    equal(text(el, 'start-button'), 'Envoyer (1)');
    equal(text(el, 'file-status'), 'Prêt');
    ok(text(el, 'messages').includes('a.pdf est déjà ajouté'), text(el, 'messages'));
    equal(text(el, 'clear-button'), 'Clear all', 'an untranslated string stays English:');
    el.strings = { clear: 'Tout effacer' };
    await el.updateComplete;
    equal(text(el, 'clear-button'), 'Tout effacer');
  });

  it('renders a session made by host code, and leaves it alone when removed', async () => {
    const session = new BatchSession({ client: { endpoint: new URL(ENDPOINT, location.href).href } });
    await session.addFiles([pdf('from-host.pdf')]);
    const el = await mount({}, (element) => {
      element.session = session;
    });
    await settle(el);
    equal(el.session, session);
    equal(
      parts(el, 'file-name').map((n) => n.textContent),
      ['from-host.pdf'],
    );
    el.remove();
    await Promise.resolve();
    await session.addFiles([pdf('later.pdf')]);
    equal(session.getState().files.length, 2, 'still usable: neither disposed nor suspended');
    session.dispose();
  });
});
