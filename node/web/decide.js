// node/web/decide.js: a supervisor's decisions: incoming and outgoing
// transfers, conflicts of concurrent edits, possible duplicates,
// break-the-glass review.

import { call, query } from './api.js';
import { h, clear, field, form, table, link, status } from './dom.js';
import { fmtDate, fmtHlc, count, transferStates, fields, sexes, errorText,
    fmtSnils } from './ru.js';
import { fullName } from './curator.js';

function who(t) {
	return link(`#/dossier/${t.dossier}`, fullName(t));
}

export async function transfers(view) {
	view.append(h('h1', {}, 'Передачи'));
	const st = status();
	const inc = h('section', { 'aria-labelledby': 'in-h' });
	const outg = h('section', { 'aria-labelledby': 'out-h' });
	view.append(st, inc, outg);
	const load = async (msg) => {
		const [ri, ro] = await Promise.all([
		    call('GET', '/api/transfers?direction=incoming'),
		    call('GET', '/api/transfers?direction=outgoing')]);
		clear(inc).append(h('h2', { id: 'in-h' }, 'Входящие'));
		clear(outg).append(h('h2', { id: 'out-h' }, 'Исходящие'));
		if (ri.status !== 200 || ro.status !== 200) {
			st.say(errorText(ri.status !== 200 ? ri : ro), 'error');
			return;
		}
		st.say(msg || '', msg ? 'ok' : '');
		const pend = ri.data.transfers.filter((t) => t.state ===
		    'offered');
		const past = ri.data.transfers.filter((t) => t.state !==
		    'offered');
		inc.append(h('p', {}, pend.length ? `Ждут решения: ` +
		    `${count(pend.length, 'передача', 'передачи',
			'передач')}.` : 'Новых предложений нет.'));
		if (pend.length)
			inc.append(table('Предложенные вашему региону дела',
			    ['Выпускник', 'Возраст', 'Откуда', 'Причина',
			    'Предложено', 'Событий', 'Решение'],
			    pend.map((t) => [who(t), String(t.age ?? ''),
				t.from, t.reason, fmtDate(t.date),
				String(t.events ?? ''), decideBox(t, load)])));
		if (past.length)
			inc.append(table('Решённые входящие',
			    ['Выпускник', 'Откуда', 'Состояние', 'Когда'],
			    past.map((t) => [who(t), t.from,
				transferStates[t.state] || t.state,
				fmtHlc(t.hlc)])));
		const o = ro.data.transfers;
		outg.append(o.length ? table('Дела, переданные из вашего ' +
		    'региона', ['Выпускник', 'Куда', 'Причина', 'Состояние',
		    'Предложено', ''], o.map((t) => [who(t), t.to, t.reason,
			transferStates[t.state] || t.state, fmtDate(t.date),
			t.state === 'offered' ? h('button', { type: 'button',
			    onclick: async () => {
				const r = await call('POST',
				    `/api/transfers/${t.id}/cancel`, {});
				if (r.status === 201)
					await load('Предложение отменено.');
				else
					st.say(errorText(r), 'error');
			    } }, 'Отменить') : ''])) :
		    h('p', {}, 'Исходящих передач нет.'));
	};
	await load();
}

// Accept, or decline with a reason, one offer.
function decideBox(t, load) {
	const st = status();
	const reason = field('Причина отказа', 'reason');
	const act = async (verb) => {
		const body = {};
		if (verb === 'decline') {
			if (!reason.input.value.trim()) {
				reason.setError('Чтобы отклонить, укажите ' +
				    'причину.');
				reason.input.focus();
				return;
			}
			body.reason = reason.input.value.trim();
		}
		const r = await call('POST', `/api/transfers/${t.id}/${verb}`,
		    body);
		if (r.status === 201)
			await load(verb === 'accept' ? 'Дело принято.' :
			    'Предложение отклонено.');
		else
			st.say(errorText(r), 'error');
	};
	return h('div', { class: 'decide' },
	    h('button', { type: 'button', onclick: () => act('accept') },
		'Принять'),
	    reason,
	    h('button', { type: 'button', class: 'secondary',
		onclick: () => act('decline') }, 'Отклонить'), st);
}

function side(label, value, region, user, hlc) {
	return h('div', { class: 'side' }, h('h3', {}, label),
	    h('p', { class: 'value' }, value === '' ? '(пусто)' : value),
	    h('p', { class: 'by' }, `${region}, ${user}, ${fmtHlc(hlc)}`));
}

