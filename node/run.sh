#!/bin/sh
# node/run.sh: 'make run' -- initialise ./var/node for RU-SMO if absent,
# say what to do next, and serve it in the foreground (Ctrl-C stops it).
set -e
dir=./var/node
if [ ! -f "$dir/opora.conf" ]; then
	mkdir -p ./var
	./opora --dir "$dir" init --region RU-SMO --url https://127.0.0.1:8443 \
	    --listen 127.0.0.1:8443
fi
./opora --dir "$dir" id > ./var/node.card
url=$(sed -n 's/^url = //p' "$dir/opora.conf")
cat <<TXT

opora node for RU-SMO, serving at $url (mutual TLS, peers only).
Its card, for the admins of peer regions: ./var/node.card

In another terminal:
  export OPORA_DIR=$dir
  D=\$(./opora person add --surname Иванова --name Анна --birth-date 2005-04-12 --sex F --snils "112-233-445 95")
  ./opora event add "\$D" --date 2024-02-01 --type housing --text "Получила квартиру"
  ./opora show "\$D"                    # the timeline; --json for machines
  ./opora peer add OTHER-REGION.card     # then transfer offer "\$D" --to RU-KLU ...
  ./opora verify                        # re-checks every hash, signature and view
  ./opora status                        # peers, refused changes, conflicts: what needs attention
'make demo' shows three regions handing a case on.  Ctrl-C stops the node.

TXT
exec ./opora --dir "$dir" serve
