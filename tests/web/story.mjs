// tests/web/story.mjs: the browser story of issue 14 on two real nodes
// (tests/web/run.sh starts them): a Smolensk curator registers a
// graduate, records support, gives a consent; Smolensk's supervisor
// offers the case to Kaluga; Kaluga's supervisor accepts it and assigns
// it to a centre; Kaluga's curator finds the whole history, each entry
// attributed; a curator of another centre is refused without a reason
// (break the glass), which the auditor finds in the log; Smolensk's
// supervisor links a duplicate, sees the link and the pair marked as two
// people, undoes the link and links it again; an admin sees the accounts,
// the health page's anti-entropy and statistics parts, the refused
// changes with their reasons in Russian, and revokes a peer's key after
// confirming it.  XSS attempts are shown as text, a request from another
// origin is refused, the session's expiry is warned and a lapsed session
// keeps the form.  axe-core on every page (WCAG 2.1 A/AA); screenshots
// under build/web-shots/.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'),
    'utf8');
const env = process.env;
const SMO = env.SMO_UI, KLU = env.KLU_UI, FED = env.FED_UI, PW = env.UI_PW;
const SHOTS = env.SHOTS;
const ROUTER_LATE_MS = 300;
const XSS = '<img src=x onerror="document.title=1">';

let passed = 0, failed = 0;
const pageErrors = [];
const openPages = [];

function totp(b32) {
	const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const ch of b32.replace(/=+$/, ''))
		bits += alpha.indexOf(ch).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
	const ctr = Buffer.alloc(8);
	ctr.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
	const mac = crypto.createHmac('sha1', key).update(ctr).digest();
	const o = mac[19] & 15;
	const n = (mac.readUInt32BE(o) & 0x7fffffff) % 1000000;
	return String(n).padStart(6, '0');
}

// A field's label: its text, with the mark of a required one or without.
function lab(text) {
	return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` +
	    '( \\*)?$');
}

function check(cond, what) {
	if (!cond)
		throw new Error(what);
}

async function step(name, fn) {
	const t0 = Date.now();
	try {
		await fn();
		passed++;
		console.log(`ok   web/${name} (${Date.now() - t0} ms)`);
	} catch (e) {
		failed++;
		console.log(`FAIL web/${name}: ${e.message.split('\n')
		    .slice(0, 6).join('\n    ')}`);
		// What each open page showed when the case failed, beside the
		// nodes' logs (run.sh keeps both).
		for (const [i, p] of openPages.entries()) {
			if (p.isClosed())
				continue;
			await p.screenshot({ path: path.join(SHOTS,
			    `FAIL-${name}-${i}.png`), fullPage: true })
			    .catch(() => {});
		}
	}
}

// A page of the menu, reached as a user reaches it.  The router marks the
// link as the current page when it has replaced the view, so the fields
// asked for next are the new page's, not the old page's that a click
// answered before the hash changed.
async function go(page, name) {
	const a = page.getByRole('navigation', { name: 'Разделы' })
	    .getByRole('link', { name, exact: true });
	await a.click();
	await page.waitForFunction((n) => [...document.querySelectorAll(
	    '#navlist a[aria-current="page"]')].some((x) =>
	    x.textContent.trim() === n), name);
}

// axe-core on the page as it is: no violation of WCAG 2.1 A and AA.
async function axe(page, what) {
	const has = await page.evaluate(() => typeof window.axe === 'object');
	if (!has)
		await page.evaluate(axeSource);
	const v = await page.evaluate(async () => {
		const r = await window.axe.run(document, { runOnly: {
		    type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',
		    'wcag21aa'] } });
		return r.violations.map((x) => `${x.id}: ` + x.nodes.slice(0, 3)
		    .map((n) => n.target.join(' ')).join(', '));
	});
	check(v.length === 0, `axe on ${what}: ${v.join('; ')}`);
}

// The whole page, and what a 1366x768 screen shows first (docs/ui.md).
async function shot(page, name) {
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`),
	    fullPage: true });
	await page.screenshot({ path: path.join(SHOTS, `${name}-screen.png`) });
}

async function newPage(browser, base, viewport) {
	const ctx = await browser.newContext({ ignoreHTTPSErrors: true,
	    viewport: viewport || { width: 1366, height: 768 },
	    locale: 'ru-RU', acceptDownloads: true });
	// A loaded machine, as CI's can be: the router hears of each hash
	// change late, so a case that acts on the old page before the new
	// one is shown fails every time here rather than once in a while.
	await ctx.addInitScript((ms) => {
		const add = window.addEventListener.bind(window);
		window.addEventListener = (type, fn, opt) => add(type,
		    type === 'hashchange' ? (e) => setTimeout(() => fn(e), ms) :
		    fn, opt);
	}, ROUTER_LATE_MS);
	const page = await ctx.newPage();
	// A bound on a hung page, not a measure of speed: make check runs
	// these steps beside the unit and CLI tests, and a step that takes
	// 2.5 s on an idle machine once took over 15 s there.
	page.setDefaultTimeout(60000);
	page.on('pageerror', (e) => pageErrors.push(`${base}: ${e.message}`));
	page.on('console', (m) => {
		// 400: a refused card, on purpose (admin-peers).
		if (m.type() === 'error' && !/status of 40[013]/.test(m.text()))
			pageErrors.push(`${base}: ${m.text()}`);
	});
	page.on('dialog', (d) => {
		pageErrors.push(`a dialog opened: ${d.message()}`);
		d.dismiss();
	});
	page.base = base;
	openPages.push(page);
	return page;
}

