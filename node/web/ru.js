// node/web/ru.js: the pages' Russian: plural forms, dates as ДД.ММ.ГГГГ,
// the SNILS check number, and the words for the API's codes and states.

// plural(n, 'событие', 'события', 'событий'): the form for n.
export function plural(n, one, few, many) {
	const a = Math.abs(n) % 100;
	const b = a % 10;
	if (a > 10 && a < 20)
		return many;
	if (b > 1 && b < 5)
		return few;
	if (b === 1)
		return one;
	return many;
}

export function count(n, one, few, many) {
	return `${n} ${plural(n, one, few, many)}`;
}

// "2024-01-10" as "10.01.2024"; anything else as it is.
export function fmtDate(iso) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
	return m ? `${m[3]}.${m[2]}.${m[1]}` : (iso || '');
}

// "10.01.2024" (or "10.1.2024", "10/01/2024") as "2024-01-10"; null when it
// is not a date of the calendar.
export function parseDate(s) {
	const m = /^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$/.exec(s || '');
	if (!m)
		return null;
	const d = Number(m[1]), mo = Number(m[2]), y = Number(m[3]);
	const t = new Date(Date.UTC(y, mo - 1, d));
	if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 ||
	    t.getUTCDate() !== d)
		return null;
	return `${m[3]}-${String(mo).padStart(2, '0')}-` +
	    `${String(d).padStart(2, '0')}`;
}

