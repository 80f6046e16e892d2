// node/web/curator.js: a curator's pages (and a supervisor's): my
// caseload, search, registering a graduate, the dossier with its forms.

import { call, query, session } from './api.js';
import { h, clear, field, form, table, link, status } from './dom.js';
import {
	fmtDate, fmtHlc, age, count, plural, fields, sexes, eventTypes,
	assessment, consentScopes, transferStates, scopes, errorText, today,
} from './ru.js';

function fullName(p) {
	return [p.surname, p.name, p.patronymic].filter(Boolean).join(' ');
}

// My caseload: GET /api/caseload (docs/api.md).
export async function caseload(view) {
	view.append(h('h1', {}, 'Мои подопечные'));
	const thr = field('Контакт просрочен через, дней', 'days',
	    { value: localStorage.getItem('opora.overdue') || '30',
		hint: 'Порог хранится в этом браузере.' });
	const out = h('div', {});
	const load = async () => {
		const days = Number(thr.input.value) > 0 ?
		    Math.floor(Number(thr.input.value)) : 30;
		localStorage.setItem('opora.overdue', String(days));
		const r = await call('GET', `/api/caseload${query({ days })}`);
		clear(out);
		if (r.status !== 200) {
			out.append(h('p', { class: 'status error' },
			    errorText(r)));
			return;
		}
		const list = r.data.dossiers;
		const overdue = list.filter((x) => x.overdue).length;
		out.append(h('p', {}, `${count(list.length, 'подопечный',
		    'подопечных', 'подопечных')}; просрочен контакт у ` +
		    `${overdue}.`));
		out.append(table('Подопечные вашего центра', ['ФИО', 'Возраст',
		    'Центр', 'Эпизод', 'Последний контакт', 'Дней прошло',
		    'Конфликты', 'Поздние записи'], list.map((x) => ({
			attrs: { class: x.overdue ? 'overdue' : '' },
			cells: [link(`#/dossier/${x.dossier}`, fullName(x)),
			    x.birth_date ? String(age(x.birth_date)) : '',
			    x.centre || '',
			    x.episode_opened ? `открыт ${fmtDate(
				x.episode_opened)}` : 'нет открытого',
			    x.last_contact ? fmtDate(x.last_contact) :
				'не было',
			    x.days_since !== undefined ?
				(x.overdue ? `${x.days_since} — просрочен` :
				String(x.days_since)) : '—',
			    String(x.conflicts || 0),
			    String(x.late_notes || 0)],
		    }))));
	};
	view.append(h('form', { class: 'form inline', 'aria-label': 'Порог',
	    onsubmit: (ev) => { ev.preventDefault(); load(); } }, thr,
	    h('div', { class: 'actions' }, h('button', { type: 'submit' },
		'Показать'))), out);
	await load();
}

// Search as you type: any of the fields, partial, ё/е and case do not
// matter (the API's search).
export async function search(view) {
	view.append(h('h1', {}, 'Поиск'));
	const fs = [
		field('Фамилия', 'surname'),
		field('Имя', 'name'),
		field('Отчество', 'patronymic'),
		field('Дата рождения', 'birth_date', { type: 'date' }),
		field('СНИЛС', 'snils', { type: 'snils' }),
	];
	const st = status();
	const out = h('div', {});
	let seq = 0, timer = null;
	const run = async () => {
		const q = {};
		for (const f of fs) {
			const v = f.value();
			if (v === null)
				return;
			if (f.name === 'snils' && v !== '' &&
			    v.replace(/\D/g, '').length !== 11)
				return;
			if (v !== '')
				q[f.name] = v;
		}
		if (Object.keys(q).length === 0) {
			clear(out);
			st.say('');
			return;
		}
		const my = ++seq;
		const r = await call('GET', `/api/search${query(q)}`);
		if (my !== seq)
			return;
		clear(out);
		if (r.status !== 200) {
			st.say(errorText(r), 'error');
			return;
		}
		const d = r.data.dossiers;
		st.say(d.length === 0 ? 'Никого не нашлось.' :
		    `Нашлось: ${count(d.length, 'дело', 'дела', 'дел')}` +
		    `${r.data.more ? ' (показаны первые; уточните запрос)' :
			''}.`);
		if (d.length)
			out.append(table('Найденные дела', ['ФИО',
			    'Дата рождения', 'Регион'], d.map((x) => [
				link(`#/dossier/${x.dossier}`, fullName(x)),
				fmtDate(x.birth_date), x.custodian || ''])));
	};
	for (const f of fs)
		f.input.addEventListener('input', () => {
			clearTimeout(timer);
			timer = setTimeout(run, 250);
		});
	view.append(h('form', { class: 'form grid', role: 'search',
	    'aria-label': 'Поиск дел', onsubmit: (ev) => {
		ev.preventDefault(); run(); } }, fs), st, out);
	fs[0].input.focus();
}