async function login(page, who, code) {
	await page.goto(`${page.base}/`);
	await page.getByLabel(lab('Логин')).fill(who);
	await page.getByLabel(lab('Пароль')).fill(PW);
	if (code)
		await page.getByLabel(lab('Код из приложения-аутентификатора'))
		    .fill(code);
	await page.getByRole('button', { name: 'Войти' }).click();
	await page.getByRole('navigation', { name: 'Разделы' }).waitFor();
}

// One of the dossier's action forms: opened, filled, saved.
async function act(page, title, values) {
	const d = page.locator('details', { has: page.locator('summary',
	    { hasText: title }) });
	if (!(await d.evaluate((e) => e.open)))
		await d.locator('summary').click();
	for (const [label, v] of Object.entries(values)) {
		const f = d.getByLabel(lab(label));
		if ((await f.evaluate((e) => e.tagName)) === 'SELECT')
			await f.selectOption(v);
		else
			await f.fill(v);
	}
	const loads = await page.locator('#app-view > div').evaluate((e) =>
	    Number(e.dataset.loads || 0));
	await d.getByRole('button', { name: 'Сохранить' }).click();
	await page.waitForFunction((n) => Number(document.querySelector(
	    '#app-view > div').dataset.loads || 0) > n, loads);
	await page.getByRole('status').filter({ hasText: 'Сохранено' }).first()
	    .waitFor();
}

async function apiAs(page, method, p, body) {
	return page.evaluate(async ([m, u, b]) => {
		const me = await (await fetch('/api/me')).json();
		const r = await fetch(u, { method: m, headers: {
		    'Content-Type': 'application/json',
		    'X-CSRF-Token': me.csrf }, body: b ? JSON.stringify(b) :
		    undefined });
		return { status: r.status, data: await r.json() };
	}, [method, p, body]);
}