export async function conflicts(view) {
	view.append(h('h1', {}, 'Конфликты'));
	const st = status();
	const out = h('div', {});
	view.append(st, out);
	const load = async (msg) => {
		const r = await call('GET', '/api/conflicts');
		clear(out);
		if (r.status !== 200) {
			st.say(errorText(r), 'error');
			return;
		}
		st.say(msg || '', msg ? 'ok' : '');
		const list = r.data.conflicts;
		out.append(h('p', {}, list.length ? `Открыто: ${count(
		    list.length, 'конфликт', 'конфликта', 'конфликтов')}. ` +
		    'Одновременно изменили одно поле карточки; выберите, ' +
		    'какое значение оставить.' : 'Открытых конфликтов нет.'));
		for (const c of list) {
			const keep = async (body, what) => {
				const rr = await call('POST',
				    `/api/conflicts/${c.id}/resolve`, body);
				if (rr.status === 201)
					await load(`Решено: оставлено ${what}.`);
				else
					st.say(errorText(rr), 'error');
			};
			out.append(h('article', { class: 'conflict',
			    'aria-label': `Конфликт: ${fields[c.field] ||
				c.field}` },
			    h('h2', {}, `${fields[c.field] || c.field} — `,
				link(`#/dossier/${c.dossier}`, 'дело')),
			    h('div', { class: 'sides' },
				side('Сейчас в карточке', c.winner_value,
				    c.winner_region, c.winner_user,
				    c.winner_hlc),
				side('Не вошло', c.value, c.region, c.user,
				    c.hlc)),
			    h('div', { class: 'actions' },
				h('button', { type: 'button', onclick: () =>
				    keep({ keep_winner: true },
					`«${c.winner_value}»`) },
				    `Оставить «${c.winner_value}»`),
				h('button', { type: 'button', onclick: () =>
				    keep({ keep: c.value }, `«${c.value}»`) },
				    `Оставить «${c.value}»`))));
		}
	};
	await load();
}

// One card of a possible duplicate: what tells the two apart.
function personCard(p, label) {
	const rows = [
	    ['Дата рождения', fmtDate(p.birth_date)],
	    ['Пол', sexes[p.sex] || p.sex],
	    ['СНИЛС', p.snils ? fmtSnils(p.snils) : ''],
	    ['Учреждение', p.institution],
	    ['Дата выпуска', p.graduated ? fmtDate(p.graduated) : ''],
	    ['Ответственный регион', p.custodian],
	].filter(([, v]) => v);
	return h('div', { class: 'side' }, h('h3', {}, label),
	    h('p', { class: 'value' }, link(`#/dossier/${p.dossier}`,
		fullName(p) || '(без имени)')),
	    h('dl', { class: 'card' }, rows.map(([k, v]) => [h('dt', {}, k),
		h('dd', {}, v)]).flat()));
}

function likeness(d) {
	if (d.same_snils && d.same_name)
		return 'тот же СНИЛС, имя и дата рождения';
	return d.same_snils ? 'тот же СНИЛС' :
	    'те же фамилия, имя и дата рождения';
}