function personFields(p = {}, add = true) {
	return [
		field('Фамилия', 'surname', { required: add, value: p.surname }),
		field('Имя', 'name', { required: add, value: p.name }),
		field('Отчество', 'patronymic', { value: p.patronymic }),
		field('Дата рождения', 'birth-date', { type: 'date',
		    required: add, value: p.birth_date }),
		field('Пол', 'sex', { type: 'select', required: add,
		    value: p.sex || '', options: [['', add ? 'выберите' :
			'не менять'], ['F', 'женский'], ['M', 'мужской']] }),
		field('СНИЛС', 'snils', { type: 'snils', value: p.snils }),
		field('Организация, которую окончил', 'institution',
		    { value: p.institution }),
		field('Дата выпуска', 'graduated', { type: 'date',
		    value: p.graduated }),
		field('Телефон', 'phone', { value: p.phone }),
		field('Эл. почта', 'email', { value: p.email }),
		field('Адрес', 'address', { value: p.address }),
	];
}

// Register a graduate (person add), with the duplicate check.
export async function register(view) {
	view.append(h('h1', {}, 'Новый выпускник'));
	const dup = h('div', {});
	let force = false;
	const f = form('Регистрация выпускника', personFields(),
	    'Зарегистрировать', async (v, st) => {
		if (force)
			v.force = true;
		const r = await call('POST', '/api/persons', v);
		if (r.status === 201) {
			location.hash = `#/dossier/${r.data.dossier}`;
			return;
		}
		st.say(errorText(r), 'error');
		clear(dup);
		if (r.status === 409 && r.data.error.code === 'duplicate') {
			dup.append(h('p', {}, 'Похожие дела на этом узле:'),
			    h('ul', {}, (r.data.dossiers || []).map((id) =>
				h('li', {}, link(`#/dossier/${id}`,
				    `дело ${id}`)))),
			    h('button', { type: 'button', onclick: () => {
				force = true;
				f.requestSubmit();
			    } }, 'Это другой человек — зарегистрировать'));
		}
	});
	view.append(f, dup);
}

