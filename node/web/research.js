// node/web/research.js: a researcher's page on the federal node: a query
// over the fixed dimensions (GET /api/stats/query), the table with hidden
// cells marked and explained, a chart, the CSV, and the flows between
// regions as a matrix (GET /api/stats/flows).  docs/statistics.md.

import { call, query } from './api.js';
import { h, clear, field, form, table, status, uid } from './dom.js';
import { count } from './ru.js';

export const indicators = {
	counted: 'учтены (есть согласие на статистику)',
	registered: 'зарегистрированы',
	support: 'на сопровождении',
	'contact.3m': 'был контакт за последние 3 месяца',
	'housing.own': 'жильё: своё',
	'housing.social_rent': 'жильё: социальный наём',
	'housing.dormitory': 'жильё: общежитие',
	'housing.relatives': 'жильё: у родственников',
	'housing.temporary': 'жильё: временное',
	'housing.none': 'жилья нет',
	'education.none': 'образование: не учится',
	'education.vocational': 'образование: колледж, техникум',
	'education.higher': 'образование: вуз',
	'education.completed': 'образование: завершено',
	'employment.employed': 'работа: работает',
	'employment.unemployed_seeking': 'работа: ищет',
	'employment.not_seeking': 'работа: не ищет',
	'employment.parental_leave': 'работа: отпуск по уходу за ребёнком',
	'family.single': 'семья: один (одна)',
	'family.partner': 'семья: с партнёром',
	'family.parent': 'семья: растит детей',
	crisis: 'кризисное событие за период',
	'transfer.in': 'переехали в регион',
	'transfer.out': 'переехали из региона',
};

const sexWords = { F: 'женщины', M: 'мужчины' };

// A hidden cell in words (SDMX OBS_STATUS C: confidential).
const HIDDEN = 'скрыто';

function explain(threshold) {
	return `«${HIDDEN}» — статус C (конфиденциально): в ячейке меньше ` +
	    `${count(threshold, 'человека', 'человек', 'человек')}, и число ` +
	    'не публикуется, чтобы никого нельзя было узнать. Это не ноль: ' +
	    'там может быть и несколько человек. Опубликованные числа ' +
	    'слегка искажены (метод ключей ячеек), одинаково в каждой ' +
	    'таблице и каждом выпуске.';
}

// A file the browser saves: text as name.
function download(text, name) {
	const blob = new Blob(['\ufeff' + text], { type:
	    'text/csv;charset=utf-8' });
	const a = h('a', { href: URL.createObjectURL(blob), download: name });
	document.body.append(a);
	a.click();
	a.remove();
}

function cellLabel(c) {
	return [c.region || c.district || c.geography || '',
	    c.sex ? sexWords[c.sex] || c.sex : '',
	    c.birth_band ? `${c.birth_band} г. р.` : '']
	    .filter(Boolean).join(', ');
}

// The table of one answer, with hidden cells marked, and its chart.
function answer(d, fileName) {
	const cells = d.cells || [];
	const hidden = cells.filter((c) => c.status === 'C').length;
	const out = h('section', { 'aria-labelledby': 'res-h' },
	    h('h2', { id: 'res-h' }, `${indicators[d.indicator] ||
		d.indicator}, ${d.period}`));
	out.append(h('p', {}, `Выпуск ${d.release}, порог ` +
	    `${d.threshold}; регионов в выпуске: ${d.regions}. ` +
	    `${count(cells.length, 'ячейка', 'ячейки', 'ячеек')}, из них ` +
	    `скрыто: ${hidden}.`));
	if ((d.held || []).length)
		out.append(h('p', { class: 'notice' }, 'В этом выпуске ' +
		    'по регионам ' + d.held.join(', ') + ' часть чисел ' +
		    'оставлена как в прошлом выпуске: разница между ' +
		    'выпусками могла бы выдать человека.'));
	const geo = cells.some((c) => c.region) ? 'Регион' :
	    cells.some((c) => c.district) ? 'Федеральный округ' : 'Россия';
	const head = [geo];
	if (cells.some((c) => c.sex))
		head.push('Пол');
	if (cells.some((c) => c.birth_band))
		head.push('Годы рождения');
	head.push('Число', 'Статус');
	out.append(table('Результат запроса', head, cells.map((c) => {
		const row = [c.region || c.district || c.geography];
		if (head.includes('Пол'))
			row.push(sexWords[c.sex] || 'все');
		if (head.includes('Годы рождения'))
			row.push(c.birth_band || 'все');
		row.push(c.status === 'C' ? h('span', { class: 'hidden-cell' },
		    HIDDEN) : String(c.count));
		row.push(c.status === 'C' ? 'C — меньше порога' :
		    'F — опубликовано');
		return { attrs: c.status === 'C' ? { class: 'hidden-row' } :
		    {}, cells: row };
	})));
	if (hidden)
		out.append(h('p', { class: 'explain' }, explain(d.threshold)));
	const shown = cells.filter((c) => c.status !== 'C');
	if (globalThis.Chart && shown.length) {
		const cv = h('canvas', { role: 'img', 'aria-label':
		    'Диаграмма опубликованных чисел: ' + shown.map((c) =>
		    `${cellLabel(c)} — ${c.count}`).join('; ') + '.' });
		out.append(h('figure', { class: 'chart wide' },
		    h('figcaption', {}, 'Опубликованные числа (скрытые ' +
			'ячейки не показаны)'), cv));
		new globalThis.Chart(cv, {
			type: 'bar',
			data: { labels: shown.map(cellLabel),
			    datasets: [{ label: indicators[d.indicator] ||
				d.indicator, data: shown.map((c) => c.count),
				backgroundColor: '#1d4f91' }] },
			options: { animation: false, maintainAspectRatio: false,
			    plugins: { legend: { display: false } },
			    scales: { y: { beginAtZero: true } } },
		});
	}
	out.append(h('div', { class: 'actions' }, h('button', { type: 'button',
	    onclick: () => download(d.csv, fileName) }, 'Скачать CSV')));
	return out;
}

