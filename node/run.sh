#!/bin/sh
# node/run.sh: 'make run' -- initialise ./var/node for RU-SMO if absent and
# give a short tour.  (Serving over HTTPS arrives with 'opora serve'.)
set -e
dir=./var/node
if [ ! -f "$dir/opora.conf" ]; then
	mkdir -p ./var
	./opora --dir "$dir" init --region RU-SMO --url https://127.0.0.1:8443
fi
cat <<TXT

opora node for RU-SMO is ready in $dir.  A five-minute tour:

  export OPORA_DIR=$dir
  D=\$(./opora person add --surname Иванова --name Анна --birth-date 2005-04-12 --sex F --snils "112-233-445 95")
  ./opora event add "\$D" --date 2024-02-01 --type housing --text "Получила квартиру"
  ./opora show "\$D"          # the timeline; --json for machines
  ./opora verify             # re-checks every hash, signature and view

'./opora --help' lists every command; docs/ holds the guides.
TXT
