/*
 * node/cmd_show.c: reading dossiers: show, log, list, find, digest.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "conflict/access.h"
#include "conflict/hlc.h"
#include "node/cli.h"
#include "node/node.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"
#include "protocol/log.h"

/* Parse "[--json] ARG" (nargs 0 or 1) for the reading commands. */
static int
read_args(int argc, char **argv, int nargs, bool *json, const char *usage_en,
    const char *usage_ru)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	optind = 0;
	*json = false;
	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("%s\n", cli_tr(usage_en, usage_ru));
			return (EX_OK);
		case 'j':
			*json = true;
			break;
		default:
			fprintf(stderr, "%s\n", cli_tr(usage_en, usage_ru));
			return (EX_USAGE);
		}
	}
	if (argc - optind != nargs) {
		fprintf(stderr, "%s\n", cli_tr(usage_en, usage_ru));
		return (EX_USAGE);
	}
	return (-1);
}

static void
today(char out[11])
{
	time_t		 t = time(NULL);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void
hlc_time(const char *hlc, char *out, size_t outsz)
{
	uint64_t	 v;
	time_t		 t;
	struct tm	 tm;

	if (hlc == NULL || hlc_parse(hlc, strlen(hlc), &v) == -1) {
		snprintf(out, outsz, "?");
		return;
	}
	t = (time_t)(hlc_ms(v) / 1000);
	gmtime_r(&t, &tm);
	strftime(out, outsz, "%Y-%m-%d %H:%M UTC", &tm);
}

static const char *
enum_label(const struct fields_enum *list, const char *code)
{
	const struct fields_enum *e;

	if (code == NULL)
		return ("-");
	if ((e = fields_enum_find(list, code, strlen(code))) == NULL)
		return (code);
	return (cli_tr(e->en, e->ru));
}

static const char *
opt(const char *s)
{
	return (s != NULL ? s : "");
}

static const struct {
	const char	*field, *en, *ru;
} field_labels[] = {
	{ "surname", "surname", "фамилия" }, { "name", "name", "имя" },
	{ "patronymic", "patronymic", "отчество" },
	{ "birth_date", "birth date", "дата рождения" },
	{ "sex", "sex", "пол" }, { "snils", "SNILS", "СНИЛС" },
	{ "institution", "institution", "организация" },
	{ "graduated", "left the institution", "дата выпуска" },
	{ "phone", "phone", "телефон" }, { "email", "e-mail", "эл. почта" },
	{ "address", "address", "адрес" },
};

static const char *
field_label_en(const char *f)
{
	size_t	 k;

	for (k = 0; k < sizeof(field_labels) / sizeof(field_labels[0]); k++)
		if (f != NULL && strcmp(field_labels[k].field, f) == 0)
			return (field_labels[k].en);
	return (opt(f));
}

static const char *
field_label_ru(const char *f)
{
	size_t	 k;

	for (k = 0; k < sizeof(field_labels) / sizeof(field_labels[0]); k++)
		if (f != NULL && strcmp(field_labels[k].field, f) == 0)
			return (field_labels[k].ru);
	return (opt(f));
}

static const char *
transfer_state(const char *s)
{
	if (s == NULL)
		return ("?");
	if (strcmp(s, "offered") == 0)
		return (cli_tr("offered, awaiting an answer", "предложена, "
		    "ожидает ответа"));
	if (strcmp(s, "accepted") == 0)
		return (cli_tr("accepted", "принята"));
	if (strcmp(s, "declined") == 0)
		return (cli_tr("declined", "отклонена"));
	if (strcmp(s, "cancelled") == 0)
		return (cli_tr("cancelled", "отменена"));
	if (strcmp(s, "void") == 0)
		return (cli_tr("void: its maker was no longer the custodian",
		    "недействительна: регион уже не был ответственным"));
	return (s);
}

/* The day of an HLC value, for entries dated by when they were made. */
static void
hlc_day(const char *hlc, char out[11])
{
	uint64_t	 v;
	time_t		 t;
	struct tm	 tm;

	if (hlc == NULL || hlc_parse(hlc, strlen(hlc), &v) == -1) {
		snprintf(out, 11, "?");
		return;
	}
	t = (time_t)(hlc_ms(v) / 1000);
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/*
 * What the timeline tells beyond the views: every change to the person
 * card (a field's old and new value) and who closed, amended, retracted
 * or withdrew an entry, each with the region, user and time of the change
 * that did it.  The views keep only who created an entry, so show folds
 * the dossier again from its log, in the total order, comparing the card
 * before and after each change.
 */
struct edit {
	int		 field;		/* a person_field, or -1: an act */
	enum op_kind	 kind;		/* of an act: EVENT_AMEND, ... */
	char		*ref;		/* an act's entry */
	char		*old, *new;	/* a field's values; NULL: empty */
	char		*region, *user;
	char		 day[11];	/* of the change's HLC */
	char		 hlc[17];
};

struct walk {
	struct dossier	*d;
	struct edit	*v;
	size_t		 n, cap;
};

static void
walk_free(struct walk *w)
{
	size_t	 i;

	for (i = 0; i < w->n; i++) {
		free(w->v[i].ref);
		free(w->v[i].old);
		free(w->v[i].new);
		free(w->v[i].region);
		free(w->v[i].user);
	}
	free(w->v);
	dossier_free(w->d);
	memset(w, 0, sizeof(*w));
}

static char *
dup_or_null(const char *s)
{
	return (s != NULL ? strdup(s) : NULL);
}

static struct edit *
walk_add(struct walk *w, const struct change *c)
{
	struct edit	*e;
	void		*nv;
	size_t		 ncap;

	if (w->n == w->cap) {
		ncap = w->cap ? w->cap * 2 : 16;
		if ((nv = realloc(w->v, ncap * sizeof(*w->v))) == NULL)
			return (NULL);
		w->v = nv;
		w->cap = ncap;
	}
	e = &w->v[w->n];
	memset(e, 0, sizeof(*e));
	e->field = -1;
	if ((e->region = strdup(c->region)) == NULL)
		return (NULL);
	if ((e->user = strdup(c->user != NULL ? c->user : "")) == NULL) {
		free(e->region);
		return (NULL);
	}
	hlc_format(c->hlc, e->hlc);
	hlc_day(e->hlc, e->day);
	w->n++;
	return (e);
}

static bool
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

static int
walk_one(const struct store_row *row, void *arg)
{
	struct walk	*w = arg;
	struct change	*c = NULL;
	struct edit	*e;
	char		*before[PF_COUNT] = { NULL };
	char		 why[256];
	size_t		 i;
	int		 f, rc = -1;

	if (change_decode(row->bytes, row->len, &c, why, sizeof(why)) != 0)
		return (-1);
	for (f = 0; f < PF_COUNT; f++)
		if (w->d->person[f] != NULL &&
		    (before[f] = strdup(w->d->person[f])) == NULL)
			goto out;
	if (dossier_apply(w->d, &c->meta, c->ops, c->nops) != 0)
		goto out;
	/* The registration is the card itself, not an edit of it. */
	for (f = 0; c->ops[0].kind != OP_PERSON_CREATE && f < PF_COUNT; f++) {
		if (same(before[f], w->d->person[f]))
			continue;
		if ((e = walk_add(w, c)) == NULL)
			goto out;
		e->field = f;
		e->kind = c->ops[0].kind;
		if ((before[f] != NULL && (e->old = strdup(before[f])) ==
		    NULL) || (w->d->person[f] != NULL &&
		    (e->new = strdup(w->d->person[f])) == NULL))
			goto out;
	}
	for (i = 0; i < c->nops; i++) {
		switch (c->ops[i].kind) {
		case OP_EPISODE_CLOSE:
		case OP_EVENT_AMEND:
		case OP_EVENT_RETRACT:
		case OP_CONSENT_WITHDRAW:
		case OP_TRANSFER_ACCEPT:
		case OP_TRANSFER_DECLINE:
		case OP_TRANSFER_CANCEL:
		case OP_EPISODE_AMEND:
		case OP_ASSESSMENT_AMEND:
		case OP_CONSENT_AMEND:
			break;
		default:
			continue;
		}
		if ((e = walk_add(w, c)) == NULL)
			goto out;
		e->kind = c->ops[i].kind;
		if ((e->ref = dup_or_null(c->ops[i].arg[OA_REF])) == NULL)
			goto out;
	}
	rc = 0;
out:
	for (f = 0; f < PF_COUNT; f++)
		free(before[f]);
	change_free(c);
	return (rc);
}

/* Fold d's id again from the log into w; 0 / -1 (w is then empty). */
static int
walk_dossier(struct node *n, const char *id, struct walk *w)
{
	memset(w, 0, sizeof(*w));
	if ((w->d = dossier_new(id)) == NULL)
		return (-1);
	if (store_each_change(n->st, id, walk_one, w) != 0) {
		walk_free(w);
		return (-1);
	}
	return (0);
}

/* The last act of kind on entry ref, or NULL. */
static const struct edit *
walk_act(const struct walk *w, enum op_kind kind, const char *ref)
{
	size_t	 i;

	for (i = w->n; i > 0; i--)
		if (w->v[i - 1].field == -1 && w->v[i - 1].kind == kind &&
		    same(w->v[i - 1].ref, ref))
			return (&w->v[i - 1]);
	return (NULL);
}

/* One line of the timeline. */
struct item {
	const char	*date;
	int		 order;		/* within a day: kind, then position */
	size_t		 pos;
	enum dossier_table t;
	const struct dossier_row *r;
	bool		 closing;	/* episode closed, consent withdrawn */
	const struct dossier *from;	/* a linked dossier, or NULL */
	const struct walk *w;		/* its dossier's acts, or NULL */
	const struct edit *edit;	/* t == DT_COUNT: a card edit */
	const char	*hlc;		/* dated by a change: its clock */
};

static int
item_cmp(const void *a, const void *b)
{
	const struct item	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->date, y->date)) != 0)
		return (c);
	/* What is dated by its change's clock goes in the order made. */
	if (x->hlc != NULL && y->hlc != NULL && (c = strcmp(x->hlc,
	    y->hlc)) != 0)
		return (c);
	if (x->order != y->order)
		return (x->order < y->order ? -1 : 1);
	return (x->pos < y->pos ? -1 : x->pos > y->pos);
}

