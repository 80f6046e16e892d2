// node/web/api.js: calls of the JSON API (docs/api.md) and the session's
// clock.  Every POST carries the session's CSRF token; an answer 401
// no_session hands over to the login view without touching the page
// underneath, so a form keeps what was typed in it.

const state = {
	csrf: '',
	idle: 1800,		// seconds a session lives without a request
	max: 43200,		// seconds it lives in all
	started: 0,		// ms: login
	last: 0,		// ms: the last answered request
	onExpired: null,	// called once when the session has ended
	account: null,
};

export function session() {
	return state;
}

// Keep what login, me and password answer.
export function setSession(d, fresh) {
	state.csrf = d.csrf;
	state.idle = d.idle_seconds || state.idle;
	state.max = d.max_seconds || state.max;
	state.account = d.account;
	state.last = Date.now();
	if (fresh || !state.started)
		state.started = Date.now();
}

export function clearSession() {
	state.csrf = '';
	state.account = null;
	state.started = 0;
}

export function onExpired(fn) {
	state.onExpired = fn;
}

// Seconds left before the session ends (the sooner of idle and maximum).
export function secondsLeft() {
	if (!state.account)
		return Infinity;
	const now = Date.now();
	const idle = state.idle - (now - state.last) / 1000;
	const max = state.max - (now - state.started) / 1000;
	return Math.min(idle, max);
}

// call('GET', '/api/me') or call('POST', path, body): {status, data}.
export async function call(method, path, body) {
	const opt = { method, headers: {}, credentials: 'same-origin',
	    cache: 'no-store' };
	if (method === 'POST') {
		opt.headers['Content-Type'] = 'application/json';
		opt.headers['X-CSRF-Token'] = state.csrf;
		opt.body = JSON.stringify(body || {});
	}
	let res;
	try {
		res = await fetch(path, opt);
	} catch (e) {
		return { status: 0, data: { error: { code: 'network' } } };
	}
	let data = {};
	try {
		data = await res.json();
	} catch (e) {
		data = {};
	}
	const code = data && data.error && data.error.code;
	if (res.status === 401 && code === 'no_session') {
		if (state.account && state.onExpired)
			state.onExpired();
	} else if (res.status !== 0 && state.account)
		state.last = Date.now();
	return { status: res.status, data };
}

// A query string of the non-empty members of o.
export function query(o) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(o))
		if (v !== undefined && v !== null && v !== '')
			q.set(k, v);
	const s = q.toString();
	return s ? `?${s}` : '';
}
