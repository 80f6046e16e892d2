# tests/bench/register.sh: the register the import benches import, sourced
# from the top of the tree.  bench_register N: N lines on standard output,
# one person a 51 lines (person.create), the rest events, interleaved
# across the persons (event e is person e mod the persons'): the worst
# case for locality.
bench_register() {
	_d=$(($1 / 51))
	[ $_d -ge 1 ] || _d=1
	awk -v D="$_d" -v E="$(($1 - _d))" 'BEGIN {
	split("contact consultation housing education employment health finance legal crisis", types, " ")
	for (d = 0; d < D; d++)
		printf("{\"dossier\":\"P%d\",\"op\":\"person.create\",\"surname\":\"Иванова%d\",\"name\":\"Анна\",\"birth_date\":\"2004-%02d-%02d\",\"sex\":\"F\",\"institution\":\"Детский дом №%d\"}\n", d, d, d % 12 + 1, d % 28 + 1, d % 50)
	for (e = 0; e < E; e++)
		printf("{\"dossier\":\"P%d\",\"op\":\"event.add\",\"date\":\"2024-%02d-%02d\",\"type\":\"%s\",\"text\":\"Встреча с куратором, обсуждение жилья и учёбы; запись номер %d\"}\n", e % D, e % 12 + 1, e % 28 + 1, types[e % 9 + 1], e)
	}'
}