static void
short_id(const char *id, char out[20])
{
	const char	*slash = strchr(id, '/');

	snprintf(out, 20, "%.10s%s", id, slash != NULL ? slash : "");
}

/* "RU-SMO tester, 2024-02-01 10:00 UTC": who did an act, and when. */
static void
print_by(const char *what_en, const char *what_ru, const struct edit *e)
{
	char	 when[40];

	hlc_time(e->hlc, when, sizeof(when));
	printf("\n              %s %s %s, %s", cli_tr(what_en, what_ru),
	    e->region, e->user, when);
}

static void
print_edit(const struct edit *e)
{
	const char	*f = op_field_name(e->field);

	printf("  %s  %s: %s: %s%s%s → %s%s%s", e->day, e->kind ==
	    OP_CONFLICT_RESOLVE ? cli_tr("card, conflict settled",
	    "карточка, конфликт решён") : e->kind == OP_PERSON_ERASE ?
	    cli_tr("card erased", "карточка удалена") : cli_tr("card",
	    "карточка"), cli_tr(field_label_en(f), field_label_ru(f)),
	    e->old != NULL ? "«" : "", e->old != NULL ? e->old : cli_tr(
	    "(empty)", "(пусто)"), e->old != NULL ? "»" : "",
	    e->new != NULL ? "«" : "", e->new != NULL ? e->new : cli_tr(
	    "(empty)", "(пусто)"), e->new != NULL ? "»" : "");
	print_by("by", "внесено:", e);
	printf("\n");
}