const browser = await chromium.launch({ executablePath: env.CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    timeout: 60000 });
let dossierId = '', onetime = '';
try {
	const anon = await newPage(browser, SMO);
	await step('login-page', async () => {
		await anon.goto(`${SMO}/`);
		await anon.getByRole('heading', { name: 'Вход' }).waitFor();
		await anon.getByLabel(lab('Логин')).fill('petrova');
		await anon.getByLabel(lab('Пароль')).fill('wrong-password-1');
		await anon.getByRole('button', { name: 'Войти' }).click();
		await anon.getByText('Неверный логин, пароль или код.')
		    .waitFor();
		await axe(anon, 'the login page');
		await shot(anon, '01-login');
	});
	await step('skip-link-and-keyboard', async () => {
		await anon.goto(`${SMO}/`);
		await anon.getByLabel(lab('Логин')).waitFor();
		await anon.evaluate(() => document.activeElement.blur());
		await anon.keyboard.press('Tab');
		const f = await anon.evaluate(() =>
		    document.activeElement.textContent);
		check(f === 'Перейти к содержанию', `first Tab: ${f}`);
		await anon.keyboard.press('Enter');
		const id = await anon.evaluate(() => document.activeElement.id);
		check(id === 'main', `the skip link leads to ${id}`);
	});

	await step('russian-plurals-dates-snils', async () => {
		const got = await anon.evaluate(async () => {
			const ru = await import('/ru.js');
			const ev = (n) => ru.count(n, 'событие', 'события',
			    'событий');
			return [ev(0), ev(1), ev(2), ev(4), ev(5), ev(11),
			    ev(12), ev(14), ev(21), ev(22), ev(25), ev(101),
			    ev(111), ev(1002),
			    ru.fmtDate('2024-01-10'), ru.parseDate('10.01.2024'),
			    ru.parseDate('1.2.2024'), ru.parseDate('31.02.2024'),
			    ru.parseDate('2024-01-10'), ru.snilsState(
			    '112-233-445 95'), ru.snilsState('11223344596'),
			    ru.snilsState('112-233'), ru.snilsState(
			    '001-001-998 00')].join('|');
		});
		const want = ['0 событий', '1 событие', '2 события',
		    '4 события', '5 событий', '11 событий', '12 событий',
		    '14 событий', '21 событие', '22 события', '25 событий',
		    '101 событие', '111 событий', '1002 события',
		    '10.01.2024', '2024-01-10', '2024-02-01', '', '', 'ok',
		    'bad', 'short', 'ok'].join('|');
		check(got === want, `got ${got}`);
	});

	const cur = await newPage(browser, SMO);
	await step('curator-caseload', async () => {
		await login(cur, 'petrova');
		await cur.getByRole('heading', { name: 'Мои подопечные' })
		    .waitFor();
		await cur.getByText('0 подопечных').waitFor();
		await axe(cur, 'my caseload');
	});
	await step('register-graduate', async () => {
		await go(cur, 'Новый выпускник');
		await cur.getByLabel(lab('Фамилия')).fill('Иванова');
		await cur.getByLabel(lab('Имя')).fill('Анна');
		await cur.getByLabel(lab('Отчество')).fill('Сергеевна');
		await cur.getByLabel(lab('Дата рождения')).fill('2005-04-12');
		await cur.getByLabel(lab('Дата рождения')).blur();
		await cur.getByText('Дата пишется как ДД.ММ.ГГГГ').waitFor();
		await cur.getByLabel(lab('Дата рождения')).fill('12.04.2005');
		await cur.getByLabel(lab('Пол')).selectOption('F');
		// The SNILS check number, as it is typed.
		await cur.getByLabel(lab('СНИЛС')).pressSequentially('112-233-445 96');
		await cur.getByText('не сходится контрольное число').waitFor();
		await cur.getByLabel(lab('СНИЛС')).fill('');
		await cur.getByLabel(lab('СНИЛС')).pressSequentially('112-233-445 95');
		await cur.getByText('Контрольное число сходится.').waitFor();
		await cur.getByLabel(lab('Адрес')).fill(XSS);
		await axe(cur, 'the registration form');
		await shot(cur, '03-register');
		await cur.getByRole('button', { name: 'Зарегистрировать' })
		    .click();
		await cur.getByRole('heading', { name: 'Иванова Анна Сергеевна' })
		    .waitFor();
		dossierId = decodeURIComponent(cur.url().split('#/dossier/')[1]);
		check(/^[0-9a-f-]{36}$/.test(dossierId), `id ${dossierId}`);
		// The address is text, not an element.
		await cur.getByText(XSS, { exact: true }).waitFor();
		check(await cur.locator('main img').count() === 0,
		    'the address became an element');
	});
	await step('record-support', async () => {
		await act(cur, 'Открыть эпизод сопровождения',
		    { 'Дата': '09.01.2024' });
		await act(cur, 'Добавить событие', { 'Дата': '10.01.2024',
		    'Тип': 'contact', 'Что произошло': `Встреча ${XSS}` });
		await act(cur, 'Записать согласие', { 'На что': 'transfer',
		    'Дата подписания': '09.01.2024',
		    'Документ': 'Заявление № 17' });
		await act(cur, 'Записать оценку', { 'Дата': '01.02.2024',
		    'Жильё': 'dormitory', 'Занятость': 'unemployed_seeking' });
		await act(cur, 'Записать оценку', { 'Дата': '01.06.2024',
		    'Жильё': 'own', 'Занятость': 'employed' });
		await act(cur, 'Изменить карточку', { 'Телефон':
		    '+7 900 000-00-00' });
		const hist = cur.getByRole('table', {
		    name: 'Изменения полей карточки, новые сверху' });
		await hist.getByRole('row', { name: /Телефон — \+7 900 000-00-00 RU-SMO, petrova \(изменение\)/ })
		    .waitFor();
		await cur.locator('.timeline').getByText(`контакт: Встреча ${XSS}`)
		    .waitFor();
		check(await cur.locator('main img').count() === 0,
		    'the event text became an element');
		await cur.getByText('Показано 5 записей из 5.').waitFor();
		await cur.getByLabel(lab('Тип')).first()
		    .selectOption('assessment');
		await cur.getByText('Показано 2 записи из 5.').waitFor();
		await cur.getByLabel(lab('Тип')).first()
		    .selectOption('');
		check(await cur.locator('.chart canvas').count() >= 2,
		    'no assessment charts');
		await axe(cur, 'the dossier');
		await shot(cur, '04-dossier');
	});
	await step('search-as-you-type', async () => {
		await go(cur, 'Поиск');
		await cur.getByLabel(lab('Фамилия')).pressSequentially('ИВАН');
		await cur.getByRole('link', { name: 'Иванова Анна Сергеевна' })
		    .waitFor();
		await cur.getByText('Нашлось: 1 дело.').waitFor();
		await cur.getByLabel(lab('Фамилия')).fill('');
		await cur.getByLabel(lab('Имя'))
		    .pressSequentially('ан');
		await cur.getByText('Нашлось: 1 дело.').waitFor();
		await axe(cur, 'search');
		await shot(cur, '02-search');
		await go(cur, 'Мои подопечные');
		await cur.getByText('1 подопечный').waitFor();
		await shot(cur, '05-caseload');
	});
	await step('phone-width', async () => {
		const ph = await newPage(browser, SMO, { width: 390,
		    height: 844 });
		await login(ph, 'petrova');
		await ph.goto(`${SMO}/#/dossier/${dossierId}`);
		await ph.getByRole('heading', { name: 'История' }).waitFor();
		const w = await ph.evaluate(() => {
			const wide = [...document.querySelectorAll('body *')]
			    .filter((e) => e.getBoundingClientRect().right > 391)
			    .map((e) => `${e.tagName}.${e.className}#${e.id}`);
			return [document.documentElement.scrollWidth,
			    wide.slice(0, 5).join(' ')];
		});
		check(w[0] <= 390, `the dossier is ${w[0]} px wide on a ` +
		    `phone: ${w[1]}`);
		await axe(ph, 'the dossier on a phone');
		await shot(ph, '06-dossier-phone');
		await ph.context().close();
	});
	await step('session-expiry-warned', async () => {
		const ex = await newPage(browser, SMO);
		await ex.clock.install();
		await login(ex, 'petrova');
		await ex.clock.fastForward('28:30');
		await ex.getByRole('alert').filter({ hasText:
		    'Сессия закончится через 2 минуты.' }).waitFor();
		await axe(ex, 'the expiry warning');
		await shot(ex, '07-expiry-warning');
		await ex.getByRole('button', { name: 'Продолжить работу' })
		    .click();
		await ex.getByRole('alert').waitFor({ state: 'hidden' });
		await ex.context().close();
	});
	await step('lapsed-session-keeps-form', async () => {
		await cur.goto(`${SMO}/#/dossier/${dossierId}`);
		const d = cur.locator('details', { has: cur.locator('summary',
		    { hasText: 'Добавить событие' }) });
		await d.locator('summary').click();
		await d.getByLabel(lab('Тип')).selectOption('consultation');
		await d.getByLabel(lab('Что произошло')).fill('Долгая консультация');
		// The session ends on the server (its cookie gone).
		await cur.context().clearCookies();
		await d.getByRole('button', { name: 'Сохранить' }).click();
		await cur.getByRole('heading', { name: 'Вход' }).waitFor();
		await cur.locator('#login-why').filter({ hasText:
		    'Сессия закончилась' }).waitFor();
		await axe(cur, 'the login after expiry');
		await cur.getByLabel(lab('Логин')).fill('petrova');
		await cur.getByLabel(lab('Пароль')).fill(PW);
		await cur.getByRole('button', { name: 'Войти' }).click();
		const t = await d.getByLabel(lab('Что произошло')).inputValue();
		check(t === 'Долгая консультация', `the form lost: ${t}`);
		await d.getByRole('button', { name: 'Сохранить' }).click();
		await cur.locator('.timeline').getByText(
		    'консультация: Долгая консультация').waitFor();
	});

	const chief = await newPage(browser, SMO);
	await step('supervisor-offers', async () => {
		await login(chief, 'chief');
		await chief.goto(`${SMO}/#/dossier/${dossierId}`);
		await act(chief, 'Передать в другой регион', {
		    'Регион (код ISO 3166-2)': 'RU-KLU',
		    'Причина': `Переезд ${XSS}` });
		await chief.getByText('Передача RU-SMO → RU-KLU: предложена')
		    .waitFor();
		await go(chief, 'Передачи');
		await chief.getByRole('heading', { name: 'Исходящие' }).waitFor();
		await chief.getByRole('cell', { name: 'предложена' }).waitFor();
		await axe(chief, 'outgoing transfers');
	});

	await step('duplicates-linked-or-dismissed', async () => {
		await chief.getByRole('link', { name: 'Возможные повторы' })
		    .click();
		await chief.getByText(/^На узле 2 пары дел,/).waitFor();
		const k = chief.getByRole('article', {
		    name: /Кузнецова Ольга и Кузнецова Ольга/ });
		await k.getByText('тот же СНИЛС, имя и дата рождения',
		    { exact: false }).waitFor();
		await k.getByText('123-456-789 64').first().waitFor();
		const b = chief.getByRole('article', {
		    name: /Белова Дарья и Белова Дарья/ });
		await b.getByText('Детский дом № 1').waitFor();
		await b.getByText('Детский дом № 2').waitFor();
		await axe(chief, 'duplicates');
		await shot(chief, '15-duplicates');
		// No reason: asked for one, nothing sent.
		await b.getByRole('button', { name: 'Разные люди' }).click();
		await b.getByText('Укажите причину решения.').waitFor();
		await b.getByLabel(lab('Причина решения')).fill(
		    `Разные дома ${XSS}`);
		await b.getByRole('button', { name: 'Разные люди' }).click();
		await chief.getByText('Отмечено: это разные люди.').waitFor();
		await chief.getByText(/^На узле 1 пара дел,/).waitFor();
		await k.getByLabel(lab('Причина решения')).fill(
		    'Один СНИЛС, зарегистрирована дважды');
		await k.getByRole('button', { name: 'Один человек — связать' })
		    .click();
		await chief.getByText('Дела связаны: это один человек.')
		    .waitFor();
		await chief.getByText('Возможных повторов нет.').waitFor();
		check(await chief.title() !== '1', 'XSS ran');
	});

	await step('supervisor-unlinks-and-sees-dismissed', async () => {
		// The link just made is listed with both cards; undone with a
		// reason, the pair is suggested again; linked once more, as
		// the later cases expect.
		const l = chief.getByRole('article', {
		    name: /^Связь 1: Кузнецова Ольга и Кузнецова Ольга/ });
		await l.getByRole('heading', { name: 'Связь 1: действует' })
		    .waitFor();
		await l.getByText('123-456-789 64').first().waitFor();
		const t = chief.getByRole('region', {
		    name: 'Пары, отмеченные как разные люди' });
		await t.getByRole('cell', { name: `Разные дома ${XSS}` })
		    .waitFor();
		await t.getByRole('link', { name: 'Белова Дарья' }).first()
		    .waitFor();
		await axe(chief, 'linked and dismissed pairs');
		await shot(chief, '23-duplicates-linked');
		await l.getByRole('button', { name: 'Разорвать связь' }).click();
		await l.getByText('Укажите причину разрыва.').waitFor();
		await l.getByLabel(lab('Причина разрыва')).fill(
		    `Связали по ошибке ${XSS}`);
		const t0 = Date.now();
		const [res] = await Promise.all([chief.waitForResponse((r) =>
		    r.url().endsWith('/api/duplicates/unlink')),
		    l.getByRole('button', { name: 'Разорвать связь' }).click()]);
		check(res.status() === 201, `unlink: ${res.status()} ` +
		    `${await res.text()} after ${Date.now() - t0} ms`);
		await chief.getByText('Связь разорвана: это разные люди.')
		    .waitFor().catch(async (e) => {
			throw new Error(`${e.message.split('\n')[0]}; the ` +
			    'page says: ' + (await chief.locator('.status')
			    .allTextContents()).filter(Boolean).join(' | '));
		    });
		await chief.getByText('Связанных дел нет.').waitFor();
		await chief.getByText(/^На узле 1 пара дел,/).waitFor();
		const k = chief.getByRole('article', {
		    name: /^Пара 1: Кузнецова Ольга и Кузнецова Ольга/ });
		await k.getByLabel(lab('Причина решения')).fill(
		    'Один СНИЛС, зарегистрирована дважды');
		await k.getByRole('button', { name: 'Один человек — связать' })
		    .click();
		await chief.getByText('Дела связаны: это один человек.')
		    .waitFor();
		await l.waitFor();
		// The "two people" statement withdrawn (made by mistake): the
		// pair is suggested again; then stated once more, as the later
		// cases expect.
		await chief.getByRole('button', {
		    name: /^Отменить отметку 1: Белова Дарья и Белова Дарья/ })
		    .click();
		await chief.getByText('Отметка отменена: пара снова среди ' +
		    'возможных повторов.').waitFor();
		await chief.getByText('Таких отметок нет.').waitFor();
		await chief.getByText(/^На узле 1 пара дел,/).waitFor();
		const b = chief.getByRole('article', {
		    name: /Белова Дарья и Белова Дарья/ });
		await b.getByLabel(lab('Причина решения')).fill(
		    `Разные дома ${XSS}`);
		await b.getByRole('button', { name: 'Разные люди' }).click();
		await chief.getByText('Отмечено: это разные люди.').waitFor();
		await chief.getByText('Возможных повторов нет.').waitFor();
		check(await chief.title() !== '1', 'XSS ran');
	});

	const kchief = await newPage(browser, KLU);
	await step('kaluga-accepts', async () => {
		await login(kchief, 'chief');
		const until = Date.now() + 60000;
		for (;;) {
			await kchief.goto(`${KLU}/#/transfers`);
			await kchief.getByRole('heading', { name: 'Входящие' })
			    .waitFor();
			if (await kchief.getByRole('link', {
			    name: 'Иванова Анна Сергеевна' }).count())
				break;
			check(Date.now() < until, 'the offer never arrived');
			await kchief.waitForTimeout(1000);
		}
		await kchief.getByText(`Переезд ${XSS}`).waitFor();
		await axe(kchief, 'incoming transfers');
		await shot(kchief, '08-incoming');
		// Declining needs a reason.
		await kchief.getByRole('button', { name: 'Отклонить' }).click();
		await kchief.getByText('Чтобы отклонить, укажите причину.')
		    .waitFor();
		await kchief.getByRole('button', { name: 'Принять' }).click();
		await kchief.getByText('Дело принято.').waitFor();
		await kchief.getByRole('row', { name: /Иванова/ })
		    .getByRole('cell', { name: 'принята' }).waitFor();
		// The history comes with the accept (docs/protocol.md, "Offers
		// before they are accepted"): asked of the API, so that no page
		// shows a 404 while it travels.
		const came = Date.now() + 30000;
		for (;;) {
			const r = await kchief.request.get(
			    `${KLU}/api/dossiers/${dossierId}`);
			if (r.ok())
				break;
			check(Date.now() < came,
			    'the history did not come with the accept');
			await kchief.waitForTimeout(500);
		}
		await kchief.goto(`${KLU}/#/dossier/${dossierId}`);
		await act(kchief, 'Закрепить за центром',
		    { 'Центр': 'Смоленский центр' });
	});
	await step('conflict-resolved-in-one-click', async () => {
		await go(kchief, 'Конфликты');
		await kchief.getByText('Открыто: 1 конфликт.').waitFor();
		const c = kchief.getByRole('article', { name: 'Конфликт: Телефон' });
		await c.getByText('+7 910 111 11 11', { exact: true }).waitFor();
		await c.getByText('+7 920 222 22 22', { exact: true }).waitFor();
		await c.getByText('RU-SMO, chief').waitFor();
		await c.getByText('RU-KLU, chief').waitFor();
		await axe(kchief, 'conflicts');
		await shot(kchief, '13-conflict');
		const keep = await c.locator('.sides .side').nth(1)
		    .locator('.value').textContent();
		await c.getByRole('button', { name: `Оставить «${keep}»` })
		    .click();
		await kchief.getByText(`Решено: оставлено «${keep}».`).waitFor();
		await kchief.getByText('Открытых конфликтов нет.').waitFor();
	});

	const kcur = await newPage(browser, KLU);
	await step('kaluga-curator-finds-history', async () => {
		await login(kcur, 'petrova');
		await go(kcur, 'Поиск');
		await kcur.getByLabel(lab('СНИЛС')).pressSequentially('11223344595');
		await kcur.getByRole('link', { name: 'Иванова Анна Сергеевна' })
		    .click();
		await kcur.getByRole('heading', { name: 'История' }).waitFor();
		await kcur.getByText('RU-SMO, petrova').first().waitFor();
		await kcur.getByText('RU-SMO, chief').first().waitFor();
		await kcur.getByRole('cell', { name: 'RU-SMO, petrova (изменение)' })
		    .waitFor();
		await kcur.getByText('Передача RU-SMO → RU-KLU: принята')
		    .waitFor();
		await act(kcur, 'Добавить событие', { 'Дата': '02.07.2024',
		    'Тип': 'housing', 'Что произошло': 'Заселение в общежитие' });
		await kcur.getByText('RU-KLU, petrova').first().waitFor();
		await kcur.getByLabel(lab('Регион'))
		    .selectOption('RU-KLU');
		await kcur.getByText('Показано 1 запись из 8.').waitFor();
		await kcur.getByLabel(lab('Регион'))
		    .selectOption('');
		await axe(kcur, 'the transferred dossier');
		await shot(kcur, '09-transferred-dossier');
	});
	const other = await newPage(browser, KLU);
	await step('other-centre-refused-without-reason', async () => {
		await login(other, 'sidorov');
		await go(other, 'Поиск');
		await other.getByLabel(lab('Фамилия')).pressSequentially('Иван');
		await other.getByText('Никого не нашлось.').waitFor();
		await other.goto(`${KLU}/#/dossier/${dossierId}`);
		await other.getByRole('heading', { name: 'Дело другого центра' })
		    .waitFor();
		check(await other.getByText('Иванова').count() === 0,
		    'a name shown before the reason');
		await axe(other, 'break the glass');
		await shot(other, '10-break-the-glass');
		await other.getByLabel(lab('Причина')).fill(`Замещаю коллегу ${XSS}`);
		await other.getByRole('button', { name: 'Открыть дело' }).click();
		await other.getByText('открыто с указанием причины').waitFor();
		await other.getByRole('heading', {
		    name: 'Иванова Анна Сергеевна' }).waitFor();
	});
	await step('supervisor-reviews-glass', async () => {
		await kchief.getByRole('link', { name: 'Открытия чужих дел' })
		    .click();
		await kchief.getByText('Найдено: 1 открытие.').waitFor();
		await kchief.getByRole('cell', { name: `Замещаю коллегу ${XSS}` })
		    .waitFor();
		await kchief.getByRole('cell', { name: /^sidorov, / }).waitFor();
		await kchief.getByRole('cell', { name: 'открыл(а) в программе' })
		    .waitFor();
		await kchief.getByRole('link', { name: 'Иванова Анна Сергеевна' })
		    .waitFor();
		await axe(kchief, 'glass review');
		await shot(kchief, '17-glass-review');
		await kchief.getByLabel(lab('С даты')).fill('01.01.2999');
		await kchief.getByRole('button', { name: 'Показать' }).click();
		await kchief.getByText('Никто не открывал чужих дел.').waitFor();
		check(await kchief.title() !== '1', 'XSS ran');
	});
	await step('supervisor-dashboard', async () => {
		await kchief.getByRole('link', { name: 'Показатели региона' })
		    .click();
		const t = kchief.getByRole('region', {
		    name: /^Показатели региона RU-KLU по кварталам/ });
		await t.getByRole('columnheader', { name: 'зарегистрированы' })
		    .waitFor();
		const y = new Date().getUTCFullYear();
		await t.getByRole('row', { name: new RegExp(`^${y - 4}-Q1 `) })
		    .waitFor();
		// Each year's figures say when they were counted (its snapshot).
		await kchief.getByText(new RegExp(`^${y}: по состоянию на ` +
		    '\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d')).waitFor();
		await kchief.getByRole('img', { name: /^Показатели региона RU-KLU/ })
		    .waitFor();
		await kchief.getByRole('checkbox', { name: 'на сопровождении' })
		    .uncheck();
		await kchief.getByRole('checkbox', { name: 'жильё: своё' }).check();
		await kchief.getByRole('button', { name: 'Показать' }).click();
		await t.getByRole('columnheader', { name: 'жильё: своё' })
		    .waitFor();
		await axe(kchief, 'dashboard');
		await shot(kchief, '20-dashboard');
	});
	await step('csrf-from-another-origin', async () => {
		// A page of another origin on the same site (127.0.0.1, another
		// port: the SameSite=Strict cookie of Kaluga's session goes
		// along) posts to Kaluga's pages: refused by the Origin check.
		const srv = https.createServer({
		    cert: fs.readFileSync(path.join(env.WORK, 'SMO/tls.crt')),
		    key: fs.readFileSync(path.join(env.WORK, 'SMO/tls.key')) },
		    (q, a) => { a.writeHead(200, { 'Content-Type':
			'text/html' }); a.end('<!doctype html><title>x</title>'); });
		await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
		const evil = await other.context().newPage();
		await evil.goto(`https://127.0.0.1:${srv.address().port}/`);
		const got = await evil.evaluate(async ([u, id]) => {
			const x = await fetch(`${u}/api/dossiers/${id}/event/add`,
			    { method: 'POST', credentials: 'include',
			    mode: 'no-cors', headers: { 'Content-Type':
			    'text/plain' }, body: JSON.stringify({ date:
			    '2024-03-01', type: 'other', text: 'CSRF' }) });
			return x.type;
		}, [KLU, dossierId]);
		check(got === 'opaque', `the request was not sent: ${got}`);
		srv.close();
		await evil.close();
		const d = await apiAs(other, 'GET', `/api/dossiers/${dossierId}`);
		check(d.status === 200, `read ${d.status}`);
		check(!d.data.dossier.events.some((e) => e.text === 'CSRF'),
		    'a request from another origin wrote an event');
	});

	const aud = await newPage(browser, KLU);
	await step('auditor-finds-it', async () => {
		await login(aud, 'inspector');
		await aud.getByRole('heading', { name: 'Журнал аудита' })
		    .waitFor();
		await aud.getByLabel(lab('Дело (номер)')).fill(dossierId);
		await aud.getByRole('button', { name: 'Показать' }).click();
		await aud.getByRole('cell', { name: 'break-the-glass' }).first()
		    .waitFor();
		await aud.getByRole('cell', { name: `Замещаю коллегу ${XSS}` })
		    .waitFor();
		await aud.getByRole('cell', { name: 'refused' }).first().waitFor();
		await aud.getByRole('cell', { name: 'transfer accept' }).waitFor();
		await aud.getByRole('button', {
		    name: 'Проверить целостность журнала' }).click();
		await aud.getByText('Журнал цел').waitFor();
		const [dl] = await Promise.all([aud.waitForEvent('download'),
		    aud.getByRole('button', { name: 'Скачать CSV' }).click()]);
		const csv = fs.readFileSync(await dl.path(), 'utf8');
		check(csv.includes('seq,at,login,role,addr,action'),
		    'the CSV has no header');
		check(csv.includes('break-the-glass'), 'the CSV lacks the grant');
		check(await aud.locator('main img').count() === 0,
		    'a reason became an element');
		await axe(aud, 'the audit log');
		await shot(aud, '11-audit');
	});
	const adm = await newPage(browser, SMO);
	await step('admin-accounts', async () => {
		await login(adm, 'boss', totp(env.SMO_TOTP));
		await adm.getByRole('heading', { name: 'Состояние узла' })
		    .waitFor();
		await adm.getByRole('cell', { name: 'RU-KLU', exact: true })
		    .first().waitFor();
		await adm.getByText('Регион RU-SMO.').waitFor();
		await adm.getByRole('heading', { name: 'Сверка с соседями' })
		    .waitFor();
		await adm.getByRole('heading', { name: 'Статистика' }).waitFor();
		await adm.getByText(/^(Последний раз статистика подготовлена|Статистика ещё не готовилась)/)
		    .waitFor();
		// The rest of what 'opora status' lists: the refused change
		// of the story, in the last day.
		await adm.getByRole('heading', { name: 'Требует внимания' })
		    .waitFor();
		await adm.getByText(/^За последние сутки отвергнуто: \d+ изменени/)
		    .waitFor();
		await axe(adm, 'node health');
		await shot(adm, '14-status');
		// The history this node lost (run.sh seeds one): reported,
		// then acknowledged on its page, and no longer reported.
		await adm.getByText(/^Узел потерял историю 1 дела/).waitFor();
		await adm.getByRole('link', { name: 'Потерянные истории' })
		    .click();
		await adm.getByRole('heading', { name: 'Потерянные истории' })
		    .waitFor();
		const lost = adm.getByRole('region', {
		    name: 'Потерянные истории' });
		await lost.getByRole('cell', { name:
		    /узел потерял историю под своими изменениями; 1 изменение ждёт от RU-KLU/ })
		    .waitFor();
		await axe(adm, 'lost histories');
		await shot(adm, '24-lost');
		await lost.getByRole('button', { name:
		    'Подтвердить потерю 0f0e0d0c-0b0a-8909-8807-060504030201' })
		    .click();
		await adm.getByText(/^Потеря истории дела 0f0e0d0c-.* подтверждена\.$/)
		    .waitFor();
		await lost.getByRole('button', { name: /^Снова сообщать о / })
		    .waitFor();
		await lost.getByRole('cell', { name: /^boss, / }).waitFor();
		await go(adm, 'Состояние узла');
		await adm.getByRole('heading', { name: 'Требует внимания' })
		    .waitFor();
		check(await adm.getByText(/^Узел потерял историю/).count() === 0,
		    'an acknowledged history still reported');
		await go(adm, 'Учётные записи');
		await adm.getByRole('heading', { name: 'Учётные записи' })
		    .waitFor();
		await adm.getByRole('cell', { name: 'inspector', exact: true })
		    .first().waitFor();
		await adm.getByText('5 учётных записей.').waitFor();
		const v = adm.locator('#app-view');
		await v.getByText('Создать учётную запись').click();
		await v.getByLabel(lab('Логин')).fill('novikova');
		await v.getByLabel(lab('Имя и фамилия')).fill('Нина Новикова');
		await v.getByLabel(lab('Роль')).selectOption('curator');
		await v.getByLabel(lab('Центр')).fill('Смоленский центр');
		await v.getByRole('button', { name: 'Создать' }).click();
		await adm.getByText('6 учётных записей.').waitFor();
		onetime = await adm.locator('code.secret').first().textContent();
		check(onetime.length >= 12, `one-time password ${onetime}`);
		await axe(adm, 'accounts');
		await shot(adm, '12-accounts');
	});
	await step('admin-rejected-changes', async () => {
		await go(adm, 'Состояние узла');
		await adm.getByRole('link', {
		    name: 'Отвергнутые изменения и их причины' }).click();
		await adm.getByRole('heading', { name: 'Отвергнутые изменения' })
		    .waitFor();
		const t = adm.getByRole('region', {
		    name: 'Отвергнутые изменения' });
		await t.getByRole('cell', { name: 'подпись не сходится' })
		    .waitFor();
		await t.getByRole('cell', { name: 'RU-KLU (файл)' }).waitFor();
		await axe(adm, 'refused changes');
		await shot(adm, '21-rejected');
	});
	await step('admin-peers', async () => {
		await go(adm, 'Соседи');
		await adm.getByText('Регион RU-SMO. 2 соседа.').waitFor();
		const v = adm.locator('#app-view');
		await v.getByRole('button', { name: 'Добавить соседа' }).click();
		await v.getByText('Выберите файл карточки.').waitFor();
		// A forged card: refused with the node's reason.
		await v.getByLabel('Карточка соседа').setInputFiles({
		    name: 'forged.card', mimeType: 'application/json',
		    buffer: Buffer.from(fs.readFileSync(env.PEER_CARD, 'utf8')
			.replace('127.0.0.1', '127.0.0.2')) });
		await v.getByRole('button', { name: 'Добавить соседа' }).click();
		await v.getByText(/^Проверьте поля формы. \(the card is refused/)
		    .waitFor();
		await v.getByLabel('Карточка соседа').setInputFiles(
		    env.PEER_CARD);
		await v.getByRole('button', { name: 'Добавить соседа' }).click();
		await v.getByText(/^Сосед добавлен: RU-TVE, https:/).waitFor();
		await adm.getByText('Регион RU-SMO. 3 соседа.').waitFor();
		await v.getByRole('cell', { name: 'ещё не связывались' })
		    .waitFor();
		await axe(adm, 'peers');
		await shot(adm, '16-peers');
		// The key of a peer revoked, said back and confirmed first.
		await v.getByRole('button', { name: 'Отозвать ключ RU-TVE' })
		    .click();
		await v.getByRole('button', { name: 'Далее' }).click();
		await v.getByText('Заполните это поле.').waitFor();
		await v.getByLabel(lab('Отклонять подписанное с')).fill(
		    '01.11.2026');
		await v.getByRole('button', { name: 'Далее' }).click();
		await v.getByText(/^Отозвать ключ [0-9a-f]{16} региона RU-TVE с 01\.11\.2026\?/)
		    .waitFor();
		await axe(adm, 'key revocation');
		await shot(adm, '22-revoke-key');
		await v.getByRole('button', { name: 'Да, отозвать ключ' }).click();
		await v.getByText(/^Ключ [0-9a-f]{16} региона RU-TVE отозван с 2026-11-01/)
		    .waitFor();
		await v.getByRole('button', { name: 'Удалить RU-TVE' }).click();
		await v.getByRole('button', { name: 'Отмена' }).click();
		await v.getByRole('button', { name: 'Удалить RU-TVE' }).click();
		await v.getByRole('button', { name: 'Да, удалить RU-TVE' })
		    .click();
		await v.getByText('Сосед RU-TVE удалён; его ключам больше нет ' +
		    'доверия.').waitFor();
		await adm.getByText('Регион RU-SMO. 2 соседа.').waitFor();
	});
	await step('researcher-queries-and-downloads', async () => {
		const res = await newPage(browser, FED);
		await login(res, 'reso');
		await res.getByRole('heading', { name: 'Статистика' }).waitFor();
		await res.getByRole('button', { name: 'Показать', exact: true })
		    .click();
		await res.getByText(/^Выпуск 1, порог 5; регионов в выпуске: 1\. /)
		    .waitFor();
		const f = res.getByRole('row', { name: /^RU-SMO женщины / });
		const n = Number(await f.locator('td').nth(2).textContent());
		check(n >= 5 && n <= 10, `women of Smolensk: ${n}`);
		await res.getByRole('row', { name: /^RU-SMO мужчины скрыто/ })
		    .waitFor();
		await res.getByText(/^«скрыто» — статус C \(конфиденциально\)/)
		    .waitFor();
		await res.getByRole('img', { name: /^Диаграмма опубликованных/ })
		    .waitFor();
		await res.getByRole('region', { name: 'Охват за 2025' })
		    .getByRole('row', { name: /^RU-SMO \d+ \d+ \d+ %$/ })
		    .waitFor();
		await axe(res, 'statistics');
		await shot(res, '18-statistics');
		const [dl] = await Promise.all([res.waitForEvent('download'),
		    res.getByRole('button', { name: 'Скачать CSV' }).click()]);
		const csv = fs.readFileSync(await dl.path(), 'utf8');
		check(csv.includes(`counted,2025,RU-SMO,F,${n},F`),
		    `CSV: ${csv}`);
		check(csv.includes('counted,2025,RU-SMO,M,,C'), `CSV: ${csv}`);
		// By years of birth too, then the flows as a matrix.
		await res.getByLabel('годам рождения').check();
		await res.getByRole('button', { name: 'Показать', exact: true })
		    .click();
		await res.getByRole('row', { name: /^RU-SMO женщины 2005-2009 / })
		    .waitFor();
		// Sokolova's move this year: one person, so hidden.
		await res.getByLabel(lab('Год')).fill(String(
		    new Date().getUTCFullYear()));
		await res.getByRole('button', { name: 'Показать потоки' }).click();
		await res.getByText(/^Выпуск 1\. Строки — откуда/).waitFor();
		const m = res.getByRole('region', { name: /^Переезды за / });
		await m.getByRole('columnheader', { name: 'RU-KLU' }).waitFor();
		await m.getByRole('row', { name: /^RU-SMO .*скрыто/ }).waitFor();
		await axe(res, 'statistics with flows');
		await shot(res, '19-flows');
	});
	await step('one-time-password-changed-first', async () => {
		const nv = await newPage(browser, SMO);
		await nv.goto(`${SMO}/`);
		await nv.getByLabel(lab('Логин')).fill('novikova');
		await nv.getByLabel(lab('Пароль')).fill(onetime);
		await nv.getByRole('button', { name: 'Войти' }).click();
		await nv.getByRole('heading', { name: 'Смена пароля' }).waitFor();
		await nv.goto(`${SMO}/#/search`);
		// The router has heard of the new address (it may hear late:
		// ROUTER_LATE_MS) and still shows the password page.
		await nv.locator('.page[data-hash="#/search"]').waitFor();
		await nv.getByRole('heading', { name: 'Смена пароля' }).waitFor();
		await nv.getByLabel(lab('Текущий пароль')).fill(onetime);
		await nv.getByLabel(lab('Новый пароль')).fill('sinyaya-lodka-2031');
		await nv.getByLabel(lab('Новый пароль ещё раз'))
		    .fill('sinyaya-lodka-2031');
		await nv.getByRole('button', { name: 'Сменить пароль' }).click();
		// Then the page that was asked for.
		await nv.getByRole('heading', { name: 'Поиск' }).waitFor();
		await nv.context().close();
	});
	await step('password-page', async () => {
		await go(adm, 'Смена пароля');
		await adm.getByLabel(lab('Текущий пароль')).fill(PW);
		await adm.getByLabel(lab('Новый пароль'))
		    .fill('password');
		await adm.getByLabel(lab('Новый пароль ещё раз')).fill('password1');
		await adm.getByRole('button', { name: 'Сменить пароль' }).click();
		await adm.getByText('Пароли не совпадают.').waitFor();
		await axe(adm, 'the password change');
	});
	await step('text-that-reorders-is-shown', async () => {
		// A surname holding U+202E (which would show the rest of the
		// line backwards), a name holding a C1 control and U+061C (a
		// bidirectional mark too): accepted as text, shown as the CLI
		// shows them, \xNN of their bytes.
		await go(cur, 'Новый выпускник');
		await cur.getByLabel(lab('Фамилия')).fill('Орлова\u202eаволроС');
		await cur.getByLabel(lab('Имя')).fill('Вера\u009b\u061c');
		await cur.getByLabel(lab('Дата рождения')).fill('03.03.2004');
		await cur.getByLabel(lab('Пол')).selectOption('F');
		await cur.getByRole('button', { name: 'Зарегистрировать' })
		    .click();
		await cur.getByRole('heading',
		    { name: 'Орлова\\xe2\\x80\\xaeаволроС ' +
		    'Вера\\xc2\\x9b\\xd8\\x9c' })
		    .waitFor();
		const text = await cur.locator('main').innerText();
		check(!/[\u0080-\u009f\u061c\u202e]/.test(text),
		    'a reordering or control character reached the page');
		await shot(cur, '25-reordering-text');
	});
	await step('no-page-errors', async () => {
		check(pageErrors.length === 0, pageErrors.join('; '));
	});
} finally {
	await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