// One line of the timeline, from any kind of entry.
function entries(d) {
	const out = [];
	for (const e of d.episodes || []) {
		out.push({ date: e.opened, kind: 'episode', e,
		    title: `Открыт эпизод сопровождения: ${e.centre}, ` +
			`куратор ${e.curator}`, });
		if (e.closed)
			out.push({ date: e.closed, kind: 'episode', e,
			    title: `Закрыт эпизод сопровождения${e.reason ?
				`: ${e.reason}` : ''}` });
	}
	for (const e of d.events || [])
		out.push({ date: e.date, kind: e.type, e,
		    title: `${eventTypes[e.type] || e.type}: ${e.text}` });
	for (const e of d.assessments || [])
		out.push({ date: e.date, kind: 'assessment', e,
		    title: 'Оценка: ' + Object.keys(assessment).filter((k) =>
			e[k]).map((k) => `${assessment[k][0].toLowerCase()} — ` +
			`${assessment[k][1][e[k]] || e[k]}`).join(', ') });
	for (const e of d.consents || [])
		out.push({ date: e.date, kind: 'consent', e,
		    title: `Согласие: ${consentScopes[e.scope] || e.scope}, ` +
			`документ ${e.document}${e.withdrawn ?
			`; отозвано ${fmtDate(e.withdrawn)}` : ''}` });
	for (const e of d.transfers || [])
		out.push({ date: fmtHlc(e.hlc).slice(0, 10).split('.')
		    .reverse().join('-'), kind: 'transfer', e,
		    title: `Передача ${e.from} → ${e.to}: ` +
			`${transferStates[e.state] || e.state}; причина: ` +
			`${e.reason}` });
	out.sort((a, b) => (b.date || '').localeCompare(a.date || '') ||
	    (b.e.hlc || '').localeCompare(a.e.hlc || ''));
	return out;
}

const kindNames = Object.assign({}, eventTypes, { episode: 'эпизод',
    assessment: 'оценка', consent: 'согласие', transfer: 'передача' });

function timeline(d) {
	const all = entries(d);
	const regions = [...new Set(all.map((x) => x.e.region).filter(Boolean))];
	const kinds = [...new Set(all.map((x) => x.kind))];
	const fk = field('Тип', 'kind', { type: 'select', options: [['',
	    'все']].concat(kinds.map((k) => [k, kindNames[k] || k])) });
	const fr = field('Регион', 'region', { type: 'select', options: [['',
	    'все']].concat(regions.map((r) => [r, r])) });
	const list = h('ol', { class: 'timeline' });
	const shown = h('p', { role: 'status', 'aria-live': 'polite' });
	const draw = () => {
		clear(list);
		const sel = all.filter((x) => (!fk.input.value ||
		    x.kind === fk.input.value) && (!fr.input.value ||
		    x.e.region === fr.input.value));
		shown.textContent = `Показано ${count(sel.length, 'запись',
		    'записи', 'записей')} из ${all.length}.`;
		for (const x of sel) {
			const marks = [];
			if (x.e.late === '1')
				marks.push('поздняя запись');
			if (x.e.amended && x.e.amended !== '0')
				marks.push('исправлено');
			if (x.e.retracted === '1')
				marks.push(`отозвано${x.e.retract_reason ?
				    `: ${x.e.retract_reason}` : ''}`);
			list.append(h('li', { class: x.e.retracted === '1' ?
			    'retracted' : '' },
			    h('p', { class: 'when' }, fmtDate(x.date)),
			    h('p', { class: 'what' }, x.title),
			    h('p', { class: 'by' }, `${x.e.region || ''}, ` +
				`${x.e.user || ''}${x.e.hlc ? `, записано ` +
				`${fmtHlc(x.e.hlc)}` : ''}`),
			    marks.length ? h('p', { class: 'marks' },
				marks.join('; ')) : ''));
		}
	};
	fk.input.addEventListener('change', draw);
	fr.input.addEventListener('change', draw);
	draw();
	return h('section', { 'aria-labelledby': 'tl-h' },
	    h('h2', { id: 'tl-h' }, 'История'),
	    h('div', { class: 'form inline', role: 'group',
		'aria-label': 'Отбор записей' }, fk, fr), shown, list);
}

