/*
 * node/cmd_record.c: the commands that record something in a dossier:
 * person add|set, episode open|close|amend, event add|amend|retract,
 * assessment add|amend, consent add|amend|withdraw.
 *
 * They differ only in their flags and in the operation they make, so one
 * table describes them all; a flag fills one slot of a struct op.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "node/cli.h"
#include "node/node.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/fields.h"
#include "protocol/limits.h"

#define SLOT_P(f)	(100 + (f))

static const char *rec_normal(int, const char *, char *, size_t);

static const char *
opt_s(const char *s)
{
	return (s != NULL ? s : "");
}
#define MAXFLAGS	CLI_RECORD_FLAGS

struct rec_flag {
	const char		*name;
	int			 slot;		/* OA_*, or SLOT_P(field) */
	bool			 required;
	const char		*en, *ru;
	const struct fields_enum *values;	/* allowed values, or NULL */
};

struct rec_spec {
	const char	*family, *verb;
	enum op_kind	 kind;
	enum dossier_table ref;		/* the entry named, or DT_COUNT */
	int		 print;		/* cli_author's entry argument */
	const char	*en, *ru;
	struct rec_flag	 flags[MAXFLAGS];
};

#define PERSON_FLAGS(req) \
	{ "surname", SLOT_P(PF_SURNAME), req, "surname", "фамилия", NULL }, \
	{ "name", SLOT_P(PF_NAME), req, "first name", "имя", NULL }, \
	{ "patronymic", SLOT_P(PF_PATRONYMIC), false, "patronymic", \
	    "отчество", NULL }, \
	{ "birth-date", SLOT_P(PF_BIRTH_DATE), req, "date of birth, " \
	    "YYYY-MM-DD or DD.MM.YYYY", "дата рождения, ДД.ММ.ГГГГ или " \
	    "ГГГГ-ММ-ДД", NULL }, \
	{ "sex", SLOT_P(PF_SEX), req, "sex", "пол", fields_sex }, \
	{ "snils", SLOT_P(PF_SNILS), false, "SNILS, 112-233-445 95", \
	    "СНИЛС, 112-233-445 95", NULL }, \
	{ "institution", SLOT_P(PF_INSTITUTION), false, "the organisation " \
	    "for orphans the person left", "организация для детей-сирот, " \
	    "которую окончил(а)", NULL }, \
	{ "graduated", SLOT_P(PF_GRADUATED), false, "date of leaving it", \
	    "дата выпуска", NULL }, \
	{ "phone", SLOT_P(PF_PHONE), false, "phone", "телефон", NULL }, \
	{ "email", SLOT_P(PF_EMAIL), false, "e-mail", "эл. почта", NULL }, \
	{ "address", SLOT_P(PF_ADDRESS), false, "address", "адрес", NULL }