static void
print_item(const struct item *it)
{
	const char *const	*c;
	const struct edit	*by = NULL;
	size_t			 j;
	char			 sid[20];

	if (it->t == DT_COUNT) {
		print_edit(it->edit);
		return;
	}
	c = (const char *const *)it->r->col;
	short_id(c[COL_ID], sid);
	printf("  %s  ", it->date);
	switch (it->t) {
	case DT_EPISODE:
		if (it->closing)
			printf("%s %s%s%s", cli_tr("support episode closed",
			    "сопровождение закрыто"), sid, c[EP_CLOSE_REASON] ?
			    ": " : "", opt(c[EP_CLOSE_REASON]));
		else
			printf("%s: %s, %s %s", cli_tr("support episode opened",
			    "сопровождение открыто"), opt(c[EP_CENTRE]),
			    cli_tr("curator", "куратор"), opt(c[EP_CURATOR]));
		break;
	case DT_EVENT:
		printf("[%s] %s", enum_label(fields_event_types, c[EV_TYPE]),
		    opt(c[EV_TEXT]));
		if (c[EV_AMENDED] != NULL && strcmp(c[EV_AMENDED], "0") != 0)
			printf(" (%s)", cli_tr("amended", "исправлено"));
		if (c[EV_LATE] != NULL && strcmp(c[EV_LATE], "1") == 0)
			printf(" (%s)", cli_tr("late note by a former "
			    "custodian", "запоздалая запись прежнего "
			    "ответственного региона"));
		if (c[EV_RETRACTED] != NULL && strcmp(c[EV_RETRACTED], "1") ==
		    0)
			printf("\n              %s: %s", cli_tr("RETRACTED",
			    "ОТОЗВАНО"), opt(c[EV_RETRACT_REASON]));
		break;
	case DT_ASSESSMENT:
		printf("%s:", cli_tr("assessment", "оценка"));
		{
			static const struct { int col; const char *en, *ru;
			    const struct fields_enum *list; } parts[] = {
			    { AS_HOUSING, "housing", "жильё", fields_housing },
			    { AS_EDUCATION, "education", "образование",
			      fields_education },
			    { AS_EMPLOYMENT, "employment", "занятость",
			      fields_employment },
			    { AS_FAMILY, "family", "семья", fields_family } };
			size_t	 k;
			int	 shown = 0;

			for (k = 0; k < 4; k++) {
				if (c[parts[k].col] == NULL)
					continue;
				printf("%s %s %s", shown++ ? ";" : "",
				    cli_tr(parts[k].en, parts[k].ru),
				    enum_label(parts[k].list,
				    c[parts[k].col]));
			}
		}
		break;
	case DT_TRANSFER:
		printf("%s %s → %s: %s (%s)", cli_tr("transfer", "передача"),
		    opt(c[TR_FROM]), opt(c[TR_TO]), opt(c[TR_REASON]),
		    transfer_state(c[TR_STATE]));
		if (c[TR_DECLINE_REASON] != NULL)
			printf(": %s", c[TR_DECLINE_REASON]);
		if (c[TR_LATE] != NULL)
			printf("\n              %s %s", strcmp(c[TR_LATE],
			    "cancelled") == 0 ? cli_tr("the offering region's "
			    "cancel came too late:", "отмена пришла слишком "
			    "поздно:") : cli_tr("the destination's answer came "
			    "too late:", "ответ региона-получателя пришёл "
			    "слишком поздно:"), transfer_state(c[TR_LATE]));
		break;
	case DT_CONSENT:
		if (it->closing)
			printf("%s (%s)", cli_tr("consent withdrawn",
			    "согласие отозвано"), enum_label(
			    fields_consent_scopes, c[CO_SCOPE]));
		else
			printf("%s: %s, %s", cli_tr("consent", "согласие"),
			    enum_label(fields_consent_scopes, c[CO_SCOPE]),
			    opt(c[CO_DOCUMENT]));
		break;
	default:
		break;
	}
	/* Region, user and id: who wrote it, and how to name it.  An
	 * episode's closing and a consent's withdrawal are the acts of the
	 * change that made them, which may be another region's. */
	if (it->closing && it->w != NULL)
		by = walk_act(it->w, it->t == DT_EPISODE ? OP_EPISODE_CLOSE :
		    OP_CONSENT_WITHDRAW, c[COL_ID]);
	if (by != NULL)
		printf("\n              %s %s · %s", by->region, by->user, sid);
	else
		printf("\n              %s %s · %s",
		    opt(c[dossier_tables[it->t].ncol - 3]),
		    opt(c[dossier_tables[it->t].ncol - 2]), sid);
	/* Who answered an offer, or cancelled it, and when. */
	for (j = 0; it->t == DT_TRANSFER && it->w != NULL && j < it->w->n; j++)
		if (it->w->v[j].field == -1 && same(it->w->v[j].ref,
		    c[COL_ID]))
			print_by(it->w->v[j].kind == OP_TRANSFER_ACCEPT ?
			    "accepted by" : it->w->v[j].kind ==
			    OP_TRANSFER_DECLINE ? "declined by" :
			    "cancelled by", it->w->v[j].kind ==
			    OP_TRANSFER_ACCEPT ? "принято:" : it->w->v[j].kind ==
			    OP_TRANSFER_DECLINE ? "отклонено:" : "отменено:",
			    &it->w->v[j]);
	/* Who corrected or retracted an entry, and when (on the entry,
	 * not on the line of its closing). */
	for (j = 0; !it->closing && it->w != NULL && j < it->w->n; j++) {
		const struct edit *e = &it->w->v[j];

		if (e->field != -1 || !same(e->ref, c[COL_ID]))
			continue;
		if (e->kind == OP_EVENT_RETRACT)
			print_by("retracted by", "отозвано:", e);
		else if (e->kind == OP_EVENT_AMEND || e->kind ==
		    OP_EPISODE_AMEND || e->kind == OP_ASSESSMENT_AMEND ||
		    e->kind == OP_CONSENT_AMEND)
			print_by("amended by", "исправлено:", e);
	}
	if (it->from != NULL)
		printf(" · %s %.8s", cli_tr("from linked dossier",
		    "из связанного дела"), it->from->id);
	printf("\n");
}