// Assessments over time: one small chart per dimension (Chart.js, when
// the node serves it), always with the same figures as a table.
function assessments(d) {
	const list = (d.assessments || []).slice().sort((a, b) =>
	    a.date.localeCompare(b.date));
	const sec = h('section', { 'aria-labelledby': 'as-h' },
	    h('h2', { id: 'as-h' }, 'Оценки'));
	if (list.length === 0) {
		sec.append(h('p', {}, 'Оценок пока нет.'));
		return sec;
	}
	const charts = h('div', { class: 'charts' });
	for (const [k, [label, vals]] of Object.entries(assessment)) {
		const pts = list.filter((a) => a[k]);
		if (pts.length === 0 || !globalThis.Chart)
			continue;
		const labels = Object.values(vals);
		const cv = h('canvas', { role: 'img', 'aria-label':
		    `${label}: ${pts.map((a) => `${fmtDate(a.date)} — ` +
			`${vals[a[k]] || a[k]}`).join('; ')}` });
		charts.append(h('figure', { class: 'chart' },
		    h('figcaption', {}, label), cv));
		new globalThis.Chart(cv, {
			type: 'line',
			data: { labels: pts.map((a) => fmtDate(a.date)),
			    datasets: [{ label, data: pts.map((a) =>
				vals[a[k]] || a[k]), stepped: true,
				borderColor: '#1d4f91' }] },
			options: { animation: false, maintainAspectRatio: false,
			    plugins: { legend: { display: false } },
			    scales: { y: { type: 'category', labels,
				reverse: true } } },
		});
	}
	sec.append(charts, table('Оценки по датам', ['Дата'].concat(
	    Object.values(assessment).map((x) => x[0]), ['Регион, автор']),
	    list.map((a) => [fmtDate(a.date)].concat(Object.entries(
		assessment).map(([k, [, vals]]) => vals[a[k]] || ''),
		[`${a.region}, ${a.user}`]))));
	return sec;
}

function opts(o) {
	return Object.entries(o);
}

