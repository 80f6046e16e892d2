// node/web/admin.js: an admin's node health, peers and accounts, an
// auditor's audit log, and everyone's password change.

import { call, query, setSession } from './api.js';
import { h, clear, field, form, table, status } from './dom.js';
import { fmtDate, fmtHlc, count, roles, errorText } from './ru.js';

function msText(ms) {
	if (!ms)
		return '';
	const t = new Date(ms);
	const p = (x) => String(x).padStart(2, '0');
	return `${p(t.getDate())}.${p(t.getMonth() + 1)}.${t.getFullYear()} ` +
	    `${p(t.getHours())}:${p(t.getMinutes())}`;
}

// The node's health: what 'opora status' shows (GET /api/status).
export async function health(view) {
	view.append(h('h1', {}, 'Состояние узла'));
	const r = await call('GET', '/api/status');
	if (r.status !== 200) {
		view.append(h('p', { class: 'status error' }, errorText(r)));
		return;
	}
	const d = r.data;
	const bad = d.peers.filter((x) => !x.ok);
	view.append(h('p', { class: bad.length || d.refused ? 'notice' :
	    'meta' }, `Регион ${d.region}. ` + (d.peers.length === 0 ?
	    'Соседей нет.' : bad.length ? `Не в порядке: ${count(bad.length,
	    'сосед', 'соседа', 'соседей')} из ${d.peers.length}.` :
	    `Все соседи в порядке (${d.peers.length}).`)),
	    h('dl', { class: 'card' },
		h('dt', {}, 'Дел на узле'), h('dd', {}, String(d.dossiers)),
		h('dt', {}, 'Из них ведёт регион'), h('dd', {},
		    String(d.custody)),
		h('dt', {}, 'Открытых конфликтов'), h('dd', {},
		    String(d.conflicts_open)),
		h('dt', {}, 'Отвергнутых изменений'), h('dd', {},
		    String(d.refused))));
	if (d.peers.length)
		view.append(table('Соседи', ['Регион', 'Адрес', 'Состояние',
		    'Отстаёт', 'Ждут родителей', 'Отвергнуто'], d.peers.map(
		    (x) => [x.region, x.url, peerState(x),
			count(x.behind, 'изменение', 'изменения',
			    'изменений'), String(x.waiting),
			String(x.refused)])));
	if (d.refused)
		view.append(h('p', {}, h('a', { href: '#/rejected' },
		    'Отвергнутые изменения и их причины')));
	attention(view, d.attention);
	view.append(h('h2', {}, 'Сверка с соседями'), h('p', {},
	    d.anti_entropy_interval > 0 ? 'Узел сверяет общие дела с ' +
	    `каждым соседом раз в ${count(Math.round(
		d.anti_entropy_interval / 60), 'минуту', 'минуты', 'минут')} ` +
	    'и дописывает недостающее.' : 'Сверка выключена ' +
	    '(anti_entropy_interval = 0).'));
	const rounds = d.peers.filter((x) => x.anti_entropy);
	if (rounds.length)
		view.append(table('Последняя сверка с каждым соседом',
		    ['Сосед', 'Когда', 'Итог', 'Общих дел', 'Исправлено дел',
		    'Не решено', 'Обмен не удаётся с'], rounds.map((x) => {
			const a = x.anti_entropy;
			return [x.region, msText(a.at_ms), roundText(a),
			    String(a.shared), String(a.applied),
			    String(a.unresolved), x.failing_since_ms ?
			    msText(x.failing_since_ms) : '—'];
		    })));
	else if (d.peers.length)
		view.append(h('p', {}, 'Сверок ещё не было.'));
	const s = d.stats;
	view.append(h('h2', {}, 'Статистика'), h('p', {
	    class: s.late ? 'notice' : 'meta' }, s.federal ?
	    'Это федеральный узел: он принимает статистику регионов.' :
	    (s.published_ms ? `Последний раз статистика подготовлена ` +
		`${msText(s.published_ms)}` : 'Статистика ещё не ' +
		'готовилась') + (s.interval_hours > 0 ? `; узел готовит её ` +
		`раз в ${count(s.interval_hours, 'час', 'часа', 'часов')}.` :
		'; подготовка выключена (stats_interval = 0).') +
	    (s.federal_peer ? '' : ' Федеральный узел не среди соседей: ' +
		'статистика остаётся здесь.') + (s.late ? ' Сбой: ' +
		'статистика давно не публиковалась — проверьте, что работает ' +
		'opora serve, и журнал узла.' : '')));
}

