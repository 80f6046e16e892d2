# Help and messages follow the locale: Russian with LANG=ru_RU.UTF-8.
. "$TOP/tests/cli/lib.sh"
ok "$OPORA" --help
contains 'usage: opora' "$T/out"
contains 'register a graduate' "$T/out"
LANG=ru_RU.UTF-8 ok "$OPORA" --help
contains 'использование: opora' "$T/out"
contains 'зарегистрировать выпускника' "$T/out"
LANG=ru_RU.UTF-8 ok "$OPORA" event --help
contains 'добавить событие' "$T/out"
contains 'кризис' "$T/out"
LC_ALL=en_US.UTF-8 LANG=ru_RU.UTF-8 ok "$OPORA" --help
contains 'usage: opora' "$T/out"
# Every command answers --help with success.
for c in init id person episode event assessment consent show log list \
    find import verify rebuild digest; do
	ok "$OPORA" "$c" --help
	[ -s "$T/out" ] || fail "$c --help printed nothing"
done
mknode smo
LANG=ru_RU.UTF-8 OPORA_DIR=smo refuses 66 'нет дела' "$OPORA" show 00000000