// The forms of the record commands on one dossier.
function actions(id, d, acct, reload) {
	const post = (path) => async (v, st) => {
		const r = await call('POST', `/api/dossiers/${id}/${path}`, v);
		if (r.status === 201)
			await reload(`Сохранено: ${titles[path] || path}.`);
		else
			st.say(errorText(r), 'error');
	};
	const pick = (list, label, name, fmt) => field(label, name, {
		type: 'select', required: true, options: [['', 'выберите']]
		    .concat(list.map((e) => [e.id, fmt(e)])) });
	const evs = (d.events || []).filter((e) => e.retracted !== '1');
	const eps = (d.episodes || []).filter((e) => !e.closed);
	const cons = (d.consents || []).filter((e) => !e.withdrawn);
	const evText = (e) => `${fmtDate(e.date)} ${eventTypes[e.type] ||
	    e.type}: ${e.text.slice(0, 60)}`;
	const sections = [
		['event/add', 'Добавить событие', [
			field('Дата', 'date', { type: 'date', required: true,
			    value: today() }),
			field('Тип', 'type', { type: 'select', required: true,
			    options: [['', 'выберите']].concat(
				opts(eventTypes)) }),
			field('Что произошло', 'text', { type: 'textarea',
			    required: true })]],
		['event/amend', 'Исправить событие', [
			pick(evs, 'Событие', 'entry', evText),
			field('Новая дата', 'date', { type: 'date' }),
			field('Новый тип', 'type', { type: 'select',
			    options: [['', 'не менять']].concat(
				opts(eventTypes)) }),
			field('Новый текст', 'text', { type: 'textarea' })]],
		['event/retract', 'Отозвать ошибочное событие', [
			pick(evs, 'Событие', 'entry', evText),
			field('Причина', 'reason', { required: true })]],
		['person/set', 'Изменить карточку', personFields(d.person,
		    false)],
		['episode/open', 'Открыть эпизод сопровождения', [
			field('Центр', 'centre', { required: true,
			    value: acct.centre }),
			field('Куратор', 'curator', { required: true,
			    value: acct.login }),
			field('Дата', 'date', { type: 'date', required: true,
			    value: today() })]],
		['episode/close', 'Закрыть эпизод', [
			pick(eps, 'Эпизод', 'entry', (e) => `${e.centre}, с ` +
			    `${fmtDate(e.opened)}`),
			field('Дата', 'date', { type: 'date', required: true,
			    value: today() }),
			field('Причина', 'reason')]],
		['assessment/add', 'Записать оценку', [
			field('Дата', 'date', { type: 'date', required: true,
			    value: today() })].concat(Object.entries(assessment)
			    .map(([k, [label, vals]]) => field(label, k, {
				type: 'select', options: [['', 'не оценено']]
				    .concat(opts(vals)) })))],
		['consent/add', 'Записать согласие', [
			field('На что', 'scope', { type: 'select',
			    required: true, options: [['', 'выберите']]
				.concat(opts(consentScopes)) }),
			field('Дата подписания', 'date', { type: 'date',
			    required: true, value: today() }),
			field('Документ', 'document', { required: true })]],
		['consent/withdraw', 'Отозвать согласие', [
			pick(cons, 'Согласие', 'entry', (e) =>
			    `${consentScopes[e.scope] || e.scope}, ` +
			    `${fmtDate(e.date)}`),
			field('Дата отзыва', 'date', { type: 'date',
			    required: true, value: today() })]],
	];
	if (acct.role === 'supervisor')
		sections.push(['assign', 'Закрепить за центром', [
			field('Центр', 'centre', { required: true,
			    hint: 'Кураторы этого центра будут вести дело.' })]
		], ['transfer/offer', 'Передать в другой регион', [
			field('Регион (код ISO 3166-2)', 'to', {
			    required: true, hint: 'Например RU-KLU' }),
			field('Причина', 'reason', { required: true })]]);
	const titles = Object.fromEntries(sections.map((s) => [s[0],
	    s[1].toLowerCase()]));
	// The card's form sends only what was changed ("" clears a field).
	const p = d.person || {};
	const changed = async (v, st) => {
		const out = {};
		for (const [k, val] of Object.entries(v))
			if ((val || '') !== (p[k.replace('-', '_')] || ''))
				out[k] = val;
		if (Object.keys(out).length === 0) {
			st.say('Ничего не изменено.', 'error');
			return;
		}
		await post('person/set')(out, st);
	};
	return h('section', { 'aria-labelledby': 'act-h' },
	    h('h2', { id: 'act-h' }, 'Действия'),
	    sections.map(([path, title, fs]) => h('details', { class: 'act' },
		h('summary', {}, title), path === 'person/set' ?
		form(title, fs, 'Сохранить', changed, { keepEmpty: true }) :
		form(title, fs, 'Сохранить', post(path)))));
}

function card(d) {
	const p = d.person || {};
	const show = (k) => {
		if (k === 'sex')
			return sexes[p[k]] || p[k];
		if (k === 'birth_date' || k === 'graduated')
			return fmtDate(p[k]);
		if (k === 'snils' && /^\d{11}$/.test(p[k]))
			return `${p[k].slice(0, 3)}-${p[k].slice(3, 6)}-` +
			    `${p[k].slice(6, 9)} ${p[k].slice(9)}`;
		return p[k];
	};
	const rows = Object.keys(fields).filter((k) => k !== 'birth-date' &&
	    p[k]).map((k) => [h('dt', {}, fields[k]), h('dd', {}, show(k))]);
	return h('section', { 'aria-labelledby': 'card-h' },
	    h('h2', { id: 'card-h' }, 'Карточка'),
	    h('dl', { class: 'card' }, rows.flat(),
		h('dt', {}, 'Регион, ведущий дело'), h('dd', {}, d.custodian),
		h('dt', {}, 'Зарегистрирован'), h('dd', {}, d.origin),
		h('dt', {}, 'Записей в журнале'), h('dd', {},
		    count(d.changes, 'изменение', 'изменения', 'изменений'))));
}