// How much of the population the counts see: counted / registered.
function coverage(d) {
	const by = new Map();
	for (const c of d.cells || []) {
		const g = c.region || c.district || c.geography;
		if (!by.has(g))
			by.set(g, {});
		by.get(g)[c.indicator] = c;
	}
	const num = (c) => !c ? '—' : c.status === 'C' ?
	    h('span', { class: 'hidden-cell' }, HIDDEN) : String(c.count);
	return h('section', { 'aria-labelledby': 'cov-h' },
	    h('h2', { id: 'cov-h' }, `Охват, ${d.period}`),
	    h('p', {}, 'Учтены только те, кто дал согласие на статистику: ' +
		'сравните с числом зарегистрированных.'),
	    table(`Охват за ${d.period}`, ['Регион', 'Зарегистрированы',
		'Учтены', 'Доля учтённых'], [...by.entries()].map(([g, x]) => {
		const a = x.registered, b = x.counted;
		const share = a && b && a.status !== 'C' && b.status !== 'C' &&
		    a.count > 0 ? `${Math.round(100 * b.count / a.count)} %` :
		    '—';
		return [g, num(a), num(b), share];
	    })));
}

// Origin x destination, a heat class by the count's share of the largest.
function matrix(d) {
	const cells = d.cells || [];
	const from = [...new Set(cells.map((c) => c.from))].sort();
	const to = [...new Set(cells.map((c) => c.to))].sort();
	const max = Math.max(1, ...cells.filter((c) => c.status !== 'C')
	    .map((c) => c.count));
	const at = new Map(cells.filter((c) => !c.sex && !c.birth_band)
	    .map((c) => [`${c.from}>${c.to}`, c]));
	const sec = h('section', { 'aria-labelledby': 'flows-h' });
	if (cells.length === 0) {
		sec.append(h('p', {}, 'За этот год переездов между ' +
		    'регионами в выпуске нет.'));
		return sec;
	}
	const hidden = cells.filter((c) => c.status === 'C').length;
	sec.append(h('p', {}, `Выпуск ${d.release}. Строки — откуда, ` +
	    `столбцы — куда; чем темнее, тем больше людей.`),
	    table(`Переезды за ${d.period}`, ['Откуда \\ куда'].concat(to),
		from.map((f) => [f].concat(to.map((t) => {
			const c = at.get(`${f}>${t}`);
			if (!c)
				return '—';
			if (c.status === 'C')
				return h('span', { class: 'hidden-cell' },
				    HIDDEN);
			const lvl = Math.min(4, Math.ceil(4 * c.count / max));
			return h('span', { class: `heat heat-${lvl}` },
			    String(c.count));
		})))));
	if (hidden)
		sec.append(h('p', { class: 'explain' }, explain(d.threshold)));
	sec.append(h('div', { class: 'actions' }, h('button', { type: 'button',
	    onclick: () => download(d.csv, `opora-flows-${d.period}.csv`) },
	    'Скачать CSV')));
	return sec;
}