/* The open conflicts of d, with what to do about them. */
static void
show_conflicts(const struct dossier *d)
{
	const struct dossier_row	*r;
	char				 sid[20], a[40], b[40];
	size_t				 k;
	int				 shown = 0;

	for (k = 0; k < d->t[DT_CONFLICT].n; k++) {
		r = &d->t[DT_CONFLICT].v[k];
		if (strcmp(opt(r->col[CF_STATE]), "open") != 0)
			continue;
		if (shown++ == 0)
			printf("%s\n", cli_tr("CONFLICTS: two regions changed "
			    "the same field at the same time",
			    "КОНФЛИКТЫ: два региона одновременно изменили одно "
			    "поле"));
		short_id(r->col[COL_ID], sid);
		hlc_time(r->col[CF_WINNER_HLC], a, sizeof(a));
		hlc_time(r->col[CF_HLC], b, sizeof(b));
		printf("  %s %s\n    %s \"%s\" (%s %s, %s)\n"
		    "    %s \"%s\" (%s %s, %s)\n",
		    cli_tr("conflict", "конфликт"), sid,
		    cli_tr(field_label_en(r->col[CF_FIELD]),
		    field_label_ru(r->col[CF_FIELD])),
		    opt(r->col[CF_WINNER_VALUE]), opt(r->col[CF_WINNER_REGION]),
		    opt(r->col[CF_WINNER_USER]), a,
		    cli_tr("instead of", "вместо"), opt(r->col[CF_VALUE]),
		    opt(r->col[CF_REGION]), opt(r->col[CF_USER]), b);
	}
	if (shown > 0)
		printf("  %s\n\n", cli_tr("settle with: opora conflicts "
		    "resolve CONFLICT --keep-winner | --keep VALUE",
		    "решение: opora conflicts resolve КОНФЛИКТ --keep-winner | "
		    "--keep ЗНАЧЕНИЕ"));
}

static int
show_text(const struct dossier *d, struct dossier *const *linked,
    size_t nlinked, const char *here, const struct walk *walks)
{
	const char *const	*p = (const char *const *)d->person;
	struct item		*items;
	char			(*days)[11];
	char			 now[11], snils[15], when[40];
	size_t			 n = 0, cap = 0, r, i, ndays = 0, nday = 0;
	int			 t, age;

	today(now);
	printf("%s %s %s\n", opt(p[PF_SURNAME]), opt(p[PF_NAME]),
	    opt(p[PF_PATRONYMIC]));
	age = p[PF_BIRTH_DATE] != NULL ? fields_age(p[PF_BIRTH_DATE], now) : -1;
	printf("  %s %s (%d), %s\n", cli_tr("born", "дата рождения"),
	    opt(p[PF_BIRTH_DATE]), age, enum_label(fields_sex, p[PF_SEX]));
	if (p[PF_SNILS] != NULL && strlen(p[PF_SNILS]) == 11) {
		fields_snils_format(p[PF_SNILS], snils);
		printf("  %s %s\n", cli_tr("SNILS", "СНИЛС"), snils);
	}
	if (p[PF_INSTITUTION] != NULL || p[PF_GRADUATED] != NULL)
		printf("  %s: %s%s%s\n", cli_tr("left", "выпуск"),
		    opt(p[PF_INSTITUTION]), p[PF_GRADUATED] ? ", " : "",
		    opt(p[PF_GRADUATED]));
	if (p[PF_PHONE] != NULL)
		printf("  %s: %s\n", cli_tr("phone", "телефон"), p[PF_PHONE]);
	if (p[PF_EMAIL] != NULL)
		printf("  %s: %s\n", cli_tr("e-mail", "эл. почта"), p[PF_EMAIL]);
	if (p[PF_ADDRESS] != NULL)
		printf("  %s: %s\n", cli_tr("address", "адрес"), p[PF_ADDRESS]);
	hlc_time(d->updated, when, sizeof(when));
	printf("  %s %s\n  %s %s (%s), %s %s; %llu %s, %s %s\n\n",
	    cli_tr("dossier", "дело"), d->id,
	    cli_tr("custodian", "ответственный регион"), d->custodian,
	    opt(fields_region_name(d->custodian)),
	    cli_tr("registered by", "зарегистрировано в"), d->origin,
	    (unsigned long long)d->nchanges, cli_n(d->nchanges, "change",
	    "changes", "изменение", "изменения", "изменений"),
	    cli_tr("last", "последнее"), when);
	if (strcmp(d->custodian, here) != 0) {
		char	 end[11];

		if (dossier_custody_end(d, here, end) == 0)
			printf("  %s %s %s %s: %s %s\n\n", cli_tr("TRANSFERRED to",
			    "ПЕРЕДАНО в"), d->custodian, cli_tr("on", "—"), end,
			    cli_tr("read-only here; late notes dated up to",
			    "здесь только чтение; запоздалые записи с датой не "
			    "позже"), end);
		else if (dossier_pending_offer(d) != NULL)
			printf("  %s %s\n\n", cli_tr("OFFERED to this region by",
			    "ПРЕДЛОЖЕНО этому региону из"), d->custodian);
		else
			printf("  %s %s\n\n", cli_tr("held here read-only; the "
			    "custodian is", "здесь только чтение; ответственный "
			    "регион —"), d->custodian);
	}

	for (i = 0; i < nlinked; i++)
		printf("  %s %s%s\n", cli_tr("THE SAME PERSON as dossier",
		    "ТОТ ЖЕ ЧЕЛОВЕК, что и в деле"), linked[i]->id, i + 1 ==
		    nlinked ? "\n" : "");
	show_conflicts(d);
	for (i = 0; i <= nlinked; i++) {
		const struct dossier *x = i == 0 ? d : linked[i - 1];

		for (t = 0; t <= DT_TRANSFER; t++)
			cap += x->t[t].n * 2;
		ndays += x->t[DT_TRANSFER].n;
		cap += walks[i].n;
	}
	if ((items = calloc(cap + 1, sizeof(*items))) == NULL ||
	    (days = calloc(ndays + 1, sizeof(*days))) == NULL) {
		free(items);
		return (EX_OSERR);
	}
	for (i = 0; i <= nlinked; i++) {
	const struct dossier *x = i == 0 ? d : linked[i - 1];

	for (t = 0; t <= DT_TRANSFER; t++)
		for (r = 0; r < x->t[t].n; r++) {
			const struct dossier_row *row = &x->t[t].v[r];
			int dcol = t == DT_EPISODE ? EP_OPENED : t == DT_EVENT ?
			    EV_DATE : t == DT_ASSESSMENT ? AS_DATE : CO_DATE;
			const char *date;

			const struct dossier *from = i == 0 ? NULL : x;

			if (t == DT_TRANSFER) {
				hlc_day(row->col[TR_HLC], days[nday]);
				date = days[nday++];
			} else
				date = opt(row->col[dcol]);
			items[n++] = (struct item){ date, t, r, t, row, false,
			    from, &walks[i], NULL, t == DT_TRANSFER ?
			    row->col[TR_HLC] : NULL };
			if (t == DT_EPISODE && row->col[EP_CLOSED] != NULL)
				items[n++] = (struct item){ row->col[EP_CLOSED],
				    t, r, t, row, true, from, &walks[i], NULL, NULL };
			if (t == DT_CONSENT && row->col[CO_WITHDRAWN] != NULL)
				items[n++] = (struct item){
				    row->col[CO_WITHDRAWN], t, r, t, row,
				    true, from, &walks[i], NULL, NULL };
		}
	/* The card's edits, on the day of the change that made them. */
	for (r = 0; r < walks[i].n; r++)
		if (walks[i].v[r].field >= 0)
			items[n++] = (struct item){ walks[i].v[r].day,
			    DT_COUNT, r, DT_COUNT, NULL, false,
			    i == 0 ? NULL : x, &walks[i], &walks[i].v[r],
			    walks[i].v[r].hlc };
	}
	qsort(items, n, sizeof(*items), item_cmp);
	printf("%s\n", cli_tr("Timeline", "Хронология"));
	if (n == 0)
		printf("  %s\n", cli_tr("(nothing recorded yet)",
		    "(пока ничего не записано)"));
	for (i = 0; i < n; i++)
		print_item(&items[i]);
	free(items);
	free(days);
	return (EX_OK);
}

