# An import file's name and the labels and values its lines quote reach
# the terminal (and the journal) escaped: a refusal that quotes the file
# cannot clear the screen, retitle the terminal or forge a log line; nor
# can an argument any command's error quotes.
. "$TOP/tests/cli/lib.sh"

ok "$OPORA" --dir n init --region RU-SMO
# A file name with an escape sequence and a new line that forges a line
# of the journal's form.
F=$(printf 'evil\033[31mRED\n<3>level=error msg=forged.jsonl')
printf '%s\n' '{"dossier":"X1","op":"event.add","date":"2024-02-01","type":"housing","text":"x"}' > "$F"
refuses 65 'has no person.create line' "$OPORA" --dir n import "$F"
# Labels and values with controls, written as JSON escapes and raw.
cat > labels.jsonl <<'J'
{"dossier":"A\u001b[2J\nforged","op":"event.add","date":"2024-02-01","type":"housing","text":"x"}
{"dossier":"B","op":"person.create","surname":"Иванова","name":"Анна","birth_date":"2005-04-12","sex":"F"}
{"dossier":"B","op":"event.amend","event":"e\u001b]0;TITLE\u0007","text":"x"}
{"dossier":"B","op":"event.add","id":"l\u001b[5m","date":"2024-02-01","type":"housing","text":"x"}
{"dossier":"B","op":"event.add","id":"l\u001b[5m","date":"2024-02-01","type":"housing","text":"y"}
{"dossier":"B","op":"event.add","date":"2024-02-01","type":"hous\u001b[31ming","text":"x"}
{"dossier":"B","op":"event.add","date":"2024-02-3\u001b[1m","type":"housing","text":"x"}
J
printf '{"dossier":"raw\033[31m","op":"x"}\n' >> labels.jsonl
refuses 65 'dossier "A\\x1b\[2J\\x0aforged"' "$OPORA" --dir n import labels.jsonl
cp "$T/err" labels.err
"$OPORA" --dir n import "$F" 2> name.err
for f in name.err labels.err; do
	# No control byte but the lines' ends (tab too: none is written).
	if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$f"; then
		cat -v "$f" >&2
		fail "$f: a control byte of the file reached standard error"
	fi
done
contains 'evil\\x1b\[31mRED\\x0a<3>level=error msg=forged.jsonl:1: ' name.err
# One line a refusal: 6 refused lines, the summary and where the first is.
[ "$(wc -l < labels.err)" = 8 ] || { cat -v labels.err >&2
	fail "the refusals are not one line each"; }
contains 'labelled "e\\x1b\]0;TITLE\\x07"' labels.err
contains 'type: "hous\\x1b\[31ming" is not one of' labels.err

# Every command's error quotes its arguments escaped too (cli_err): an
# escape sequence, a new line, a bidirectional override.
A=$(printf 'x\033[2J\nforged\342\200\256y')
refuses 66 'no peer x\\x1b\[2J\\x0aforged\\xe2\\x80\\xaey' "$OPORA" --dir n \
    peer remove "$A"
refuses 64 'unknown setting "x\\x1b\[2J' "$OPORA" --dir n config get "$A"
[ "$(wc -l < "$T/err")" = 1 ] || fail "an error of more than one line"

# Where the journal keeps them (JOURNAL_STREAM names stderr), the
# refusals are warnings in its form, the file and line as fields, and the
# summary an error: every line "<P>level=L msg=..." with quotes escaped.
: > j.err
JOURNAL_STREAM=$(stat -c '%d:%i' j.err) "$OPORA" --dir n import labels.jsonl \
    2>>j.err && fail "the import with refusals succeeded"
[ "$(grep -c '^<4>level=warning msg="labels.jsonl:[0-9]*: .*" file="labels.jsonl" line="[0-9]*"$' j.err)" = 6 ] ||
    { cat j.err >&2; fail "the refusals are not warnings in the journal's form"; }
grep -q '^<4>level=warning msg="labels.jsonl:1: .*dossier \\"A\\x1b\[2J' j.err ||
    { cat j.err >&2; fail "a refusal's quotes are not escaped for the journal"; }
bad=$(grep -cvE '^<[3-7]>level=(error|warning|info|debug) msg="([^"\\]|\\.)*"( [a-z0-9_]+="([^"\\]|\\.)*")*$' j.err)
[ "$bad" = 0 ] || { cat j.err >&2; fail "$bad lines not in the journal's form"; }
exit 0
