// node/web/app.js: the pages' frame: login, the navigation by role, the
// session's expiry warning, and the router (#/page/arguments).

import { call, setSession, clearSession, session, onExpired, secondsLeft }
    from './api.js';
import { h, clear } from './dom.js';
import { roles, errorText, count } from './ru.js';
import * as curator from './curator.js';
import * as decide from './decide.js';
import * as admin from './admin.js';
import * as research from './research.js';

// Every page: its route, title, the roles that see it in the menu.
const pages = [
	{ route: 'caseload', title: 'Мои подопечные', roles: ['curator'],
	    render: curator.caseload },
	{ route: 'search', title: 'Поиск', roles: ['curator', 'supervisor'],
	    render: curator.search },
	{ route: 'new', title: 'Новый выпускник',
	    roles: ['curator', 'supervisor'], render: curator.register },
	{ route: 'transfers', title: 'Передачи', roles: ['supervisor'],
	    render: decide.transfers },
	{ route: 'conflicts', title: 'Конфликты', roles: ['supervisor'],
	    render: decide.conflicts },
	{ route: 'duplicates', title: 'Возможные повторы',
	    roles: ['supervisor'], render: decide.duplicates },
	{ route: 'glass', title: 'Открытия чужих дел',
	    roles: ['supervisor'], render: decide.glass },
	{ route: 'dashboard', title: 'Показатели региона',
	    roles: ['supervisor'], render: research.dashboard },
	{ route: 'stats', title: 'Статистика', roles: ['researcher'],
	    render: research.stats },
	{ route: 'status', title: 'Состояние узла', roles: ['admin'],
	    render: admin.health },
	{ route: 'rejected', title: 'Отвергнутые изменения', roles: ['admin'],
	    render: admin.rejected },
	{ route: 'peers', title: 'Соседи', roles: ['admin'],
	    render: admin.peers },
	// Reached from the health page when there is something to show.
	{ route: 'lost', title: 'Потерянные истории', roles: [],
	    render: admin.lost },
	{ route: 'accounts', title: 'Учётные записи', roles: ['admin'],
	    render: admin.accounts },
	{ route: 'audit', title: 'Журнал аудита', roles: ['auditor'],
	    render: admin.audit },
	{ route: 'password', title: 'Смена пароля', roles: null,
	    render: passwordPage },
	{ route: 'dossier', title: 'Дело', roles: [], render: curator.dossier },
];

const $ = (id) => document.getElementById(id);
let loggedAs = null;	// the login whose pages are in #app-view

function home(role) {
	const p = pages.find((x) => x.roles && x.roles.includes(role));
	return p ? p.route : 'password';
}

function buildNav(acct) {
	const ul = clear($('navlist'));
	for (const p of pages) {
		if (p.roles !== null && !p.roles.includes(acct.role))
			continue;
		ul.append(h('li', {}, h('a', { href: `#/${p.route}`,
		    'data-route': p.route }, p.title)));
	}
	ul.append(h('li', {}, h('button', { type: 'button', class: 'linkish',
	    onclick: logout }, 'Выйти')));
	$('nav').hidden = false;
	const who = clear($('who'));
	who.append(`${acct.name} (${acct.login}), ${roles[acct.role] ||
	    acct.role}${acct.centre ? `, ${acct.centre}` : ''}`);
	who.hidden = false;
}

function showLogin(why) {
	$('app-view').hidden = true;
	$('nav').hidden = true;
	$('who').hidden = true;
	$('expiry').hidden = true;
	$('login-view').hidden = false;
	$('login-why').hidden = !why;
	$('login-why').textContent = why || '';
	$('login-password').value = '';
	$('login-code').value = '';
	document.title = 'Вход — Опора';
	// On the first load the skip link stays the first stop of Tab.
	if (why)
		$('login-login').focus();
}

// Logged in (or the session found on load): the pages of this account.
// The same login coming back after an expiry finds its page as it left
// it (a form keeps what was typed); another login starts afresh.
function entered(d, fresh) {
	setSession(d, fresh);
	$('login-view').hidden = true;
	const acct = d.account;
	buildNav(acct);
	$('app-view').hidden = false;
	if (acct.must_change_password) {
		loggedAs = acct.login;
		if (location.hash !== '#/password')
			location.hash = '#/password';
		else
			route();
		return;
	}
	if (loggedAs === acct.login && $('app-view').firstChild) {
		// Back after an expiry: the page as it was left.
		$('main').focus();
		return;
	}
	loggedAs = acct.login;
	const want = !location.hash.startsWith('#/') ||
	    location.hash === '#/password' ? `#/${home(acct.role)}` :
	    location.hash;
	if (want !== location.hash)
		location.hash = want;	/* hashchange routes */
	else
		route();
}