// What needs an admin besides the peers and statistics: the problems
// 'opora status' lists, in words, each with what to do.
function attention(view, a) {
	if (!a)
		return;
	const items = [];
	if (!a.read_ok)
		items.push('Базу данных не удалось прочитать целиком: ' +
		    'выполните opora verify.');
	if (a.corrupt)
		items.push('Найдено повреждённое изменение: его байты не ' +
		    'совпадают с его номером, и соседям ничего не отдаётся. ' +
		    'Восстановите базу из резервной копии (opora verify ' +
		    'перечислит все повреждения).');
	const lost = h('a', { href: '#/lost' }, 'Потерянные истории');
	if (a.lost_dossiers > 0)
		items.push([`Узел потерял историю ${count(a.lost_dossiers,
		    'дела', 'дел', 'дел')}: подписанные им самим изменения ` +
		    `(${a.lost_changes}) вернулись от соседей без предыдущей ` +
		    'истории (восстановление из старой копии или потеря WAL). ' +
		    'Если ни у одного соседа её нет, история потеряна: ' +
		    'подтвердите это на странице ', lost, '.']);
	if (a.accepted_without_history > 0)
		items.push([`История ${count(a.accepted_without_history,
		    'принятого предложения', 'принятых предложений',
		    'принятых предложений')} не пришла (самое давнее — из ` +
		    `${a.accepted_from}, принято ${msText(a.accepted_ms)}). ` +
		    'Передающий узел мог её потерять; обратитесь к его ' +
		    'администратору, а если она потеряна — подтвердите это ' +
		    'на странице ', a.lost_dossiers > 0 ? h('a',
		    { href: '#/lost' }, 'Потерянные истории') : lost, '.']);
	if (a.waiting > 0)
		items.push(`${count(a.waiting, 'изменение ждёт',
		    'изменения ждут', 'изменений ждут')} приёма: часы ` +
		    'автора впереди часов узла, ключ неизвестен или ' +
		    'предыдущие изменения ещё не пришли. Узел запросит их ' +
		    'снова; проверьте часы узла.');
	if (a.refused_last_day > 0)
		items.push('За последние сутки отвергнуто: ' +
		    `${count(a.refused_last_day, 'изменение', 'изменения',
		    'изменений')}.`);
	view.append(h('h2', {}, 'Требует внимания'));
	if (items.length === 0)
		view.append(h('p', { class: 'meta' }, 'Других проблем нет.'));
	else
		view.append(h('ul', { class: 'notice' }, ...items.map(
		    (t) => h('li', {}, ...[].concat(t)))));
}