/*
 * "history": the card's edits and the acts on entries, in the order made:
 * {"hlc", "region", "user", "op", and "field", "old", "new" (null: empty)
 * for an edit, "entry" for an act}.  0 / -1.
 */
static int
history_json(const struct walk *w, cJSON *j)
{
	const struct edit	*e;
	cJSON			*a, *o;
	size_t			 i;

	if ((a = cJSON_AddArrayToObject(j, "history")) == NULL)
		return (-1);
	for (i = 0; i < w->n; i++) {
		e = &w->v[i];
		if ((o = cJSON_CreateObject()) == NULL)
			return (-1);
		cJSON_AddItemToArray(a, o);
		if (cJSON_AddStringToObject(o, "hlc", e->hlc) == NULL ||
		    cJSON_AddStringToObject(o, "region", e->region) == NULL ||
		    cJSON_AddStringToObject(o, "user", e->user) == NULL ||
		    cJSON_AddStringToObject(o, "op", op_kind_name(e->kind)) ==
		    NULL)
			return (-1);
		if (e->field < 0) {
			if (cJSON_AddStringToObject(o, "entry", e->ref) == NULL)
				return (-1);
			continue;
		}
		if (cJSON_AddStringToObject(o, "field",
		    op_field_name(e->field)) == NULL ||
		    (e->old != NULL ? cJSON_AddStringToObject(o, "old",
		    e->old) : cJSON_AddNullToObject(o, "old")) == NULL ||
		    (e->new != NULL ? cJSON_AddStringToObject(o, "new",
		    e->new) : cJSON_AddNullToObject(o, "new")) == NULL)
			return (-1);
	}
	return (0);
}

/* Open the node and load the dossier named on the command line. */
static int
load_named(const char *arg, struct node **np, struct dossier **dp)
{
	char	 id[37];
	int	 r;

	*dp = NULL;
	if ((*np = cli_open()) == NULL)
		return (EX_CONFIG);
	if (cli_dossier(*np, arg, id) == -1)
		return (EX_NOINPUT);
	if ((r = view_load((*np)->st, id, dp)) != 0)
		return (r == 1 ? EX_NOINPUT : EX_SOFTWARE);
	return (EX_OK);
}

int
cmd_show(int argc, char **argv)
{
	struct node	*n = NULL;
	struct dossier	*d = NULL, **linked = NULL;
	struct walk	*walks = NULL;
	char		(*ids)[37] = NULL;
	size_t		 nids = 0, nlinked = 0, k;
	cJSON		*j, *a;
	bool		 json;
	int		 rc;

	if ((rc = read_args(argc, argv, 1, &json,
	    "usage: opora show [--json] DOSSIER\n"
	    "  the person card and the timeline of a dossier, with those of "
	    "the dossiers\n  linked to it as the same person",
	    "использование: opora show [--json] ДЕЛО\n"
	    "  карточка и хронология дела вместе с делами, связанными с ним "
	    "как\n  дела того же человека")) != -1)
		return (rc);
	if ((rc = load_named(argv[optind], &n, &d)) != EX_OK)
		goto out;
	if (view_linked(n->st, d->id, &ids, &nids) == -1 ||
	    (linked = calloc(nids + 1, sizeof(*linked))) == NULL) {
		rc = EX_SOFTWARE;
		goto out;
	}
	for (k = 0; k < nids; k++)
		if (view_load(n->st, ids[k], &linked[nlinked]) == 0)
			nlinked++;
	if (json) {
		struct walk	 w;

		if ((j = view_json(d)) == NULL ||
		    (a = cJSON_AddArrayToObject(j, "linked")) == NULL ||
		    walk_dossier(n, d->id, &w) == -1)
			rc = EX_OSERR;
		else {
			for (k = 0; k < nlinked; k++)
				cJSON_AddItemToArray(a,
				    cJSON_CreateString(linked[k]->id));
			if (history_json(&w, j) == -1)
				rc = EX_OSERR;
			else
				cli_print_json(j);
			walk_free(&w);
		}
		cJSON_Delete(j);
	} else {
		if ((walks = calloc(nlinked + 1, sizeof(*walks))) == NULL) {
			rc = EX_OSERR;
			goto out;
		}
		for (k = 0; k <= nlinked; k++)
			if (walk_dossier(n, k == 0 ? d->id : linked[k - 1]->id,
			    &walks[k]) == -1) {
				cli_err("%s %s", cli_tr("cannot read the history "
				    "of dossier", "не удалось прочитать историю "
				    "дела"), k == 0 ? d->id : linked[k - 1]->id);
				rc = EX_SOFTWARE;
				goto out;
			}
		rc = show_text(d, linked, nlinked, n->cfg.region, walks);
	}
out:
	for (k = 0; walks != NULL && k <= nlinked; k++)
		walk_free(&walks[k]);
	free(walks);
	for (k = 0; k < nlinked; k++)
		dossier_free(linked[k]);
	free(linked);
	free(ids);
	dossier_free(d);
	node_close(n);
	return (rc);
}