// Today as YYYY-MM-DD (the browser's local date).
export function today() {
	const t = new Date();
	return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-` +
	    `${String(t.getDate()).padStart(2, '0')}`;
}

// An HLC (16 hex digits: milliseconds << 16 | counter) as local time.
export function fmtHlc(h) {
	if (!/^[0-9a-f]{16}$/.test(h || ''))
		return '';
	const ms = parseInt(h.slice(0, 12), 16);
	const t = new Date(ms);
	const p = (x) => String(x).padStart(2, '0');
	return `${p(t.getDate())}.${p(t.getMonth() + 1)}.${t.getFullYear()} ` +
	    `${p(t.getHours())}:${p(t.getMinutes())}`;
}

// Whole years between birth (YYYY-MM-DD) and today.
export function age(birth) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth || '');
	if (!m)
		return null;
	const t = new Date();
	let a = t.getFullYear() - Number(m[1]);
	if (t.getMonth() + 1 < Number(m[2]) || (t.getMonth() + 1 ===
	    Number(m[2]) && t.getDate() < Number(m[3])))
		a--;
	return a;
}

// The SNILS as typed: 'empty', 'short' (not yet 11 digits), 'long', 'bad'
// (the check number does not match), or 'ok'.  As protocol/fields.c:
// numbers up to 001-001-998 have no check number.
export function snilsState(s) {
	const d = (s || '').replace(/[\s-]/g, '');
	if (d === '')
		return 'empty';
	if (!/^\d+$/.test(d))
		return 'bad';
	if (d.length < 11)
		return 'short';
	if (d.length > 11)
		return 'long';
	if (Number(d.slice(0, 9)) <= 1001998)
		return 'ok';
	let sum = 0;
	for (let i = 0; i < 9; i++)
		sum += Number(d[i]) * (9 - i);
	let c;
	if (sum < 100)
		c = sum;
	else if (sum === 100 || sum === 101)
		c = 0;
	else {
		c = sum % 101;
		if (c === 100)
			c = 0;
	}
	return c === Number(d.slice(9)) ? 'ok' : 'bad';
}

// A SNILS of 11 digits as people write it: 112-233-445 95.
export function fmtSnils(s) {
	return /^\d{11}$/.test(s) ? `${s.slice(0, 3)}-${s.slice(3, 6)}-` +
	    `${s.slice(6, 9)} ${s.slice(9)}` : s;
}

export const roles = {
	curator: 'куратор',
	supervisor: 'руководитель',
	admin: 'администратор',
	auditor: 'аудитор',
	researcher: 'исследователь',
};

export const fields = {
	surname: 'Фамилия', name: 'Имя', patronymic: 'Отчество',
	birth_date: 'Дата рождения', 'birth-date': 'Дата рождения',
	sex: 'Пол', snils: 'СНИЛС', institution: 'Организация, которую окончил',
	graduated: 'Дата выпуска', phone: 'Телефон', email: 'Эл. почта',
	address: 'Адрес',
};

export const sexes = { F: 'женский', M: 'мужской' };

export const eventTypes = {
	contact: 'контакт', consultation: 'консультация', housing: 'жильё',
	education: 'образование', employment: 'работа', health: 'здоровье',
	finance: 'финансы', legal: 'юридическая помощь', crisis: 'кризис',
	other: 'другое',
};

export const assessment = {
	housing: ['Жильё', { own: 'своё жильё', social_rent: 'социальный наём',
	    dormitory: 'общежитие', relatives: 'у родственников',
	    temporary: 'временное жильё', none: 'нет жилья' }],
	education: ['Образование', { none: 'не учится',
	    vocational: 'среднее профессиональное', higher: 'высшее',
	    completed: 'образование получено' }],
	employment: ['Занятость', { employed: 'работает',
	    unemployed_seeking: 'ищет работу', not_seeking: 'не ищет работу',
	    parental_leave: 'в отпуске по уходу за ребёнком' }],
	family: ['Семья', { single: 'одинок(а)', partner: 'с партнёром',
	    parent: 'родитель' }],
};

export const consentScopes = {
	transfer: 'передача в другой регион', statistics: 'статистика',
};

export const transferStates = {
	offered: 'предложена', accepted: 'принята', declined: 'отклонена',
	cancelled: 'отменена', late: 'принята с опозданием',
};

export const scopes = {
	'own-centre': 'дело вашего центра',
	'other-centre': 'дело другого центра',
	'break-the-glass': 'открыто с указанием причины',
	'other-region': 'дело другого региона',
};

// What the pages say for an API error code (docs/api.md, "Statuses").
export const errors = {
	network: 'Узел не отвечает. Проверьте сеть и повторите.',
	bad_request: 'Запрос не понят: проверьте заполненные поля.',
	invalid: 'Проверьте поля формы.',
	weak_password: 'Пароль слишком простой.',
	no_session: 'Сессия закончилась: войдите снова.',
	wrong_login: 'Неверный логин, пароль или код.',
	origin: 'Запрос пришёл не со страниц этого узла.',
	csrf: 'Страница устарела: обновите её.',
	forbidden: 'Вашей роли это не разрешено.',
	reason_required: 'Это дело другого центра: чтобы открыть его, ' +
	    'укажите причину.',
	password_change_required: 'Сначала смените разовый пароль.',
	not_found: 'Не найдено.',
	no_entry: 'Такой записи в деле нет.',
	method: 'Так нельзя.',
	duplicate: 'На узле уже есть похожее дело.',
	refused: 'Дело в таком состоянии, что это нельзя сделать.',
	closed: 'Конфликт уже решён.',
	not_needed: 'Причина не нужна: дело вам уже доступно.',
	too_large: 'Слишком много текста.',
	too_many_attempts: 'Слишком много неудачных попыток входа. ' +
	    'Подождите и попробуйте снова.',
	internal: 'Ошибка на узле; подробности в его журнале.',
	audit: 'Действие нельзя записать в журнал аудита, поэтому оно ' +
	    'не выполнено.',
};

// The words for an API answer that failed: the page's own words for its
// code and, for 'invalid' and 'refused', the node's own reason (fixed text
// of the node, never what was sent).
export function errorText(res) {
	const e = (res && res.data && res.data.error) || {};
	let t = errors[e.code] || `Ошибка ${res ? res.status : ''}.`;
	if ((e.code === 'invalid' || e.code === 'refused' ||
	    e.code === 'weak_password' || (e.code === 'duplicate' &&
	    !res.data.dossiers)) && typeof e.message === 'string')
		t += ` (${e.message})`;
	return t;
}