// Histories lost to a log that went back (GET /api/lost): each with what
// happened, and a button to acknowledge the loss once no peer holds it
// (POST /api/lost/acknowledge), or to report it again.
export async function lost(view) {
	view.append(h('h1', {}, 'Потерянные истории'), h('p', {},
	    'Истории дел, которых узел ждёт и может не дождаться, потому ' +
	    'что журнал откатился: узел восстановлен из старой копии или ' +
	    'потерял WAL, либо передающий узел потерял историю принятого ' +
	    'здесь дела. Подтвердите потерю, когда убедитесь, что ни у ' +
	    'одного соседа этой истории нет: узел перестанет сообщать о ней ' +
	    'как о проблеме. Ничего не удаляется; если история всё же ' +
	    'придёт, она будет принята.'));
	const st = status();
	const out = h('div', {});
	view.append(st, out);
	const load = async () => {
		clear(out);
		const r = await call('GET', '/api/lost');
		if (r.status !== 200) {
			st.say(errorText(r), 'error');
			return;
		}
		const list = r.data.lost;
		if (!list.length) {
			out.append(h('p', {}, 'Потерянных историй нет.'));
			return;
		}
		out.append(table('Потерянные истории', ['Дело', 'Что ' +
		    'случилось', 'Когда', 'Подтверждено', 'Действие'],
		    list.map((x) => [h('code', { class: 'id' }, x.dossier),
			x.kind === 'restored' ? `узел потерял историю под ` +
			    `своими изменениями; ${count(x.waiting,
			    'изменение ждёт', 'изменения ждут',
			    'изменений ждут')} от ${x.from}` :
			    `принято предложение от ${x.from}, история ` +
			    'не пришла',
			msText(x.since_ms) || '—',
			x.acknowledged ? `${x.acknowledged_by}, ` +
			    msText(x.acknowledged_ms) : 'нет',
			h('div', { class: 'actions cell-actions' }, mark(x))])));
	};
	const mark = (x) => {
		const ack = !x.acknowledged;
		return h('button', { type: 'button', class: ack ? undefined :
		    'secondary', 'aria-label': (ack ? 'Подтвердить потерю ' :
		    'Снова сообщать о ') + x.dossier, onclick: async () => {
			const r = await call('POST', '/api/lost/' + (ack ?
			    'acknowledge' : 'unacknowledge'),
			    { dossier: x.dossier });
			if (r.status !== 200) {
				st.say(errorText(r), 'error');
				return;
			}
			st.say(ack ? `Потеря истории дела ${x.dossier} ` +
			    'подтверждена.' : `О деле ${x.dossier} узел ` +
			    'снова сообщает как о проблеме.', 'ok');
			await load();
		    } }, ack ? 'Подтвердить потерю' : 'Снова сообщать');
	};
	await load();
}

// The last anti-entropy round in words.
function roundText(a) {
	if (!a.ok)
		return `не удалась: ${a.error || ''}`;
	return a.differed ? `расходились ${count(a.differed, 'дело', 'дела',
	    'дел')}` : 'совпадает';
}

// The changes peers sent that this node refused (GET /api/rejected).
export async function rejected(view) {
	view.append(h('h1', {}, 'Отвергнутые изменения'), h('p', {},
	    'Изменения, которые соседи прислали, а узел не принял: ' +
	    'неверная подпись, отозванный ключ, нарушение правил. Каждое ' +
	    'записано один раз на соседа и изменение; повторы считаются.'));
	const r = await call('GET', '/api/rejected');
	if (r.status !== 200) {
		view.append(h('p', { class: 'status error' }, errorText(r)));
		return;
	}
	const list = r.data.rejected;
	view.append(h('p', {}, list.length ? `${count(list.length,
	    'изменение', 'изменения', 'изменений')}.` :
	    'Отвергнутых изменений нет.'));
	if (list.length)
		view.append(table('Отвергнутые изменения',
		    ['Последний раз', 'Впервые', 'Сосед', 'Изменение', 'Дело',
		    'Причина', 'Раз'], list.map((x) => [atUtc(x.last),
			atUtc(x.at), x.via === 'file' ? `${x.peer} (файл)` :
			x.peer, h('code', { class: 'id' },
			    `${x.id.slice(0, 16)}`), x.dossier ? h('code',
			    { class: 'id' }, x.dossier) : '—',
			x.reason_ru || x.reason, String(x.count)])));
}

// "2026-12-01T10:00:00Z" as local ДД.ММ.ГГГГ ЧЧ:ММ.
function atUtc(s) {
	const t = new Date(s);
	return Number.isNaN(t.getTime()) ? String(s ?? '') :
	    msText(t.getTime());
}

// A peer's state in words, as the health page says it.
function peerState(x) {
	return x.ok ? `в порядке, последний обмен ${msText(x.last_ok_ms)}` :
	    (x.error ? `сбой с ${msText(x.failing_since_ms)}: ${x.error}` :
	    'ещё не связывались');
}