int
cmd_digest(int argc, char **argv)
{
	struct node	*n = NULL;
	struct dossier	*d = NULL;
	char		 hex[65];
	bool		 json;
	int		 rc;

	if ((rc = read_args(argc, argv, 1, &json,
	    "usage: opora digest DOSSIER\n"
	    "  SHA-256 of the dossier's state: equal on every node holding "
	    "the same changes",
	    "использование: opora digest ДЕЛО\n"
	    "  SHA-256 состояния дела: одинаков на всех узлах с одними и "
	    "теми же изменениями")) != -1)
		return (rc);
	if ((rc = load_named(argv[optind], &n, &d)) == EX_OK) {
		if (view_digest(d, hex) == -1)
			rc = EX_SOFTWARE;
		else
			printf("%s\n", hex);
	}
	dossier_free(d);
	node_close(n);
	return (rc);
}

struct log_arg {
	bool	 json;
	cJSON	*arr;
};

static int
log_one(const struct store_row *row, void *arg)
{
	struct log_arg	*la = arg;
	struct change	*c = NULL;
	cJSON		*o, *p;
	char		 why[256], when[40], hlc[17], sighex[2 * SIG_LEN + 1];
	size_t		 i;
	int		 r;

	if ((r = change_decode(row->bytes, row->len, &c, why,
	    sizeof(why))) != 0) {
		if (r == CHANGE_NOMEM)
			cli_err("%s", cli_tr("out of memory", "не хватает "
			    "памяти"));
		else
			cli_err("%s %s: %s", cli_tr("damaged change",
			    "повреждённое изменение"), row->id, why);
		return (-1);
	}
	hlc_format(c->hlc, hlc);
	hlc_time(hlc, when, sizeof(when));
	if (la->json) {
		for (i = 0; i < row->siglen && i < SIG_LEN; i++)
			snprintf(sighex + 2 * i, 3, "%02x", row->sig[i]);
		sighex[2 * i] = '\0';
		if ((o = cJSON_CreateObject()) == NULL ||
		    cJSON_AddStringToObject(o, "id", c->id) == NULL ||
		    cJSON_AddNumberToObject(o, "seq", (double)row->seq) ==
		    NULL ||
		    cJSON_AddStringToObject(o, "signature", sighex) == NULL ||
		    (p = cJSON_Duplicate(c->tree, 1)) == NULL) {
			cJSON_Delete(o);
			change_free(c);
			return (-1);
		}
		cJSON_AddItemToObject(o, "change", p);
		cJSON_AddItemToArray(la->arr, o);
	} else {
		printf("%.12s  %s  %s %s\n", c->id, when, c->region, c->user);
		if (c->nparents == 0)
			printf("    %s\n", cli_tr("(first change)",
			    "(первое изменение)"));
		for (i = 0; i < c->nparents; i++)
			printf("    %s %.12s\n", cli_tr("after", "после"),
			    c->parents[i]);
		for (i = 0; i < c->nops; i++)
			printf("    %s\n", op_kind_name(c->ops[i].kind));
	}
	change_free(c);
	return (0);
}

int
cmd_log(int argc, char **argv)
{
	struct node	*n = NULL;
	struct log_arg	 la;
	char		 id[37];
	int		 rc;

	if ((rc = read_args(argc, argv, 1, &la.json,
	    "usage: opora log [--json] DOSSIER\n"
	    "  every change of a dossier, oldest first, with its parents",
	    "использование: opora log [--json] ДЕЛО\n"
	    "  все изменения дела, от старых к новым, с родителями")) != -1)
		return (rc);
	la.arr = NULL;
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (cli_dossier(n, argv[optind], id) == -1) {
		rc = EX_NOINPUT;
		goto out;
	}
	if (la.json && (la.arr = cJSON_CreateArray()) == NULL) {
		rc = EX_OSERR;
		goto out;
	}
	rc = store_each_change(n->st, id, log_one, &la) == 0 ? EX_OK :
	    EX_DATAERR;
	if (rc == EX_OK && la.json)
		cli_print_json(la.arr);
out:
	cJSON_Delete(la.arr);
	node_close(n);
	return (rc);
}

/* A page of 'list' or 'find': LIST_PAGE persons unless --limit says. */
#define LIST_PAGE	50
#define LIST_PAGE_MAX	10000

/* One person of a page, copied out of the statement. */
struct prow {
	char		*v[STORE_PERSON_NCOL];
	int64_t		 events;
};

/* The page print_persons reads. */
struct persons_out {
	struct node	*n;
	struct prow	*rows;
	size_t		 nrows, cap;
	size_t		 limit;		/* 0: no limit (--all) */
	bool		 more;		/* a person readable after the page */
};

static void
persons_out_free(struct persons_out *po)
{
	size_t	 i;
	int	 c;

	for (i = 0; i < po->nrows; i++)
		for (c = 0; c < STORE_PERSON_NCOL; c++)
			free(po->rows[i].v[c]);
	free(po->rows);
	po->rows = NULL;
	po->nrows = po->cap = 0;
}

/* store_person_find callback: take a person the account may read into
 * the page; stop (1) at the first one past a full page. */
static int
page_add(const char *const *v, int64_t events, void *arg)
{
	struct persons_out *po = arg;
	struct prow	*r;
	size_t		 cap;
	int		 c;

	if (v[0] == NULL || strlen(v[0]) != 36 || !cli_may_read(po->n, v[0]))
		return (0);
	if (po->limit != 0 && po->nrows == po->limit) {
		po->more = true;
		return (1);
	}
	if (po->nrows == po->cap) {
		cap = po->cap ? po->cap * 2 : 64;
		if ((r = reallocarray(po->rows, cap, sizeof(*r))) == NULL)
			return (-1);
		po->rows = r;
		po->cap = cap;
	}
	r = &po->rows[po->nrows];
	memset(r, 0, sizeof(*r));
	po->nrows++;
	r->events = events;
	for (c = 0; c < STORE_PERSON_NCOL; c++)
		if (v[c] != NULL && (r->v[c] = strdup(v[c])) == NULL)
			return (-1);
	return (0);
}

/* reads_all(): whether the acting account may read every dossier
 * (so a count of persons is the count it would be shown). */
