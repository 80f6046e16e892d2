#!/bin/sh
# data/gen-common-passwords.sh: writes data/common-passwords.txt, the
# passwords of 12 characters or more that 'opora user' refuses because an
# attacker tries them first (docs/admin.md, "Passwords").  Made from
# patterns people are known to use -- keyboard walks, runs of digits,
# common words (English, Russian and Russian typed on a Latin keyboard)
# with years, repeats and the usual suffixes -- not copied from any leak.
# Lower case; the check folds ASCII letters before comparing.
set -eu
out=${1:-data/common-passwords.txt}
words="password passw0rd p@ssw0rd qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm
admin administrator letmein welcome iloveyou monkey dragon football baseball
sunshine princess superman batman master shadow michael jennifer trustno1
starwars whatever freedom computer internet secret changeme default
parol parol123 privet lubov lyubov solnce solnyshko kotenok zayka zaichik
natasha nastya dasha masha sasha andrey dmitry sergey vladimir moskva
russia rossiya spartak zenit dinamo cska lokomotiv mamapapa mama papa
пароль привет любовь солнышко котенок зайка наташа настя маша саша
москва россия спартак зенит мамапапа йцукен йцукенгшщз фывапролджэ
ячсмитьбю opora smolensk kaluga sakha yakutsk centre center support
graduate curator supervisor auditor researcher user login"
suffixes="1 12 123 1234 12345 123456 1234567 12345678 123456789 ! !! 1! 123!
@ # 01 007 69 77 99 00 11 111 777 666 2000 qwerty"
{
	for w in $words; do
		echo "$w$w"
		echo "$w$w$w"
		for s in $suffixes; do echo "$w$s"; done
		y=1950
		while [ $y -le 2030 ]; do
			echo "$w$y"
			echo "$w$y!"
			echo "$w.$y"
			echo "${w}_$y"
			y=$((y + 1))
		done
	done
	# Runs of digits and their repeats.
	for s in 1234567890 0987654321 1029384756 1122334455 1212121212 \
	    1q2w3e4r5t6y 1qaz2wsx3edc qazwsxedcrfv zaq12wsxcde3 \
	    qwertyuiopasdfghjkl asdfghjklzxcvbnm qwerty123456 \
	    123qweasdzxc 1qazxsw23edc q1w2e3r4t5y6 a1b2c3d4e5f6 \
	    abcdefghijkl abcdef123456 abc123abc123 ; do
		echo "$s"
	done
	for d in 0 1 2 3 4 5 6 7 8 9; do
		i=12
		while [ $i -le 20 ]; do
			printf "%${i}s\n" "" | tr ' ' "$d"
			i=$((i + 1))
		done
	done
	i=12
	while [ $i -le 20 ]; do
		echo "123456789012345678901" | cut -c1-$i
		echo "098765432109876543210" | cut -c1-$i
		echo "qwertyuiopasdfghjklzx" | cut -c1-$i
		i=$((i + 1))
	done
} | awk 'length($0) >= 12' | LC_ALL=C sort -u > "$out"