// Peers: GET /api/peers; add from a card file (POST /api/peers), remove
// (POST /api/peers/REGION/remove) after a second, explicit click.
export async function peers(view) {
	view.append(h('h1', {}, 'Соседи'));
	const st = status();
	const out = h('div', {});
	const load = async () => {
		const r = await call('GET', '/api/peers');
		clear(out);
		if (r.status !== 200) {
			st.say(errorText(r), 'error');
			return;
		}
		const list = r.data.peers;
		const remove = (x) => {
			const box = h('div', { class: 'actions' });
			const ask = h('button', { type: 'button',
			    class: 'secondary', onclick: () => {
				clear(box).append(h('span', {}, `Удалить ` +
				    `${x.region}? Изменения, подписанные его ` +
				    'ключами, перестанут приниматься.'),
				    h('button', { type: 'button', onclick:
					async () => {
					const rr = await call('POST',
					    `/api/peers/${encodeURIComponent(
					    x.region)}/remove`, {});
					if (rr.status !== 201) {
						st.say(errorText(rr), 'error');
						return;
					}
					st.say(`Сосед ${x.region} удалён; ` +
					    'его ключам больше нет доверия.',
					    'ok');
					await load();
				    } }, `Да, удалить ${x.region}`),
				    h('button', { type: 'button',
					class: 'secondary', onclick: () =>
					clear(box).append(ask) }, 'Отмена'));
				box.querySelector('button').focus();
			    }, 'aria-label': `Удалить ${x.region}` }, 'Удалить');
			box.append(ask);
			return box;
		};
		out.append(h('p', {}, `Регион ${r.data.region}. ` +
		    (list.length ? `${count(list.length, 'сосед', 'соседа',
			'соседей')}.` : 'Соседей нет.')));
		if (list.length)
			out.append(table('Соседи узла', ['Регион', 'Адрес',
			    'Ключ подписи', 'Состояние', 'Отстаёт',
			    'Действия'], list.map((x) => [x.region, x.url,
				h('code', { class: 'id' }, x.key_id),
				peerState(x), count(x.behind, 'изменение',
				    'изменения', 'изменений'),
				h('div', { class: 'actions cell-actions' },
				    remove(x), revoke(x, st))])));
	};
	// Add: the card file that 'opora id' printed on the peer.
	const id = 'peer-card';
	const input = h('input', { id, type: 'file', name: 'card',
	    accept: '.card,.json,.txt,application/json,text/plain',
	    'aria-describedby': `${id}-hint` });
	const fst = status();
	const add = h('button', { type: 'button', onclick: async () => {
		const file = input.files && input.files[0];
		if (!file) {
			fst.say('Выберите файл карточки.', 'error');
			input.focus();
			return;
		}
		if (file.size > 4096) {
			fst.say('Это не карточка узла: файл больше 4 КБ.',
			    'error');
			return;
		}
		const rr = await call('POST', '/api/peers',
		    { card: await file.text() });
		if (rr.status !== 201) {
			fst.say(errorText(rr), 'error');
			return;
		}
		const d = rr.data;
		fst.say(`${d.existed ? 'Карточка соседа обновлена' :
		    'Сосед добавлен'}: ${d.region}, ${d.url}, ключ ` +
		    `${d.key_id}. Сверьте ключ с администратором соседа ` +
		    'по телефону.', 'ok');
		input.value = '';
		await load();
	} }, 'Добавить соседа');
	view.append(st, out, h('section', { 'aria-labelledby': 'add-h' },
	    h('h2', { id: 'add-h' }, 'Добавить соседа'),
	    h('div', { class: 'field' },
		h('label', { for: id }, 'Карточка соседа'),
		h('p', { class: 'hint', id: `${id}-hint` }, 'Файл, который ' +
		    'вывела команда opora id на узле соседа. Узел проверит ' +
		    'подпись карточки, а для уже известного региона — что ' +
		    'новый ключ объявлен прежним.'), input),
	    h('div', { class: 'actions' }, add), fst));
	await load();
}