// A group of checkboxes / a radio group, keyboard-usable, labelled.
function choice(type, name, legend, options) {
	const fs = h('fieldset', { class: 'choice' }, h('legend', {}, legend));
	for (const [v, l, on] of options) {
		const id = uid(name);
		fs.append(h('span', { class: 'opt' }, h('input', { type, id,
		    name, value: v, checked: on || false }),
		    h('label', { for: id }, l)));
	}
	fs.name = name;
	fs.check = () => true;
	fs.value = () => '';
	fs.values = () => [...fs.querySelectorAll('input:checked')]
	    .map((x) => x.value);
	return fs;
}

export async function stats(view) {
	view.append(h('h1', {}, 'Статистика'),
	    h('p', {}, 'Числа людей на конец периода — по региону, ' +
		'федеральному округу, полу и годам рождения, и ничего ' +
		'больше: имён и дел здесь нет. Каждый запрос записывается ' +
		'в журнал запросов.'));
	const rel = await call('GET', '/api/stats/releases');
	const st = status();
	if (rel.status !== 200) {
		view.append(h('p', { class: 'status error' }, rel.status ===
		    404 ? 'Статистику отвечает только федеральный узел.' :
		    'Не удалось получить список выпусков.'));
		return;
	}
	const releases = rel.data.releases || [];
	if (releases.length === 0) {
		view.append(h('p', { class: 'notice' }, 'Выпусков ещё нет: ' +
		    'федеральный узел пока не опубликовал статистику.'));
		return;
	}
	const year = String(new Date().getFullYear() - 1);
	const ind = field('Показатель', 'indicator', { type: 'select',
	    options: Object.entries(indicators), value: 'counted' });
	const period = field('Период', 'period', { required: true,
	    value: year, hint: 'Год (2025) или квартал (2025-Q1).' });
	const release = field('Выпуск', 'release', { type: 'select',
	    options: [['', `последний (${releases[0].n})`]].concat(
		releases.map((r) => [String(r.n), `№ ${r.n}`])) });
	const geo = choice('radio', 'geo', 'География', [['', 'Россия'],
	    ['district', 'федеральные округа'], ['region', 'регионы', true]]);
	const dims = choice('checkbox', 'dims', 'Разбить по', [
	    ['sex', 'полу', true], ['birth_band', 'годам рождения']]);
	const out = h('div', {});
	const f = form('Запрос', [ind, period, geo, dims, release],
	    'Показать', async (v, fst) => {
		const by = geo.values().filter(Boolean).concat(dims.values());
		const p = String(v.period || '').trim();
		if (!/^\d{4}(-Q[1-4])?$/.test(p)) {
			period.setError('Год (2025) или квартал (2025-Q1).');
			period.input.focus();
			return;
		}
		const r = await call('GET', `/api/stats/query${query({
		    indicator: v.indicator, period: p, by: by.join(','),
		    release: v.release })}`);
		clear(out);
		if (r.status !== 200) {
			fst.say(r.status === 404 ? 'Такого выпуска нет.' :
			    'Запрос не принят: проверьте поля.', 'error');
			return;
		}
		fst.say('');
		out.append(answer(r.data, `opora-${v.indicator}-${p}.csv`));
		const cv = await call('GET', `/api/stats/coverage${query({
		    period: p, release: v.release })}`);
		if (cv.status === 200)
			out.append(coverage(cv.data));
	});
	// The flows between regions.
	const fyear = field('Год', 'period', { required: true, value: year });
	const level = field('Уровень', 'level', { type: 'select',
	    options: [['region', 'регионы'], ['district',
		'федеральные округа']] });
	const fout = h('div', {});
	const ff = form('Потоки', [fyear, level], 'Показать потоки',
	    async (v, fst) => {
		if (!/^\d{4}$/.test(String(v.period || '').trim())) {
			fyear.setError('Год, например 2025.');
			fyear.input.focus();
			return;
		}
		const r = await call('GET', `/api/stats/flows${query({
		    period: v.period.trim(), level: v.level,
		    release: release.input.value })}`);
		clear(fout);
		if (r.status !== 200) {
			fst.say(r.status === 404 ? 'Такого выпуска нет.' :
			    'Запрос не принят: проверьте поля.', 'error');
			return;
		}
		fst.say('');
		fout.append(matrix(r.data));
	});
	view.append(st, h('section', { 'aria-labelledby': 'q-h' },
	    h('h2', { id: 'q-h' }, 'Запрос'), f, out),
	    h('section', { 'aria-labelledby': 'fl-h' },
		h('h2', { id: 'fl-h' }, 'Переезды между регионами'), ff, fout));
}