static const struct rec_spec specs[] = {
	{ "person", "add", OP_PERSON_CREATE, DT_COUNT, -2,
	    "register a graduate; prints the new dossier id",
	    "зарегистрировать выпускника; выводит номер нового дела",
	    { PERSON_FLAGS(true) } },
	{ "person", "set", OP_PERSON_SET, DT_COUNT, -1,
	    "change fields of the person card (\"\" clears an optional one); "
	    "prints the change id",
	    "изменить поля карточки (\"\" очищает необязательное поле); "
	    "выводит номер изменения",
	    { PERSON_FLAGS(false) } },
	{ "person", "erase", OP_PERSON_ERASE, DT_COUNT, -1,
	    "erase the dossier on every node entitled to it, with the legal "
	    "ground (a supervisor); only a tombstone stays; prints its id",
	    "удалить дело на всех узлах, которым оно положено, с правовым "
	    "основанием (руководитель); остаётся только отметка об "
	    "удалении; выводит её номер",
	    { { "ground", OA_REASON, true, "the legal ground (no personal "
	    "data)", "правовое основание (без персональных данных)",
	    NULL } } },
	{ "episode", "open", OP_EPISODE_OPEN, DT_COUNT, 0,
	    "open a support episode; prints its id",
	    "открыть период сопровождения; выводит его номер",
	    { { "centre", OA_CENTRE, true, "support centre", "центр "
	    "сопровождения", NULL },
	      { "curator", OA_CURATOR, true, "curator", "куратор", NULL },
	      { "date", OA_DATE, true, "opening date, YYYY-MM-DD or "
	    "DD.MM.YYYY", "дата открытия, ДД.ММ.ГГГГ или ГГГГ-ММ-ДД",
	    NULL } } },
	{ "episode", "close", OP_EPISODE_CLOSE, DT_EPISODE, -1,
	    "close a support episode: episode close DOSSIER EPISODE",
	    "закрыть период сопровождения: episode close ДЕЛО ПЕРИОД",
	    { { "date", OA_DATE, true, "closing date", "дата закрытия",
	    NULL },
	      { "reason", OA_REASON, false, "why it closed", "причина",
	    NULL } } },
	{ "episode", "amend", OP_EPISODE_AMEND, DT_EPISODE, -1,
	    "correct a support episode: episode amend DOSSIER EPISODE; the "
	    "old values stay in the history",
	    "исправить период сопровождения: episode amend ДЕЛО ПЕРИОД; "
	    "прежние значения остаются в истории",
	    { { "centre", OA_CENTRE, false, "support centre", "центр "
	    "сопровождения", NULL },
	      { "curator", OA_CURATOR, false, "curator", "куратор", NULL },
	      { "date", OA_DATE, false, "opening date", "дата открытия",
	    NULL } } },
	{ "event", "add", OP_EVENT_ADD, DT_COUNT, 0,
	    "add an event (a contact, a service, a crisis); prints its id",
	    "добавить событие (контакт, услугу, кризис); выводит его номер",
	    { { "date", OA_DATE, true, "date, YYYY-MM-DD or DD.MM.YYYY",
	    "дата, ДД.ММ.ГГГГ или ГГГГ-ММ-ДД", NULL },
	      { "type", OA_TYPE, true, "type", "вид", fields_event_types },
	      { "text", OA_TEXT, true, "what happened", "что произошло",
	    NULL } } },
	{ "event", "amend", OP_EVENT_AMEND, DT_EVENT, -1,
	    "correct an event: event amend DOSSIER EVENT; the old text stays "
	    "in the history",
	    "исправить событие: event amend ДЕЛО СОБЫТИЕ; прежний текст "
	    "остаётся в истории",
	    { { "date", OA_DATE, false, "date", "дата", NULL },
	      { "type", OA_TYPE, false, "type", "вид", fields_event_types },
	      { "text", OA_TEXT, false, "text", "текст", NULL } } },
	{ "event", "retract", OP_EVENT_RETRACT, DT_EVENT, -1,
	    "retract a mistaken event: event retract DOSSIER EVENT; it stays "
	    "in the history, marked",
	    "отозвать ошибочное событие: event retract ДЕЛО СОБЫТИЕ; оно "
	    "остаётся в истории с отметкой",
	    { { "reason", OA_REASON, true, "why", "причина", NULL } } },
	{ "assessment", "add", OP_ASSESSMENT_ADD, DT_COUNT, 0,
	    "record an outcome assessment; prints its id",
	    "записать оценку положения; выводит её номер",
	    { { "date", OA_DATE, true, "date of the assessment",
	    "дата оценки", NULL },
	      { "housing", OA_HOUSING, false, "housing", "жильё",
	    fields_housing },
	      { "education", OA_EDUCATION, false, "education",
	    "образование", fields_education },
	      { "employment", OA_EMPLOYMENT, false, "employment",
	    "занятость", fields_employment },
	      { "family", OA_FAMILY, false, "family status",
	    "семейное положение", fields_family } } },
	{ "assessment", "amend", OP_ASSESSMENT_AMEND, DT_ASSESSMENT, -1,
	    "correct an assessment: assessment amend DOSSIER ASSESSMENT; the "
	    "old values stay in the history",
	    "исправить оценку: assessment amend ДЕЛО ОЦЕНКА; прежние "
	    "значения остаются в истории",
	    { { "date", OA_DATE, false, "date of the assessment",
	    "дата оценки", NULL },
	      { "housing", OA_HOUSING, false, "housing", "жильё",
	    fields_housing },
	      { "education", OA_EDUCATION, false, "education",
	    "образование", fields_education },
	      { "employment", OA_EMPLOYMENT, false, "employment",
	    "занятость", fields_employment },
	      { "family", OA_FAMILY, false, "family status",
	    "семейное положение", fields_family } } },
	{ "consent", "add", OP_CONSENT_ADD, DT_COUNT, 0,
	    "record a consent; prints its id",
	    "записать согласие; выводит его номер",
	    { { "scope", OA_SCOPE, true, "what it allows", "на что дано",
	    fields_consent_scopes },
	      { "date", OA_DATE, true, "date signed", "дата подписания",
	    NULL },
	      { "document", OA_DOCUMENT, true, "document reference",
	    "реквизиты документа", NULL } } },
	{ "consent", "amend", OP_CONSENT_AMEND, DT_CONSENT, -1,
	    "correct a consent: consent amend DOSSIER CONSENT; the old values "
	    "stay in the history (a different scope is a new consent)",
	    "исправить согласие: consent amend ДЕЛО СОГЛАСИЕ; прежние "
	    "значения остаются в истории (другая цель — новое согласие)",
	    { { "date", OA_DATE, false, "date signed", "дата подписания",
	    NULL },
	      { "document", OA_DOCUMENT, false, "document reference",
	    "реквизиты документа", NULL } } },
	{ "consent", "withdraw", OP_CONSENT_WITHDRAW, DT_CONSENT, -1,
	    "withdraw a consent: consent withdraw DOSSIER CONSENT",
	    "отозвать согласие: consent withdraw ДЕЛО СОГЛАСИЕ",
	    { { "date", OA_DATE, true, "date withdrawn", "дата отзыва",
	    NULL } } },
};