// A peer's stolen key: its id and the day from which what it signed is
// refused (POST /api/peers/REGION/revoke-key), said back in words and
// confirmed by a second, explicit click, as 'opora peer revoke-key'.
function revoke(x, st) {
	const box = h('div', { class: 'actions' });
	const ask = h('button', { type: 'button', class: 'secondary',
	    onclick: () => {
		const kid = field('Ключ подписи', 'key_id', { value: x.key_id,
		    hint: '16 шестнадцатеричных цифр.' });
		const since = field('Отклонять подписанное с', 'since', {
		    type: 'date', required: true });
		const next = h('button', { type: 'button', onclick: () => {
			const k = kid.value();
			if (!/^[0-9a-f]{16}$/.test(k)) {
				kid.setError('Номер ключа — 16 цифр и букв ' +
				    'a–f.');
				kid.input.focus();
				return;
			}
			if (!since.check(true) || !since.value()) {
				since.input.focus();
				return;
			}
			const day = since.value();
			const back = h('button', { type: 'button',
			    class: 'secondary', onclick: () =>
				clear(box).append(ask) }, 'Отмена');
			clear(box).append(h('p', {}, `Отозвать ключ ${k} ` +
			    `региона ${x.region} с ${fmtDate(day)}? ` +
			    'Изменения, подписанные им с этого дня, узел ' +
			    'будет отклонять; уже принятые останутся ' +
			    '(их перечислит opora peer revoke-key).'),
			    h('button', { type: 'button', onclick: async () => {
				const rr = await call('POST',
				    `/api/peers/${encodeURIComponent(
				    x.region)}/revoke-key`, { key_id: k,
				    since: day });
				if (rr.status !== 201) {
					st.say(errorText(rr), 'error');
					return;
				}
				st.say(`Ключ ${rr.data.key_id} региона ` +
				    `${rr.data.region} отозван с ` +
				    `${rr.data.since}.`, 'ok');
				clear(box).append(ask);
			    } }, 'Да, отозвать ключ'), back);
			box.querySelector('button').focus();
		    } }, 'Далее');
		clear(box).append(kid, since, next, h('button', {
		    type: 'button', class: 'secondary', onclick: () =>
			clear(box).append(ask) }, 'Отмена'));
		kid.input.focus();
	    }, 'aria-label': `Отозвать ключ ${x.region}` }, 'Отозвать ключ');
	box.append(ask);
	return box;
}

// What an admin hands over once: a one-time password, a second factor.
function secret(d) {
	return h('div', { class: 'notice', role: 'status' },
	    h('p', {}, `Учётная запись ${d.login}: передайте человеку лично.`),
	    d.password ? h('p', {}, 'Разовый пароль (сменить при первом ' +
		'входе): ', h('code', { class: 'secret' }, d.password)) : '',
	    d.totp ? h('p', {}, 'Второй фактор, для приложения-' +
		'аутентификатора: ', h('code', { class: 'secret' }, d.totp)) :
		'');
}

export async function accounts(view) {
	view.append(h('h1', {}, 'Учётные записи'));
	const st = status();
	const shown = h('div', {});
	const out = h('div', {});
	const load = async () => {
		const r = await call('GET', '/api/accounts');
		clear(out);
		if (r.status !== 200) {
			out.append(h('p', { class: 'status error' },
			    errorText(r)));
			return;
		}
		const a = r.data.accounts;
		const change = (x, verb, done) => h('button', { type: 'button',
		    class: 'secondary', onclick: async () => {
			const rr = await call('POST', `/api/accounts/` +
			    `${encodeURIComponent(x.login)}/${verb}`, {});
			if (rr.status !== 201) {
				st.say(errorText(rr), 'error');
				return;
			}
			st.say(`${x.login}: ${done}.`, 'ok');
			clear(shown);
			if (rr.data.password)
				shown.append(secret(rr.data));
			await load();
		    } }, {
			disable: 'Отключить', enable: 'Включить',
			unlock: 'Разблокировать',
			'reset-password': 'Сбросить пароль' }[verb]);
		out.append(h('p', {}, count(a.length, 'учётная запись',
		    'учётные записи', 'учётных записей') + '.'),
		    table('Учётные записи узла', ['Логин', 'Имя', 'Роль',
		    'Центр', 'Второй фактор', 'Состояние', 'Действия'],
		    a.map((x) => [x.login, x.name, roles[x.role] || x.role,
			x.centre || '—', x.totp ? 'да' : 'нет',
			!x.enabled ? 'отключена' : (x.locked ?
			    'заблокирована' : (x.must_change_password ?
			    'ждёт смены разового пароля' : 'действует')),
			h('div', { class: 'actions' },
			    x.enabled ? change(x, 'disable', 'отключена') :
				change(x, 'enable', 'включена'),
			    x.locked ? change(x, 'unlock', 'разблокирована') :
				'',
			    change(x, 'reset-password', 'пароль сброшен'))])));
	};
	const fs = [
		field('Логин', 'login', { required: true,
		    hint: 'Латинские строчные буквы, цифры, точка, дефис.' }),
		field('Имя и фамилия', 'name', { required: true }),
		field('Роль', 'role', { type: 'select', required: true,
		    options: [['', 'выберите']].concat(Object.entries(roles)) }),
		field('Центр', 'centre', { hint: 'Обязателен для куратора.' }),
	];
	const f = form('Новая учётная запись', fs, 'Создать',
	    async (v, fst) => {
		const r = await call('POST', '/api/accounts', v);
		if (r.status !== 201) {
			fst.say(errorText(r), 'error');
			return;
		}
		fst.say(`Создана учётная запись ${r.data.login}.`, 'ok');
		clear(shown).append(secret(r.data));
		await load();
	});
	view.append(st, shown, out, h('details', { class: 'act' },
	    h('summary', {}, 'Создать учётную запись'), f));
	await load();
}