// The region's dashboard (supervisors): GET /api/dashboard, its
// indicators at the end of each quarter, a chart and the same figures as
// a table.
const dashDefault = ['registered', 'counted', 'support', 'contact.3m',
    'crisis'];
// "по состоянию на 01.12.2026 11:20", in the browser's time, of made_ms.
function asOf(ms) {
	const t = new Date(ms);
	const p = (x) => String(x).padStart(2, '0');
	return `по состоянию на ${p(t.getDate())}.${p(t.getMonth() + 1)}.` +
	    `${t.getFullYear()} ${p(t.getHours())}:${p(t.getMinutes())}`;
}

// What the dashboard says of each year's figures (its "years").
function yearNote(y) {
	if (y.state === 'pending')
		return `${y.year}: ещё не подсчитан — узел подсчитает этот ` +
		    'год при очередной публикации статистики; до тех пор ' +
		    'в таблице прочерки.';
	return `${y.year}: ${asOf(y.made_ms)}` + (y.state === 'computed' ?
	    ' (подсчитано сейчас: снимка за этот год ещё нет)' : '');
}
const cell = (v) => v === null ? '—' : String(v);

const palette = ['#1d4f91', '#b35c00', '#2e7d32', '#7b1fa2', '#c62828',
    '#00695c', '#5d4037', '#455a64'];

export async function dashboard(view) {
	view.append(h('h1', {}, 'Показатели региона'),
	    h('p', {}, 'Сколько выпускников региона на конец каждого ' +
		'квартала: зарегистрированы, учтены (дали согласие на ' +
		'статистику), и среди учтённых — на сопровождении, с ' +
		'контактом за три месяца, в кризисе, по жилью, учёбе, ' +
		'работе и семье. Это точные числа узла, те же, что ' +
		'уходят в федеральную статистику до её искажения. Они ' +
		'берутся из последнего снимка статистики узла за каждый ' +
		'год (узел делает его по умолчанию раз в сутки), поэтому ' +
		'новые записи видны после следующего снимка.'));
	const now = new Date().getUTCFullYear();
	const from = field('С года', 'from', { value: String(now - 4) });
	const to = field('По год', 'to', { value: String(now) });
	const pick = choice('checkbox', 'ind', 'Показатели',
	    Object.entries(indicators).map(([k, l]) => [k, l,
		dashDefault.includes(k)]));
	pick.classList.add('many');
	const out = h('div', {});
	const f = form('Период и показатели', [from, to, pick], 'Показать',
	    async (v, fst) => {
		const sel = pick.values();
		if (sel.length === 0) {
			fst.say('Выберите хотя бы один показатель.', 'error');
			return;
		}
		const r = await call('GET', `/api/dashboard${query({
		    from: v.from, to: v.to })}`);
		clear(out);
		if (r.status !== 200) {
			fst.say(r.status === 400 ? 'Годы: не больше пяти ' +
			    'подряд, например 2022 и 2026.' :
			    'Показатели не получены.', 'error');
			return;
		}
		fst.say('');
		const d = r.data;
		out.append(h('ul', { class: 'as-of' }, ...(d.years || []).map(
		    (y) => h('li', {}, yearNote(y)))));
		if (globalThis.Chart) {
			const cv = h('canvas', { role: 'img', 'aria-label':
			    `Показатели региона ${d.region} по кварталам ` +
			    `${d.periods[0]}–${d.periods[d.periods.length -
			    1]}: ${sel.map((k) => `${indicators[k]}: ` +
			    `${d.indicators[k].map(cell).join(', ')}`)
			    .join('; ')}.` });
			out.append(h('figure', { class: 'chart wide' },
			    h('figcaption', {}, `Регион ${d.region}, на конец ` +
				'квартала'), cv));
			new globalThis.Chart(cv, {
				type: 'line',
				data: { labels: d.periods, datasets: sel.map(
				    (k, i) => ({ label: indicators[k],
					data: d.indicators[k],
					borderColor: palette[i %
					    palette.length],
					backgroundColor: palette[i %
					    palette.length] })) },
				options: { animation: false,
				    maintainAspectRatio: false,
				    scales: { y: { beginAtZero: true } } },
			});
		}
		out.append(table(`Показатели региона ${d.region} по кварталам`,
		    ['Квартал'].concat(sel.map((k) => indicators[k])),
		    d.periods.map((p, i) => [p].concat(sel.map((k) =>
			cell(d.indicators[k][i]))))));
	});
	view.append(f, out);
	f.requestSubmit();
}