async function login(ev) {
	ev.preventDefault();
	const st = $('login-status');
	const body = { login: $('login-login').value.trim(),
	    password: $('login-password').value };
	const code = $('login-code').value.trim();
	if (code)
		body.code = code;
	if (!body.login || !body.password) {
		st.textContent = 'Введите логин и пароль.';
		st.className = 'status error';
		return;
	}
	st.textContent = 'Вход…';
	st.className = 'status';
	const r = await call('POST', '/api/login', body);
	if (r.status !== 200) {
		st.textContent = errorText(r);
		st.className = 'status error';
		return;
	}
	st.textContent = '';
	entered(r.data, true);
}

async function logout() {
	await call('POST', '/api/logout', {});
	clearSession();
	loggedAs = null;
	clear($('app-view'));
	showLogin('Вы вышли.');
}

function expired() {
	clearSession();
	showLogin('Сессия закончилась. Войдите снова: то, что вы ' +
	    'вводили, сохранилось на странице.');
}

// The warning: two minutes before the session ends, and a button that
// keeps it (any request does).
const WARN_S = 120;
function tick() {
	if (!session().account)
		return;
	const left = secondsLeft();
	const box = $('expiry');
	if (left <= 0) {
		expired();
		return;
	}
	if (left <= WARN_S) {
		const m = Math.max(1, Math.ceil(left / 60));
		$('expiry-text').textContent = left < 60 ?
		    `Сессия закончится меньше чем через минуту.` :
		    `Сессия закончится через ${count(m, 'минуту', 'минуты',
			'минут')}.`;
		box.hidden = false;
	} else
		box.hidden = true;
}

async function stay() {
	const r = await call('GET', '/api/me');
	if (r.status === 200)
		setSession(r.data, false);
	$('expiry').hidden = true;
	tick();
}

async function passwordPage(view) {
	admin.passwordForm(view, (d) => {
		loggedAs = null;
		entered(d, true);
	});
}

export async function route() {
	const acct = session().account;
	if (!acct)
		return;
	const hash = location.hash.startsWith('#/') ? location.hash.slice(2) :
	    home(acct.role);
	const [name, ...args] = hash.split('/').map(decodeURIComponent);
	let p = pages.find((x) => x.route === name);
	if (acct.must_change_password)
		p = pages.find((x) => x.route === 'password');
	for (const a of document.querySelectorAll('#navlist a')) {
		if (a.dataset.route === (p && p.route))
			a.setAttribute('aria-current', 'page');
		else
			a.removeAttribute('aria-current');
	}
	// Until a one-time password is changed, every address shows the
	// password page: the one shown stays, with what was typed in it,
	// rather than a new empty one (a late hashchange once emptied the
	// form under the user's typing); the address asked for is noted,
	// and shown once the password is changed (entered).
	const shown = $('app-view').firstChild;
	if (acct.must_change_password && shown &&
	    shown.dataset.route === 'password') {
		shown.dataset.hash = location.hash;
		return;
	}
	// Each rendering gets a container of its own: one that an earlier,
	// slower rendering still fills is no longer in the page.
	const view = h('div', { class: 'page' });
	view.dataset.hash = location.hash;
	if (p)
		view.dataset.route = p.route;
	clear($('app-view')).append(view);
	if (!p) {
		view.append(h('h1', {}, 'Нет такой страницы'));
		document.title = 'Нет такой страницы — Опора';
		return;
	}
	document.title = `${p.title} — Опора`;
	await p.render(view, args, acct);
	const h1 = view.querySelector('h1');
	if (h1)
		document.title = `${h1.textContent} — Опора`;
}

async function start() {
	$('login-form').addEventListener('submit', login);
	$('expiry-stay').addEventListener('click', stay);
	$('skip').addEventListener('click', (ev) => {
		ev.preventDefault();
		$('main').focus();
	});
	window.addEventListener('hashchange', () => {
		// The page of a hash is rendered once: when the hash changed
		// twice before the first event was handled, both events read
		// the second hash, and a second rendering would throw away
		// what the user began to type in the first.
		const v = $('app-view').firstChild;
		if (location.hash.startsWith('#/') &&
		    !(v && v.dataset.hash === location.hash))
			route();
	});
	onExpired(expired);
	setInterval(tick, 5000);
	const r = await call('GET', '/api/me');
	if (r.status === 200)
		entered(r.data, false);
	else
		showLogin('');
}

start();