function csvCell(s) {
	const t = String(s ?? '');
	// A cell starting with = + - @ is text, not a spreadsheet formula.
	const safe = /^[=+\-@\t\r]/.test(t) ? `'${t}` : t;
	return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const auditCols = ['seq', 'at', 'login', 'role', 'addr', 'action',
    'dossiers', 'reason', 'detail'];

// An audit time (ISO 8601 UTC, or seconds) as local ДД.ММ.ГГГГ ЧЧ:ММ:СС.
function atText(at) {
	const t = typeof at === 'number' ? new Date(at * 1000) : new Date(at);
	if (Number.isNaN(t.getTime()))
		return String(at ?? '');
	const p = (x) => String(x).padStart(2, '0');
	return `${p(t.getDate())}.${p(t.getMonth() + 1)}.${t.getFullYear()} ` +
	    `${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}`;
}

// The audit's actions in words, with the name 'opora audit list' prints.
const actions = {
	read: 'чтение дела', search: 'поиск', refused: 'отказ',
	'break-the-glass': 'открытие с причиной', login: 'вход',
	'login-failed': 'неудачный вход', lockout: 'блокировка',
	logout: 'выход', password: 'смена пароля', caseload: 'мои подопечные',
	assign: 'закрепление за центром', 'transfer list': 'список передач',
	'transfer offer': 'предложение передачи',
	'transfer accept': 'принятие передачи',
	'transfer decline': 'отказ от передачи',
	'transfer cancel': 'отмена передачи',
	'conflicts list': 'список конфликтов',
	'conflicts resolve': 'решение конфликта',
	'audit list': 'просмотр журнала', 'audit verify': 'проверка журнала',
	'user list': 'список учётных записей',
	'user add': 'новая учётная запись',
	'user disable': 'отключение учётной записи',
	'user enable': 'включение учётной записи',
	'user unlock': 'разблокировка учётной записи',
	'user reset-password': 'сброс пароля',
	'person add': 'регистрация', 'person set': 'изменение карточки',
	'event add': 'новое событие', 'event amend': 'исправление события',
	'event retract': 'отзыв события', 'episode open': 'открытие эпизода',
	'episode close': 'закрытие эпизода', 'assessment add': 'оценка',
	'consent add': 'согласие', 'consent withdraw': 'отзыв согласия',
	duplicates: 'список возможных повторов', link: 'связь дел',
	'duplicates dismiss': 'отметка «разные люди»',
	'duplicates undismiss': 'отмена отметки «разные люди»',
	'peer list': 'список соседей', 'peer add': 'новый сосед',
	'peer remove': 'удаление соседа', status: 'состояние узла',
	'glass review': 'просмотр открытий чужих дел',
	unlink: 'разрыв связи дел', links: 'список связанных дел',
	'duplicates dismissed': 'список пар «разные люди»',
	'rejected list': 'список отвергнутых изменений',
	'peer revoke-key': 'отзыв ключа соседа',
	dashboard: 'показатели региона',
};

function actionText(a) {
	return actions[a] ? `${actions[a]} (${a})` : a;
}

export async function audit(view) {
	view.append(h('h1', {}, 'Журнал аудита'));
	const verifyOut = status();
	const st = status();
	const out = h('div', {});
	const fs = [
		field('Дело (номер)', 'dossier'),
		field('Логин', 'user'),
		field('С даты', 'since', { type: 'date' }),
	];
	let last = [];
	const csv = h('button', { type: 'button', disabled: true, onclick: () => {
		const lines = [auditCols.join(',')].concat(last.map((e) =>
		    auditCols.map((k) => csvCell(k === 'at' ? atText(e.at) :
			e[k])).join(',')));
		const blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'],
		    { type: 'text/csv;charset=utf-8' });
		const a = h('a', { href: URL.createObjectURL(blob),
		    download: 'opora-audit.csv' });
		document.body.append(a);
		a.click();
		a.remove();
	} }, 'Скачать CSV');
	const f = form('Отбор записей журнала', fs, 'Показать', async (v) => {
		const r = await call('GET', `/api/audit${query(v)}`);
		clear(out);
		if (r.status !== 200) {
			st.say(errorText(r), 'error');
			return;
		}
		last = r.data.entries;
		csv.disabled = last.length === 0;
		st.say(`Найдено: ${count(last.length, 'запись', 'записи',
		    'записей')}.`);
		out.append(table('Записи журнала', ['№', 'Когда', 'Кто',
		    'Роль', 'Адрес', 'Действие', 'Дела', 'Причина',
		    'Подробности'], last.map((e) => [String(e.seq),
			atText(e.at), e.login, roles[e.role] || e.role || '',
			e.addr || e.os_user || '', actionText(e.action),
			(e.dossiers || '').split(' ').filter(Boolean)
			    .map((d) => h('span', { class: 'id' },
				d.length > 13 ? `${d.slice(0, 8)}…` : d)),
			e.reason || '', e.detail || ''])));
	});
	const verify = h('button', { type: 'button', onclick: async () => {
		const r = await call('GET', '/api/audit/verify');
		if (r.status !== 200)
			verifyOut.say(errorText(r), 'error');
		else if (r.data.holds)
			verifyOut.say(`Журнал цел: ${count(r.data.entries,
			    'запись', 'записи', 'записей')}, ${count(
			    r.data.checkpoints, 'контрольная точка',
			    'контрольные точки', 'контрольных точек')} ` +
			    'сходятся.', 'ok');
		else
			verifyOut.say(`Журнал повреждён: ${r.data.fault}`,
			    'error');
	} }, 'Проверить целостность журнала');
	view.append(h('div', { class: 'actions' }, verify), verifyOut, f,
	    h('div', { class: 'actions' }, csv), st, out);
	f.requestSubmit();
}