static bool
reads_all(void)
{
	if (!cli.have_acct)
		return (!cli.need_acct);
	return (access_decide(cli.acct.role, ACT_READ, SCOPE_OWN) ==
	    ACCESS_ALLOW && access_decide(cli.acct.role, ACT_READ,
	    SCOPE_OTHER_CENTRE) == ACCESS_ALLOW && access_decide(
	    cli.acct.role, ACT_READ, SCOPE_OTHER_REGION) == ACCESS_ALLOW);
}

/*
 * The page of persons store_person_find finds that the account may read,
 * printed; an exit code.  The ids are written to the audit first, in one
 * entry; a page that cannot be audited is refused.  When more persons
 * follow, standard error says how many and how to see the next page
 * (cmd: "list" or "find ..."); --json prints the same array as before,
 * the page's persons only.
 */
static int
print_persons(struct node *n, const struct store_person_query *q, bool json,
    size_t limit, const char *action, const char *detail)
{
	struct persons_out po;
	struct store_person_query next;
	cJSON		*arr = NULL, *o;
	char		*ids = NULL;
	size_t		 i, len = 0;
	int64_t		 left = 0;
	int		 c, r, rc = EX_SOFTWARE;
	static const char *const keys[STORE_PERSON_NCOL] = { "dossier",
	    "surname", "name", "patronymic", "birth_date", "custodian" };

	memset(&po, 0, sizeof(po));
	po.n = n;
	po.limit = limit;
	if ((r = store_person_find(n->st, q, page_add, &po)) != 0 &&
	    r != 1) {
		if (r != -1)
			cli_err("%s", cli_tr("out of memory",
			    "не хватает памяти"));
		goto out;
	}
	/* How many follow the page (of any account's: a count of the
	 * index, not of what this account may read). */
	if (po.more) {
		next = *q;
		next.after = po.rows[po.nrows - 1].v[0];
		if (store_person_count(n->st, &next, &left) == -1)
			goto out;
	}
	if ((ids = malloc(po.nrows * 37 + 1)) == NULL) {
		rc = EX_OSERR;
		goto out;
	}
	ids[0] = '\0';
	for (i = 0; i < po.nrows; i++) {
		if (i > 0)
			ids[len++] = ' ';
		memcpy(ids + len, po.rows[i].v[0], 37);
		len += 36;
	}
	if (cli_audit(n, action, ids, detail, false) == -1) {
		cli_err("%s", cli_tr("the search cannot be recorded in the "
		    "audit, so it is refused", "поиск нельзя записать в журнал "
		    "аудита, поэтому в нём отказано"));
		goto out;
	}
	if (json && (arr = cJSON_CreateArray()) == NULL) {
		rc = EX_OSERR;
		goto out;
	}
	for (i = 0; i < po.nrows; i++) {
		const struct prow *pr = &po.rows[i];

		if (!json) {
			printf("%s  %s %s %s  %s  %s  %lld %s\n",
			    opt(pr->v[0]), opt(pr->v[1]), opt(pr->v[2]),
			    opt(pr->v[3]), opt(pr->v[4]), opt(pr->v[5]),
			    (long long)pr->events, cli_n((uint64_t)pr->events,
			    "event", "events", "событие", "события",
			    "событий"));
			continue;
		}
		if ((o = cJSON_CreateObject()) == NULL) {
			rc = EX_OSERR;
			goto out;
		}
		cJSON_AddItemToArray(arr, o);
		for (c = 0; c < STORE_PERSON_NCOL; c++)
			if (pr->v[c] != NULL)
				cJSON_AddStringToObject(o, keys[c], pr->v[c]);
		cJSON_AddNumberToObject(o, "events", (double)pr->events);
	}
	if (json)
		cli_print_json(arr);
	else if (po.nrows == 0)
		fprintf(stderr, "%s\n", q->after != NULL ? cli_tr("no more "
		    "dossiers", "больше дел нет") : cli_tr("no dossiers found",
		    "дела не найдены"));
	if (po.more) {
		if (cli.ru)
			fprintf(stderr, "%s %lld %s; %s: --after %s\n",
			    reads_all() ? "дальше ещё" : "дальше ещё не более",
			    (long long)left, cli_n((uint64_t)left, "", "",
			    "дело", "дела", "дел"), "следующая страница",
			    po.rows[po.nrows - 1].v[0]);
		else
			fprintf(stderr, "%s %lld %s; %s: --after %s\n",
			    reads_all() ? "and" : "and at most",
			    (long long)left, cli_n((uint64_t)left, "more "
			    "dossier", "more dossiers", "", "", ""),
			    "the next page", po.rows[po.nrows - 1].v[0]);
	}
	rc = EX_OK;
out:
	cJSON_Delete(arr);
	free(ids);
	persons_out_free(&po);
	return (rc);
}

/*
 * page_opt(ch, arg, limit, after): take --limit N, --all or --after ID
 * (ch 'l', 'a', 'A') into *limit and *after.  0, or -1 (said).
 */
static int
page_opt(int ch, const char *arg, size_t *limit, const char **after)
{
	char		*end;
	unsigned long	 v;

	switch (ch) {
	case 'l':
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (arg[0] < '1' || arg[0] > '9' || *end != '\0' ||
		    errno != 0 || v > LIST_PAGE_MAX) {
			cli_err("--limit: %s %d", cli_tr("a number from 1 to",
			    "число от 1 до"), LIST_PAGE_MAX);
			return (-1);
		}
		*limit = v;
		return (0);
	case 'a':
		*limit = 0;
		return (0);
	default:
		if (strlen(arg) != 36) {
			cli_err("--after: %s", cli_tr("a dossier id (36 "
			    "characters, as the last line of a page shows)",
			    "номер дела (36 знаков, как в последней строке "
			    "страницы)"));
			return (-1);
		}
		*after = arg;
		return (0);
	}
}

/* after_known(n, after): EX_OK, or why a page cannot begin after it. */
static int
after_known(struct node *n, const char *after)
{
	int	 r;

	if (after == NULL)
		return (EX_OK);
	if ((r = store_person_known(n->st, after)) == 1)
		return (EX_OK);
	if (r == 0)
		cli_err("--after: %s", cli_tr("no such dossier on this node",
		    "такого дела на узле нет"));
	return (r == 0 ? EX_DATAERR : EX_SOFTWARE);
}