// Possible duplicates: GET /api/duplicates; link, or "not the same
// person" with a reason (POST /api/duplicates/link, …/dismiss).
export async function duplicates(view) {
	view.append(h('h1', {}, 'Возможные повторы'));
	const st = status();
	const out = h('div', {});
	const linkedOut = h('section', { 'aria-labelledby': 'linked-h' });
	const dismissedOut = h('section', { 'aria-labelledby': 'dism-h' });
	view.append(st, out, linkedOut, dismissedOut);
	const load = async (msg) => {
		const r = await call('GET', '/api/duplicates');
		clear(out);
		if (r.status !== 200) {
			st.say(errorText(r), 'error');
			return;
		}
		st.say(msg || '', msg ? 'ok' : '');
		await Promise.all([linked(linkedOut, load),
		    dismissed(dismissedOut, load)]);
		const list = r.data.pairs;
		out.append(h('p', {}, list.length ? `На узле ${count(
		    list.length, 'пара дел', 'пары дел', 'пар дел')}, которые ` +
		    'могут относиться к одному человеку. Сравните карточки: ' +
		    'если это один человек, свяжите дела (одна история на ' +
		    'двоих); если разные — отметьте это, и пара больше не ' +
		    'будет предлагаться.' : 'Возможных повторов нет.'));
		if (r.data.more)
			out.append(h('p', {}, 'Показаны первые 200 пар.'));
		list.forEach((d, i) => {
			const [a, b] = d.people;
			// The pair's own outcome goes below its buttons: a
			// message that comes and goes above them would move
			// them under the pointer.
			const reason = field('Причина решения', 'reason', {
			    hint: 'Обязательно. Например: «совпадают СНИЛС и ' +
				'адрес» или «мать и дочь»' });
			const pst = status();
			const act = async (verb) => {
				const why = reason.input.value.trim();
				if (!why) {
					reason.input.setAttribute(
					    'aria-invalid', 'true');
					pst.say('Укажите причину решения.',
					    'error');
					reason.input.focus();
					return;
				}
				reason.input.removeAttribute('aria-invalid');
				pst.say('');
				const rr = await call('POST',
				    `/api/duplicates/${verb}`, { dossier:
				    d.dossier, other: d.other, reason: why });
				if (rr.status !== 201) {
					pst.say(errorText(rr), 'error');
					return;
				}
				const wait = (rr.data.waiting_for || [])
				    .join(', ');
				await load(verb === 'link' ? (wait ?
				    'Связь записана; она вступит в силу, ' +
				    `когда её подтвердит ${wait}.` :
				    'Дела связаны: это один человек.') :
				    'Отмечено: это разные люди.');
			};
			out.append(h('article', { class: 'conflict',
			    'aria-label': `Пара ${i + 1}: ${fullName(a)} и ` +
				`${fullName(b)}` },
			    h('h2', {}, `Пара ${i + 1}: ${likeness(d)}`),
			    h('div', { class: 'sides' },
				personCard(a, 'Первое дело'),
				personCard(b, 'Второе дело')),
			    reason,
			    h('div', { class: 'actions' },
				h('button', { type: 'button',
				    onclick: () => act('link') },
				    'Один человек — связать'),
				h('button', { type: 'button',
				    class: 'secondary',
				    onclick: () => act('dismiss') },
				    'Разные люди')), pst));
		});
	};
	await load();
}

// The linked pairs (GET /api/duplicates/linked), each with a way to
// undo a wrong link with a reason (POST /api/duplicates/unlink).
async function linked(sec, load) {
	const r = await call('GET', '/api/duplicates/linked');
	clear(sec).append(h('h2', { id: 'linked-h' }, 'Связанные дела'));
	if (r.status !== 200) {
		sec.append(h('p', { class: 'status error' }, errorText(r)));
		return;
	}
	const list = r.data.pairs;
	sec.append(h('p', {}, list.length ? `${count(list.length,
	    'пара связана', 'пары связаны', 'пар связано')} как один ` +
	    'человек. Если дела связали по ошибке, разорвите связь: ' +
	    'истории снова станут отдельными.' : 'Связанных дел нет.'));
	if (r.data.more)
		sec.append(h('p', {}, 'Показаны первые 200 пар.'));
	list.forEach((d, i) => {
		const [a, b] = d.people;
		const reason = field('Причина разрыва', 'reason', {
		    hint: 'Обязательно. Например: «разные отчества, ' +
			'связали по ошибке»' });
		// As for the suggestions: the outcome goes below the button,
		// so that nothing above it moves it from under the pointer.
		const pst = status();
		const undo = async () => {
			const why = reason.input.value.trim();
			if (!why) {
				reason.input.setAttribute('aria-invalid',
				    'true');
				pst.say('Укажите причину разрыва.', 'error');
				reason.input.focus();
				return;
			}
			reason.input.removeAttribute('aria-invalid');
			pst.say('');
			const rr = await call('POST', '/api/duplicates/unlink',
			    { dossier: d.dossier, other: d.other,
			    reason: why });
			if (rr.status !== 201) {
				pst.say(errorText(rr), 'error');
				return;
			}
			await load('Связь разорвана: это разные люди.');
		};
		sec.append(h('article', { class: 'conflict',
		    'aria-label': `Связь ${i + 1}: ${fullName(a)} и ` +
			`${fullName(b)}` },
		    h('h3', {}, `Связь ${i + 1}: ` + (d.in_force ?
			'действует' : 'ждёт подтверждения другого региона')),
		    h('div', { class: 'sides' },
			personCard(a, 'Первое дело'),
			personCard(b, 'Второе дело')),
		    d.reason ? h('p', { class: 'by' }, `Причина связи: ` +
			`${d.reason} (${d.by})`) : '',
		    reason,
		    h('div', { class: 'actions' },
			h('button', { type: 'button', class: 'secondary',
			    onclick: undo }, 'Разорвать связь')), pst));
	});
}