static void
rec_usage(FILE *f, const char *family)
{
	const struct rec_spec	*s;
	const struct rec_flag	*fl;
	const struct fields_enum *e;
	size_t			 i;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		s = &specs[i];
		if (strcmp(s->family, family) != 0)
			continue;
		fprintf(f, "%s opora %s %s%s%s\n  %s\n", cli_tr("usage:",
		    "использование:"), s->family, s->verb,
		    s->kind == OP_PERSON_CREATE ? "" : cli_tr(" DOSSIER",
		    " ДЕЛО"), s->ref == DT_COUNT ? "" : cli_tr(" ENTRY",
		    " ЗАПИСЬ"), cli_tr(s->en, s->ru));
		for (fl = s->flags; fl->name != NULL; fl++) {
			fprintf(f, "    --%-12s %s%s", fl->name,
			    cli_tr(fl->en, fl->ru), fl->required ?
			    cli_tr(" (required)", " (обязательно)") : "");
			for (e = fl->values; e != NULL && e->code != NULL;
			    e++)
				fprintf(f, "%s%s (%s)", e == fl->values ?
				    ": " : ", ", e->code, cli_tr(e->en, e->ru));
			fputc('\n', f);
		}
		if (s->kind == OP_PERSON_CREATE)
			fprintf(f, "    --%-12s %s\n", "force", cli_tr(
			    "register even though a dossier with the same SNILS, "
			    "or the same\n                   surname, name and "
			    "birth date, exists here",
			    "зарегистрировать, даже если здесь есть дело с тем же "
			    "СНИЛС\n                   или теми же фамилией, "
			    "именем и датой рождения"));
		fputc('\n', f);
	}
}

const char *
cli_field_value(int field, const char *v, char *tmp, size_t tmpsz)
{
	return (rec_normal(SLOT_P(field), v, tmp, tmpsz));
}

