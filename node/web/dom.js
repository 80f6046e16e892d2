// node/web/dom.js: building the pages' elements.  Text only ever goes in
// as text (textContent, text nodes, attribute values): never as HTML.

import { parseDate, fmtDate, snilsState } from './ru.js';

// Characters that reorder a line (the bidirectional controls, U+061C
// among them) or are controls (C1) are shown, not obeyed, as the CLI shows them (protocol/esc.h): a peer's or a person's
// text cannot make a line read backwards ("U+202E") or hide what follows.
// Each is written as the \xNN of its UTF-8 bytes.
const HIDDEN = /[\u0080-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const utf8 = new TextEncoder();
export function shown(s) {
	return String(s).replace(HIDDEN, (c) => Array.from(utf8.encode(c),
	    (b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''));
}

let uniq = 0;
export function uid(prefix) {
	uniq++;
	return `${prefix}-${uniq}`;
}

// h('p', {class: 'x', onclick: fn}, 'text', child, ...)
export function h(tag, props, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(props || {})) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k.startsWith('on') && typeof v === 'function')
			e.addEventListener(k.slice(2), v);
		else if (k === 'class')
			e.className = v;
		else if (k === 'for')
			e.htmlFor = v;
		else if (k === 'value')
			e.value = v;
		else if (v === true)
			e.setAttribute(k, '');
		else
			e.setAttribute(k, String(v));
	}
	for (const k of kids.flat()) {
		if (k === undefined || k === null || k === false)
			continue;
		e.append(k instanceof Node ? k : document.createTextNode(shown(k)));
	}
	return e;
}

export function clear(e) {
	while (e.firstChild)
		e.firstChild.remove();
	return e;
}

// A live region for a form's outcome: say(text, 'error'|'ok').
export function status() {
	const p = h('p', { class: 'status', role: 'status',
	    'aria-live': 'polite' });
	p.say = (text, kind) => {
		p.textContent = shown(text || '');
		p.className = `status ${kind || ''}`;
	};
	return p;
}

// A labelled field.  opts: type ('text', 'date', 'snils', 'select',
// 'textarea', 'password'), required, options ([[value, label]]), value,
// hint, autocomplete.  The element returned has .input and .value():
// for a date, the ISO date or '' (null when it is not a date).
export function field(label, name, opts = {}) {
	const id = uid(name);
	const hintId = `${id}-hint`;
	const errId = `${id}-err`;
	const type = opts.type || 'text';
	let input;
	if (type === 'select') {
		input = h('select', { id, name });
		for (const [v, l] of opts.options || [])
			input.append(h('option', { value: v }, l));
		if (opts.value !== undefined)
			input.value = opts.value;
	} else if (type === 'textarea') {
		input = h('textarea', { id, name, rows: 3 });
		input.value = opts.value || '';
	} else {
		input = h('input', {
			id, name,
			type: type === 'password' ? 'password' : 'text',
			autocomplete: opts.autocomplete || 'off',
			inputmode: type === 'date' || type === 'snils' ?
			    'numeric' : undefined,
			placeholder: type === 'date' ? 'ДД.ММ.ГГГГ' :
			    (type === 'snils' ? '112-233-445 95' : undefined),
		});
		input.value = type === 'date' ? fmtDate(opts.value || '') :
		    (opts.value || '');
	}
	if (opts.required)
		input.setAttribute('aria-required', 'true');
	const hint = opts.hint || (type === 'date' ? 'ДД.ММ.ГГГГ' : '');
	const err = h('p', { class: 'field-err', id: errId,
	    'aria-live': 'polite' });
	input.setAttribute('aria-describedby', hint ? `${hintId} ${errId}` :
	    errId);
	const wrap = h('div', { class: 'field' },
	    h('label', { for: id }, label, opts.required ?
		h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : ''),
	    hint ? h('p', { class: 'hint', id: hintId }, hint) : '',
	    input, err);
	wrap.input = input;
	wrap.name = name;
	wrap.setError = (t) => {
		err.textContent = t || '';
		if (t)
			input.setAttribute('aria-invalid', 'true');
		else
			input.removeAttribute('aria-invalid');
	};
	wrap.value = () => {
		const v = input.value.trim();
		if (type === 'date')
			return v === '' ? '' : parseDate(v);
		return v;
	};
	// Checked as it is typed, and once more when it is left.
	wrap.check = (final) => {
		const v = input.value.trim();
		if (opts.required && v === '' && final) {
			wrap.setError('Заполните это поле.');
			return false;
		}
		if (type === 'date' && v !== '' && parseDate(v) === null) {
			if (final || /^\d{1,2}[./]\d{1,2}[./]\d{4}$/.test(v)) {
				wrap.setError('Дата пишется как ДД.ММ.ГГГГ, ' +
				    'например 09.01.2024.');
				return false;
			}
		}
		if (type === 'snils') {
			const s = snilsState(v);
			if (s === 'bad' || s === 'long' ||
			    (s === 'short' && final)) {
				wrap.setError(s === 'bad' ? 'СНИЛС неверен: ' +
				    'не сходится контрольное число.' :
				    'В СНИЛС 11 цифр.');
				return false;
			}
			if (s === 'ok' && v !== '') {
				wrap.setError('');
				err.textContent = 'Контрольное число сходится.';
				return true;
			}
		}
		wrap.setError('');
		return true;
	};
	if (type === 'snils' || type === 'date')
		input.addEventListener('input', () => wrap.check(false));
	input.addEventListener('blur', () => wrap.check(true));
	return wrap;
}

// A form of fields; submit(values) is called with {name: value} of the
// non-empty fields (dates as ISO) once every field checks.
export function form(title, fields, submitLabel, submit, opts = {}) {
	const st = status();
	const btn = h('button', { type: 'submit' }, submitLabel);
	const f = h('form', { class: 'form', novalidate: true,
	    'aria-label': title },
	    fields, h('div', { class: 'actions' }, btn), st);
	f.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		let ok = true, first = null;
		for (const x of fields) {
			if (!x.check(true)) {
				ok = false;
				first = first || x.input;
			}
		}
		if (!ok) {
			st.say('Исправьте отмеченные поля.', 'error');
			first.focus();
			return;
		}
		const v = {};
		for (const x of fields) {
			const val = x.value();
			if (val !== '' || opts.keepEmpty)
				v[x.name] = val;
		}
		btn.disabled = true;
		try {
			await submit(v, st);
		} finally {
			btn.disabled = false;
		}
	});
	f.status = st;
	return f;
}

// A table: head (labels) and rows (arrays of cells: text or nodes).
export function table(caption, head, rows) {
	// Scrolls sideways on a phone: a region that the keyboard reaches.
	return h('div', { class: 'table-wrap', role: 'region', tabindex: '0',
	    'aria-label': caption },
	    h('table', {},
		h('caption', {}, caption),
		h('thead', {}, h('tr', {},
		    head.map((x) => h('th', { scope: 'col' }, x)))),
		h('tbody', {}, rows.map((r) => h('tr', r.attrs || {},
		    (r.cells || r).map((c) => h('td', {}, c)))))));
}

export function link(href, text) {
	return h('a', { href }, text);
}