// Every change of the card's fields: old -> new, by whom, where, when.
function history(r) {
	const sec = h('section', { 'aria-labelledby': 'hist-h' },
	    h('h2', { id: 'hist-h' }, 'Изменения карточки'));
	if (r.status !== 200) {
		sec.append(h('p', { class: 'status error' }, errorText(r)));
		return sec;
	}
	const show = (f, v) => v === undefined ? '—' : (v === '' ?
	    '(очищено)' : (f === 'birth_date' || f === 'graduated' ?
	    fmtDate(v) : (f === 'sex' ? (sexes[v] || v) : v)));
	const kinds = { create: 'регистрация', set: 'изменение',
	    resolve: 'решение конфликта' };
	const rows = r.data.fields.filter((x) => x.kind !== 'create')
	    .reverse();
	if (rows.length === 0) {
		sec.append(h('p', {}, 'Карточку не меняли после регистрации.'));
		return sec;
	}
	sec.append(table('Изменения полей карточки, новые сверху', ['Поле',
	    'Было', 'Стало', 'Кто и где', 'Когда'], rows.map((x) => [
		fields[x.field] || x.field, show(x.field, x.old),
		show(x.field, x.value), `${x.region}, ${x.user} ` +
		    `(${kinds[x.kind] || x.kind})`, fmtHlc(x.hlc)])));
	return sec;
}

// Break the glass: open another centre's dossier with a reason.
function glass(view, id, reload) {
	view.append(h('p', { class: 'notice' }, 'Это дело другого центра. ' +
	    'Открыть его можно, только указав причину; она попадёт в ' +
	    'журнал аудита.'));
	view.append(form('Причина открытия дела', [field('Причина',
	    'reason', { type: 'textarea', required: true,
		hint: 'Например: замещаю куратора на время отпуска.' })],
	'Открыть дело', async (v, st) => {
		const r = await call('POST', `/api/dossiers/${id}/glass`, v);
		if (r.status === 200)
			await reload();
		else
			st.say(errorText(r), 'error');
	}));
}

export async function dossier(view, args, acct) {
	const id = args[0] || '';
	const load = async (msg) => {
		const r = await call('GET', `/api/dossiers/${encodeURIComponent(
		    id)}`);
		clear(view);
		if (r.status === 403 && r.data.error.code === 'reason_required') {
			view.append(h('h1', {}, 'Дело другого центра'));
			glass(view, id, load);
			return;
		}
		if (r.status !== 200) {
			view.append(h('h1', {}, 'Дело не открыто'),
			    h('p', { class: 'status error' }, errorText(r)));
			return;
		}
		const d = r.data.dossier;
		// Counts the renderings (the browser tests wait on it).
		view.dataset.loads = String(Number(view.dataset.loads || 0) + 1);
		view.append(h('h1', {}, fullName(d.person || {}) || 'Дело'));
		const st = status();
		view.append(st);
		if (msg)
			st.say(msg, 'ok');
		view.append(h('p', { class: r.data.scope ===
		    'break-the-glass' ? 'notice' : 'meta' },
		    `${scopes[r.data.scope] || r.data.scope}; ` +
		    `${d.person && d.person.birth_date ? `${age(
			d.person.birth_date)} ${plural(age(
			d.person.birth_date), 'год', 'года', 'лет')}` : ''}`));
		if ((d.conflicts || []).some((c) => c.state === 'open'))
			view.append(h('p', { class: 'notice' }, 'В карточке ' +
			    'есть нерешённый конфликт правок: его решает ' +
			    'руководитель.'));
		const hr = await call('GET', `/api/dossiers/${encodeURIComponent(
		    id)}/history`);
		const body = h('div', { class: 'dossier' },
		    h('div', {}, card(d), history(hr), assessments(d)),
		    h('div', {}, timeline(d)));
		view.append(body);
		if (d.custodian && (acct.role === 'curator' ||
		    acct.role === 'supervisor'))
			view.append(actions(id, d, acct, load));
	};
	await load();
}

export { fullName, session };