int
cli_date_normal(const char *v, char out[11])
{
	size_t	 i;

	if (strlen(v) != 10 || v[2] != '.' || v[5] != '.')
		return (-1);
	for (i = 0; i < 10; i++)
		if (i != 2 && i != 5 && (v[i] < '0' || v[i] > '9'))
			return (-1);
	/* ДД.ММ.ГГГГ -> ГГГГ-ММ-ДД; whether the day exists is the
	 * change check's to say, as for a date typed the other way. */
	memcpy(out, v + 6, 4);
	out[4] = '-';
	memcpy(out + 5, v + 3, 2);
	out[7] = '-';
	memcpy(out + 8, v, 2);
	out[10] = '\0';
	return (0);
}

/* Normalise what a person typed into the form a change stores. */
static const char *
rec_normal(int slot, const char *v, char *tmp, size_t tmpsz)
{
	if ((slot == OA_DATE || slot == SLOT_P(PF_BIRTH_DATE) ||
	    slot == SLOT_P(PF_GRADUATED)) && tmpsz >= 11 &&
	    cli_date_normal(v, tmp) == 0)
		return (tmp);
	if (slot == SLOT_P(PF_SNILS) && v[0] != '\0') {
		if (tmpsz >= 12 && fields_snils_normalize(v, strlen(v),
		    tmp) == 0)
			return (tmp);
		return (v);	/* the check names the field */
	}
	if (slot == SLOT_P(PF_SEX)) {
		if (strcmp(v, "f") == 0 || strcmp(v, "Ж") == 0 ||
		    strcmp(v, "ж") == 0)
			return ("F");
		if (strcmp(v, "m") == 0 || strcmp(v, "М") == 0 ||
		    strcmp(v, "м") == 0)
			return ("M");
	}
	return (v);
}

/*
 * Before registering a person, look for a dossier this node holds with the
 * same SNILS, or the same surname, name and birth date as folded for
 * search: registering the same person twice splits their history.  EX_OK
 * when none is found; otherwise name them and refuse (--force overrides).
 */
static int
refuse_duplicate(struct node *n, const struct op *o)
{
	struct view_dup	*dups;
	struct dossier	*d;
	char		 key[VIEW_NAME_KEY];
	size_t		 k, nd;

	view_name_key(o->person[PF_SURNAME], o->person[PF_NAME],
	    o->person[PF_BIRTH_DATE], key);
	if (view_duplicates_of(n->st, NULL, o->person[PF_SNILS], key, &dups,
	    &nd) == -1)
		return (EX_SOFTWARE);
	/* What follows names dossiers the account may not read (another
	 * centre's): on record with their ids first, as a search is, or
	 * not shown. */
	if (nd > 0) {
		char	*ids;
		int	 r;

		if ((ids = view_dup_ids(dups, nd)) == NULL) {
			free(dups);
			return (EX_OSERR);
		}
		r = cli_audit(n, "duplicates shown", ids, "person add", false);
		free(ids);
		if (r == -1) {
			free(dups);
			cli_err("%s", cli_tr("this person may already be "
			    "registered, and the dossiers cannot be named: "
			    "the audit cannot record it; nothing was "
			    "registered", "этот человек, возможно, уже "
			    "зарегистрирован, но дела назвать нельзя: журнал "
			    "аудита не может это записать; ничего не "
			    "зарегистрировано"));
			return (EX_SOFTWARE);
		}
	}
	for (k = 0; k < nd; k++) {
		if (view_load(n->st, dups[k].id, &d) != 0)
			continue;
		cli_err("%s %s: %s %s, %s %s, %s %s (%s)", cli_tr("this person "
		    "may already be registered in dossier", "этот человек, "
		    "возможно, уже зарегистрирован в деле"), d->id,
		    opt_s(d->person[PF_SURNAME]), opt_s(d->person[PF_NAME]),
		    cli_tr("born", "дата рождения"),
		    opt_s(d->person[PF_BIRTH_DATE]),
		    cli_tr("custodian", "ответственный регион"), d->custodian,
		    dups[k].snils ? cli_tr("the same SNILS", "тот же СНИЛС") :
		    cli_tr("the same surname, name and birth date",
		    "те же фамилия, имя и дата рождения"));
		dossier_free(d);
	}
	free(dups);
	if (nd == 0)
		return (EX_OK);
	cli_err("%s", cli_tr("nothing was registered. If this is the same "
	    "person, work in that dossier; if it is someone else, run the "
	    "command again with --force", "ничего не зарегистрировано. Если "
	    "это тот же человек, работайте в найденном деле; если другой — "
	    "повторите команду с --force"));
	return (EX_DATAERR);
}