// The password change (the only page of a one-time password); done(d)
// with the new session.
export function passwordForm(view, done) {
	view.append(h('h1', {}, 'Смена пароля'));
	view.append(h('p', {}, 'Новый пароль: не короче 12 символов, не из ' +
	    'списка распространённых паролей. После смены все другие ваши ' +
	    'сессии закончатся.'));
	const fs = [
		field('Текущий пароль', 'password', { type: 'password',
		    required: true, autocomplete: 'current-password' }),
		field('Новый пароль', 'new_password', { type: 'password',
		    required: true, autocomplete: 'new-password' }),
		field('Новый пароль ещё раз', 'again', { type: 'password',
		    required: true, autocomplete: 'new-password' }),
		field('Код из приложения-аутентификатора', 'code', {
		    hint: 'Если для вашей учётной записи включён второй ' +
			'фактор.', autocomplete: 'one-time-code' }),
	];
	view.append(form('Смена пароля', fs, 'Сменить пароль',
	    async (v, st) => {
		if (v.new_password !== v.again) {
			fs[2].setError('Пароли не совпадают.');
			fs[2].input.focus();
			return;
		}
		delete v.again;
		const r = await call('POST', '/api/password', v);
		if (r.status !== 200) {
			st.say(errorText(r), 'error');
			return;
		}
		setSession(r.data, true);
		done(r.data);
	}));
}

export { fmtDate, fmtHlc };
