// A room's live moderation settings in the moderation panel (moderators and admins): a blocked
// term with action deny refuses a user's message once review applies it (within seconds),
// slow mode refuses a quick second message with the reason, the server's validation error is
// shown beside the field it names, a concurrent edit is reported (409) instead of lost, and a
// save says what was saved. Plain users get no panel. Each test has a room of its own, so the
// other test files never meet these settings.

import assert from 'node:assert/strict';
import { after } from 'node:test';

import { WAIT_MS, audit, browserTest, callApi, closeBrowser, join, oddWord, ownRoom, sendUntilRefused, unique } from './harness.mjs';

after(closeBrowser);

async function openSettings(page) {
  if (!(await page.locator('#settings-details').getAttribute('open'))) await page.locator('#settings-title').click();
  await page.locator('#settings-version:not(:empty)').waitFor({ timeout: WAIT_MS });
}

browserTest('a moderator blocks a term (deny) and sets slow mode in the room’s settings; users’ messages are then refused with the reason, and plain users see no panel', async (env) => {
  env.expectStatus(400); // the slow mode the API refuses
  const room = await ownRoom('settings-');
  const modId = unique('mod');
  const moderator = await env.open({ user: modId, role: 'moderator' });
  const alice = await env.open({ user: unique('alice') });
  await join(moderator, room.id);
  await join(alice, room.id);
  assert.equal(await alice.locator('#moderation').isVisible(), false, 'users get no moderation panel');
  assert.equal(await alice.locator('#settings-form').isVisible(), false, 'nor the room’s settings');

  await openSettings(moderator);
  assert.match(await moderator.locator('#settings-version').textContent(), /Never changed in this room.*version 0/);
  const term = oddWord('zq');
  await moderator.getByLabel('New blocked term').fill(term);
  await moderator.locator('#blocked-new-action').selectOption('deny');
  await moderator.getByRole('button', { name: 'Add term' }).first().click();
  const row = moderator.locator('#blocked-list li');
  assert.equal(await row.count(), 1);
  assert.equal(await row.getByRole('textbox', { name: 'Blocked term 1' }).inputValue(), term);
  assert.equal(await row.getByRole('combobox', { name: 'Action for blocked term 1' }).inputValue(), 'deny');
  assert.equal(await moderator.locator('#blocked-count').textContent(), '1 of 1000');
  // The same term twice is refused before it reaches the API.
  await moderator.getByLabel('New blocked term').fill(term.toUpperCase());
  await moderator.getByRole('button', { name: 'Add term' }).first().click();
  await moderator.locator('#error-blocked-new', { hasText: 'already listed' }).waitFor({ timeout: WAIT_MS });
  await moderator.getByLabel('New blocked term').fill('');
  await audit(moderator, 'the room’s settings');
  await moderator.getByRole('button', { name: 'Save settings' }).click();
  const status = moderator.locator('#settings-status');
  await status.filter({ hasText: `Saved: version 1, by ${modId} at ` }).waitFor({ timeout: WAIT_MS });
  assert.match(await moderator.locator('#settings-version').textContent(), new RegExp(`^Version 1, saved by ${modId} at `));
  const [, saved] = await callApi('GET', `/rooms/${room.id}/moderation`, room.admin);
  assert.deepEqual(saved.blockedTerms, [{ term, action: 'deny' }]);

  const refusal = await sendUntilRefused(alice, (i) => `${i} well ${term} then`, /was not sent: refused by review/);
  assert.match(refusal, new RegExp(`${term} then” was not sent: refused by review: .+`));

  // The server's validation error, beside the field it names, which gets the focus.
  const slow = moderator.getByLabel(/^Slow mode/);
  await slow.fill('500');
  await moderator.getByRole('button', { name: 'Save settings' }).click();
  const slowError = moderator.locator('#error-slowModeSeconds');
  await slowError.filter({ hasText: 'Slow mode: is 500; it must be from 0 to 120.' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await slow.getAttribute('aria-invalid'), 'true');
  assert.equal(await slow.evaluate((input) => input === document.activeElement), true, 'the focus on the field');
  assert.match(await slow.getAttribute('aria-describedby'), /error-slowModeSeconds/);
  await audit(moderator, 'the room’s settings with a field error');
  await slow.fill('30');
  await moderator.getByRole('button', { name: 'Save settings' }).click();
  await status.filter({ hasText: 'Saved: version 2' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await slowError.textContent(), '', 'the error is gone');
  assert.equal(await slow.getAttribute('aria-invalid'), null);

  const slowRefusal = await sendUntilRefused(alice, (i) => `quick ${i} ${unique('m')}`, /Slow mode is on/);
  assert.match(slowRefusal, /was not sent: refused by review: Slow mode is on: you may send again in \d+ s/);
  assert.ok((await alice.locator(`#messages li.message[data-sender]`).count()) >= 1, 'the message before it was delivered');
  for (const page of env.pages) await page.close();
  await room.drop();
});

browserTest('a concurrent edit of the room’s settings is reported (409), not lost, and the latest can be loaded', async (env) => {
  env.expectStatus(409); // the stale save
  const room = await ownRoom('settings-');
  const first = await env.open({ user: unique('mod'), role: 'moderator' });
  const secondId = unique('admin');
  const second = await env.open({ user: secondId, role: 'admin' });
  await join(first, room.id);
  await join(second, room.id);
  await openSettings(first);
  await openSettings(second);

  await second.getByLabel('New allowed term').fill('scunthorpe');
  await second.getByLabel('New allowed term').press('Enter');
  await second.locator('#set-links').selectOption('hold');
  await second.getByLabel('Hostility').selectOption('2');
  await second.getByRole('button', { name: 'Save settings' }).click();
  await second.locator('#settings-status', { hasText: 'Saved: version 1' }).waitFor({ timeout: WAIT_MS });

  // The first moderator's form is still at version 0.
  await first.locator('#set-strikes').check();
  assert.equal(await first.getByLabel(/^Refused messages/).inputValue(), '3', 'strikes start from defaults');
  await first.getByLabel(/^Refused messages/).fill('4');
  await first.getByRole('button', { name: 'Save settings' }).click();
  const conflict = first.locator('#settings-conflict');
  await conflict.waitFor({ timeout: WAIT_MS });
  assert.match(await conflict.textContent(), /Not saved: another moderator saved these settings after you loaded them \(now version 1\)/);
  assert.equal(await first.getByLabel(/^Refused messages/).inputValue(), '4', 'the edit is still in the form');
  assert.equal(await first.getByRole('button', { name: 'Load the latest settings' }).evaluate((b) => b === document.activeElement), true);
  await audit(first, 'a settings conflict');
  const [, kept] = await callApi('GET', `/rooms/${room.id}/moderation`, room.admin);
  assert.equal(kept.version, 1, 'the other save is not overwritten');
  assert.equal(kept.strikes, null);

  await first.getByRole('button', { name: 'Load the latest settings' }).click();
  await first.locator('#settings-version', { hasText: `Version 1, saved by ${secondId}` }).waitFor({ timeout: WAIT_MS });
  assert.equal(await conflict.isVisible(), false);
  assert.equal(await first.locator('#set-links').inputValue(), 'hold');
  assert.equal(await first.getByLabel('Hostility').inputValue(), '2');
  assert.equal(await first.getByRole('textbox', { name: 'Allowed term 1' }).inputValue(), 'scunthorpe');
  assert.equal(await first.locator('#set-strikes').isChecked(), false);
  await first.locator('#set-strikes').check();
  await first.getByRole('button', { name: 'Save settings' }).click();
  await first.locator('#settings-status', { hasText: 'Saved: version 2' }).waitFor({ timeout: WAIT_MS });
  const [, both] = await callApi('GET', `/rooms/${room.id}/moderation`, room.admin);
  assert.deepEqual([both.allowedTerms, both.links, both.categories.hostility, both.strikes], [['scunthorpe'], 'hold', 2, { limit: 3, windowMinutes: 10, timeoutMinutes: 10 }]);

  // Removing a term: the focus stays in the list.
  await first.getByRole('button', { name: 'Remove allowed term “scunthorpe”' }).click();
  assert.equal(await first.locator('#allowed-list li').count(), 0);
  assert.equal(await first.locator('#allowed-count').textContent(), '0 of 1000');
  for (const page of env.pages) await page.close();
  await room.drop();
});

browserTest('the moderation panel’s section headings sit on one line with their buttons', async (env) => {
  for (const viewport of [{ width: 1280, height: 860 }, { width: 940, height: 800 }, { width: 320, height: 700 }]) {
    const moderator = await env.open({ user: unique('mod'), role: 'moderator', viewport });
    const room = await ownRoom('layout-');
    await join(moderator, room.id);
    if (await moderator.locator('#open-moderation').isVisible()) await moderator.locator('#open-moderation').click();
    await moderator.locator('#held-list[data-loaded="true"]').waitFor({ state: 'attached', timeout: WAIT_MS });
    for (const [heading, button] of [['#bans-title', '#refresh-bans'], ['#held-title', '#refresh-held']]) {
      const h = await moderator.locator(heading).boundingBox();
      const b = await moderator.locator(button).boundingBox();
      const middle = (box) => box.y + box.height / 2;
      assert.ok(Math.abs(middle(h) - middle(b)) <= 4, `${heading} and ${button} on one line at ${viewport.width} px (${JSON.stringify([h, b])})`);
      assert.ok(h.x + h.width <= b.x, `${heading} before ${button}`);
    }
    await audit(moderator, `the moderation panel at ${viewport.width} px`);
    await moderator.close();
    await room.drop();
  }
});