static const struct rec_spec *
rec_spec_find(const char *family, const char *verb)
{
	size_t	 i;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		if (strcmp(specs[i].family, family) == 0 &&
		    strcmp(specs[i].verb, verb) == 0)
			return (&specs[i]);
	return (NULL);
}

int
cli_record_build(struct cli_record *r,
    const char *(*get)(void *, const char *, size_t), void *arg, char *why,
    size_t whysz)
{
	const struct rec_spec	*s;
	const char		*val[MAXFLAGS] = { NULL };
	const char		*v;
	size_t			 nflags, i;

	if ((s = rec_spec_find(r->family, r->verb)) == NULL)
		return (1);
	memset(r->ops, 0, sizeof(r->ops));
	r->nops = 0;
	r->ref = s->ref;
	r->print = s->print;
	for (nflags = 0; s->flags[nflags].name != NULL; nflags++)
		val[nflags] = get(arg, s->flags[nflags].name, nflags);
	for (i = 0; i < nflags; i++)
		if (s->flags[i].required && val[i] == NULL) {
			snprintf(why, whysz, "--%s %s", s->flags[i].name,
			    cli_tr("is required", "обязателен"));
			return (-1);
		}
	for (i = 0; i < nflags; i++)
		if (val[i] != NULL && !fields_utf8_valid(val[i],
		    strlen(val[i]))) {
			snprintf(why, whysz, "%s: %s", s->flags[i].name,
			    cli_tr("not valid UTF-8 text", "текст не в "
			    "кодировке UTF-8"));
			return (-2);
		}
	/* person set makes one operation per field; the others one op. */
	r->ops[0].kind = s->kind;
	r->ops[0].field = -1;
	for (i = 0; i < nflags; i++) {
		if (val[i] == NULL)
			continue;
		v = rec_normal(s->flags[i].slot, val[i], r->norm[i],
		    sizeof(r->norm[i]));
		if (s->kind == OP_PERSON_SET) {
			r->ops[r->nops].kind = OP_PERSON_SET;
			r->ops[r->nops].field = s->flags[i].slot - SLOT_P(0);
			r->ops[r->nops].arg[OA_VALUE] = v;
			r->nops++;
		} else if (s->flags[i].slot >= SLOT_P(0))
			r->ops[0].person[s->flags[i].slot - SLOT_P(0)] = v;
		else
			r->ops[0].arg[s->flags[i].slot] = v;
	}
	if (s->kind != OP_PERSON_SET)
		r->nops = 1;
	if (r->nops == 0) {
		snprintf(why, whysz, "%s", cli_tr("name at least one field "
		    "to change, such as --phone", "укажите хотя бы одно поле, "
		    "например --phone"));
		return (-1);
	}
	return (0);
}

/* The values getopt collected, by the flag's index. */
static const char *
rec_val(void *arg, const char *name, size_t i)
{
	(void)name;
	return (((const char **)arg)[i]);
}