int
cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "after", required_argument, NULL, 'A' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_tr(
	    "usage: opora list [--limit N | --all] [--after ID] [--json]\n"
	    "  the dossiers on this node by surname, name and birth date: id, "
	    "name,\n  birth date, custodian, events; 50 a page (--limit N, "
	    "up to 10000, or\n  --all); --after ID begins after that "
	    "dossier: the last of the page before",
	    "использование: opora list [--limit N | --all] [--after НОМЕР] "
	    "[--json]\n"
	    "  дела на узле по фамилии, имени и дате рождения: номер, ФИО, "
	    "дата\n  рождения, ответственный регион, события; по 50 на "
	    "странице (--limit N,\n  до 10000, или --all); --after НОМЕР "
	    "начинает после этого дела: последнего\n  на предыдущей "
	    "странице");
	struct store_person_query q;
	struct node	*n;
	size_t		 limit = LIST_PAGE;
	bool		 json = false;
	int		 ch, rc;

	memset(&q, 0, sizeof(q));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("%s\n", usage);
			return (EX_OK);
		case 'j':
			json = true;
			break;
		case 'l':
		case 'a':
		case 'A':
			if (page_opt(ch, optarg, &limit, &q.after) == -1)
				return (EX_USAGE);
			break;
		default:
			fprintf(stderr, "%s\n", usage);
			return (EX_USAGE);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if ((rc = after_known(n, q.after)) == EX_OK)
		rc = print_persons(n, &q, json, limit, "list", "");
	node_close(n);
	return (rc);
}

int
cmd_find(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "after", required_argument, NULL, 'A' },
		{ "all", no_argument, NULL, 'a' },
		{ "birth-date", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'N' },
		{ "snils", required_argument, NULL, 's' },
		{ "surname", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_tr(
	    "usage: opora find [--surname S] [--name N] [--birth-date D] "
	    "[--snils S]\n"
	    "                  [--limit N | --all] [--after ID] [--json]\n"
	    "  a surname or first name matches by its beginning (\"иван\" "
	    "finds Иванова and\n  Иванченко), regardless of case, ё/е, "
	    "spaces and hyphens; a birth date\n  (DD.MM.YYYY or YYYY-MM-DD) "
	    "and a SNILS match exactly; every one given must match;\n"
	    "  50 found a page, as 'list' pages",
	    "использование: opora find [--surname Ф] [--name И] "
	    "[--birth-date Д] [--snils С]\n"
	    "                  [--limit N | --all] [--after НОМЕР] [--json]\n"
	    "  фамилия и имя ищутся по началу («иван» находит Иванову и "
	    "Иванченко)\n  без учёта регистра, ё/е, пробелов и дефисов; "
	    "дата рождения (ДД.ММ.ГГГГ или\n  ГГГГ-ММ-ДД) и СНИЛС — точно; "
	    "совпасть должно всё указанное;\n  по 50 найденных на странице, "
	    "как в list");
	const char	*snils = NULL, *surname = NULL, *birth = NULL;
	const char	*name = NULL;
	char		 sn[12], fold[2 * LIMIT_NAME + 1], bd[11];
	char		 nfold[2 * LIMIT_NAME + 1], what[64];
	struct store_person_query q;
	struct node	*n;
	size_t		 limit = LIST_PAGE;
	bool		 json = false;
	int		 ch, rc;

	memset(&q, 0, sizeof(q));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'l':
		case 'a':
		case 'A':
			if (page_opt(ch, optarg, &limit, &q.after) == -1)
				return (EX_USAGE);
			break;
		case 'b':
			birth = optarg;
			break;
		case 'h':
			printf("%s\n", usage);
			return (EX_OK);
		case 'j':
			json = true;
			break;
		case 's':
			snils = optarg;
			break;
		case 'n':
			surname = optarg;
			break;
		case 'N':
			name = optarg;
			break;
		default:
			fprintf(stderr, "%s\n", usage);
			return (EX_USAGE);
		}
	}
	if (optind != argc || (snils == NULL && surname == NULL &&
	    name == NULL && birth == NULL)) {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	if (snils != NULL && fields_snils_normalize(snils, strlen(snils),
	    sn) == -1) {
		cli_err("--snils: %s", cli_tr("not a valid SNILS",
		    "неверный СНИЛС"));
		return (EX_DATAERR);
	}
	if (surname != NULL && (strlen(surname) > LIMIT_NAME ||
	    fields_name_fold(surname, strlen(surname), fold,
	    sizeof(fold)) == -1 || fold[0] == '\0')) {
		cli_err("--surname: %s", cli_tr("empty, too long or not UTF-8",
		    "пустая, слишком длинная или не UTF-8"));
		return (EX_DATAERR);
	}
	if (name != NULL && (strlen(name) > LIMIT_NAME ||
	    fields_name_fold(name, strlen(name), nfold,
	    sizeof(nfold)) == -1 || nfold[0] == '\0')) {
		cli_err("--name: %s", cli_tr("empty, too long or not UTF-8",
		    "пустое, слишком длинное или не UTF-8"));
		return (EX_DATAERR);
	}
	if (birth != NULL && cli_date_normal(birth, bd) == 0)
		birth = bd;
	if (birth != NULL && fields_date_parse(birth, strlen(birth), &ch, &ch,
	    &ch) == -1) {
		cli_err("--birth-date: %s", cli_tr("not a date (YYYY-MM-DD "
		    "or DD.MM.YYYY)", "не дата (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД)"));
		return (EX_DATAERR);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	/* By what it searched; the audit holds no names or SNILS
	 * (docs/privacy.md), the ids it returned say whom. */
	snprintf(what, sizeof(what), "by%s%s%s%s", snils != NULL ?
	    " snils" : "", surname != NULL ? " surname" : "",
	    name != NULL ? " name" : "", birth != NULL ? " birth_date" : "");
	q.snils = snils != NULL ? sn : NULL;
	q.surname = surname != NULL ? fold : NULL;
	q.name = name != NULL ? nfold : NULL;
	q.birth = birth;
	if ((rc = after_known(n, q.after)) == EX_OK)
		rc = print_persons(n, &q, json, limit, "find", what);
	node_close(n);
	return (rc);
}