// The pairs said to be two people (GET /api/duplicates/dismissed); a
// statement made by mistake is withdrawn (POST …/undismiss), and the pair
// is suggested again above.  load(msg) reloads the page's lists.
async function dismissed(sec, load) {
	const r = await call('GET', '/api/duplicates/dismissed');
	clear(sec).append(h('h2', { id: 'dism-h' }, 'Отмечены как разные люди'));
	if (r.status !== 200) {
		sec.append(h('p', { class: 'status error' }, errorText(r)));
		return;
	}
	const list = r.data.pairs;
	const pst = status();
	sec.append(h('p', {}, list.length ? `${count(list.length, 'пара',
	    'пары', 'пар')}: эти дела больше не предлагаются как повторы. ` +
	    'Если отметка сделана по ошибке, отмените её: пара снова ' +
	    'появится среди возможных повторов.' : 'Таких отметок нет.'));
	const undo = async (d) => {
		pst.say('');
		const rr = await call('POST', '/api/duplicates/undismiss',
		    { dossier: d.dossier, other: d.other });
		if (rr.status !== 200) {
			pst.say(errorText(rr), 'error');
			return;
		}
		await load('Отметка отменена: пара снова среди возможных ' +
		    'повторов.');
	};
	if (list.length)
		sec.append(table('Пары, отмеченные как разные люди',
		    ['Первое дело', 'Второе дело', 'Кто отметил', 'Когда',
		    'Причина', 'Действие'], list.map((d, i) => [
			link(`#/dossier/${d.dossier}`,
			    fullName(d.people[0]) || d.dossier),
			link(`#/dossier/${d.other}`,
			    fullName(d.people[1]) || d.other),
			d.by, secText(d.at), d.reason,
			h('button', { type: 'button', class: 'secondary',
			    'aria-label': `Отменить отметку ${i + 1}: ` +
				`${fullName(d.people[0])} и ` +
				`${fullName(d.people[1])}`,
			    onclick: () => undo(d) }, 'Отменить отметку')])),
		    pst);
}

// An audit time (unix seconds) as ДД.ММ.ГГГГ ЧЧ:ММ.
function secText(at) {
	const t = new Date(at * 1000);
	const p = (x) => String(x).padStart(2, '0');
	return `${p(t.getDate())}.${p(t.getMonth() + 1)}.${t.getFullYear()} ` +
	    `${p(t.getHours())}:${p(t.getMinutes())}`;
}

const glassActions = {
	'break-the-glass': 'открыл(а) в программе',
	read: 'прочитал(а) в командной строке',
	show: 'прочитал(а) в командной строке',
};

// Break-the-glass review: GET /api/glass?since=YYYY-MM-DD.
export async function glass(view) {
	view.append(h('h1', {}, 'Открытия чужих дел'),
	    h('p', {}, 'Кто открывал дело другого центра, указав причину: ' +
		'когда, какое дело и почему. Проверьте, что причины ' +
		'настоящие.'));
	const st = status();
	const out = h('div', {});
	const since = field('С даты', 'since', { type: 'date' });
	const f = form('Отбор', [since], 'Показать', async (v) => {
		const r = await call('GET', `/api/glass${query(v)}`);
		clear(out);
		if (r.status !== 200) {
			st.say(errorText(r), 'error');
			return;
		}
		const list = r.data.entries;
		st.say(list.length ? `Найдено: ${count(list.length, 'открытие',
		    'открытия', 'открытий')}${r.data.more ?
		    ' (показаны последние 500)' : ''}.` :
		    'Никто не открывал чужих дел.');
		if (list.length)
			out.append(table('Открытия дел других центров',
			    ['Когда', 'Кто', 'Как', 'Дело', 'Причина'],
			    list.map((e) => [secText(e.at),
				`${e.login}${e.addr && e.addr !== 'cli' ?
				    `, ${e.addr}` : ''}`,
				glassActions[e.action] || e.action,
				e.dossier ? link(`#/dossier/${e.dossier}`,
				    fullName(e) || e.dossier) : '',
				e.reason])));
	});
	view.append(f, st, out);
	f.requestSubmit();
}

export { query };