static int
rec_run(const struct rec_spec *s, int argc, char **argv)
{
	struct option	 opts[MAXFLAGS + 3];
	const char	*val[MAXFLAGS] = { NULL };
	struct cli_record rec;
	struct node	*n = NULL;
	struct dossier	*d = NULL;
	char		 id[37], what[64], why[256];
	const char	*ref = NULL;
	size_t		 nflags, i;
	int		 ch, rc = EX_USAGE, npos;
	bool		 force = false;

	memset(opts, 0, sizeof(opts));
	for (nflags = 0; s->flags[nflags].name != NULL; nflags++) {
		opts[nflags].name = s->flags[nflags].name;
		opts[nflags].has_arg = required_argument;
		opts[nflags].val = 256 + (int)nflags;
	}
	opts[nflags].name = "help";
	opts[nflags].val = 'h';
	if (s->kind == OP_PERSON_CREATE) {
		opts[nflags + 1].name = "force";
		opts[nflags + 1].val = 'f';
	}
	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			rec_usage(stdout, s->family);
			return (EX_OK);
		}
		if (ch == 'f') {
			force = true;
			continue;
		}
		if (ch < 256) {
			rec_usage(stderr, s->family);
			return (EX_USAGE);
		}
		val[ch - 256] = optarg;
	}
	npos = (s->kind == OP_PERSON_CREATE ? 0 : 1) +
	    (s->ref == DT_COUNT ? 0 : 1);
	if (argc - optind != npos) {
		cli_err("%s %s %s: %s", s->family, s->verb, cli_tr(
		    "expects", "ожидает"), npos == 0 ? cli_tr("no arguments "
		    "besides flags", "только флаги") : npos == 1 ? cli_tr(
		    "a DOSSIER", "ДЕЛО") : cli_tr("a DOSSIER and an ENTRY",
		    "ДЕЛО и ЗАПИСЬ"));
		rec_usage(stderr, s->family);
		return (EX_USAGE);
	}
	rec.family = s->family;
	rec.verb = s->verb;
	/* Checked before the node is opened, as they always were, except
	 * "nothing to change", which waits for the dossier below. */
	for (i = 0; i < nflags; i++)
		if (s->flags[i].required && val[i] == NULL)
			break;
	if ((ch = cli_record_build(&rec, rec_val, val, why,
	    sizeof(why))) != 0 && (i < nflags || ch == -2)) {
		cli_err("%s %s: %s", s->family, s->verb, why);
		return (ch == -2 ? EX_DATAERR : EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (s->kind == OP_PERSON_CREATE) {
		if (node_new_uuid(id) == -1) {
			rc = EX_SOFTWARE;
			goto out;
		}
	} else if (cli_dossier(n, argv[optind], id) == -1) {
		rc = EX_NOINPUT;
		goto out;
	}
	if (s->ref != DT_COUNT) {
		if (view_load(n->st, id, &d) != 0) {
			rc = EX_SOFTWARE;
			goto out;
		}
		if ((ref = cli_entry(d, s->ref, argv[optind + 1])) == NULL) {
			rc = EX_NOINPUT;
			goto out;
		}
	}
	if (ch != 0) {
		cli_err("%s %s: %s", s->family, s->verb, why);
		goto out;
	}
	rec.ops[0].arg[OA_REF] = ref;
	if (s->kind == OP_PERSON_CREATE && !force &&
	    (rc = refuse_duplicate(n, &rec.ops[0])) != EX_OK)
		goto out;
	snprintf(what, sizeof(what), "%s %s", s->family, s->verb);
	rc = cli_author(n, id, rec.ops, rec.nops, rec.print, what);
out:
	dossier_free(d);
	node_close(n);
	return (rc);
}

static int
rec_family(const char *family, int argc, char **argv)
{
	size_t	 i;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		rec_usage(argc < 2 ? stderr : stdout, family);
		return (argc < 2 ? EX_USAGE : EX_OK);
	}
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		if (strcmp(specs[i].family, family) == 0 &&
		    strcmp(specs[i].verb, argv[1]) == 0)
			return (rec_run(&specs[i], argc - 1, argv + 1));
	cli_err("%s: %s \"%.40s\"", family, cli_tr("unknown action",
	    "неизвестное действие"), argv[1]);
	rec_usage(stderr, family);
	return (EX_USAGE);
}

int
cmd_person(int argc, char **argv)
{
	return (rec_family("person", argc, argv));
}

int
cmd_episode(int argc, char **argv)
{
	return (rec_family("episode", argc, argv));
}

int
cmd_event(int argc, char **argv)
{
	return (rec_family("event", argc, argv));
}

int
cmd_assessment(int argc, char **argv)
{
	return (rec_family("assessment", argc, argv));
}

int
cmd_consent(int argc, char **argv)
{
	return (rec_family("consent", argc, argv));
}
