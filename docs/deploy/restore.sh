#!/usr/bin/env bash
# Restores delegate's database from its Litestream replica into a new
# file, and checks it before anyone starts a server on it.
#
#   restore.sh [-config /etc/litestream.yml] NEW.db DB_PATH_OR_REPLICA_URL
#
# Litestream (v0.5.18) can ship a transaction that the server was writing
# when it died (SIGKILL, the OOM killer, a panic) and, once it notices,
# a last transaction that leaves the newest copy malformed. That
# transaction was never acknowledged, so nothing a delegate was told is
# lost by stepping back: when the newest copy fails SQLite's
# integrity_check, this restores the transaction before it, and so on,
# up to five, and says how far it went. Needs litestream and sqlite3.
set -euo pipefail

config=()
if [ "${1:-}" = "-config" ]; then
  config=(-config "$2")
  shift 2
fi
if [ $# -ne 2 ]; then
  echo "usage: $0 [-config FILE] NEW.db DB_PATH_OR_REPLICA_URL" >&2
  exit 2
fi
out=$1 source=$2
if [ -e "$out" ]; then
  echo "$out exists: restore into a new path, then move it into place with the service stopped" >&2
  exit 1
fi

# the transactions the replica holds, newest first (the last column but
# one of each LTX file, at every compaction level)
mapfile -t txids < <(litestream ltx "${config[@]}" -level all "$source" |
  awk 'NR > 1 && NF >= 5 { print $3 }' | sort -u -r)
if [ ${#txids[@]} -eq 0 ]; then
  echo "no backup in $source" >&2
  exit 1
fi

tmp="$out.restoring"
for step in 0 1 2 3 4 5; do
  [ "$step" -lt ${#txids[@]} ] || break
  txid=${txids[$step]}
  rm -f "$tmp" "$tmp-wal" "$tmp-shm"
  litestream restore "${config[@]}" -txid "$txid" -o "$tmp" "$source" >&2
  verdict=$(sqlite3 "$tmp" "PRAGMA integrity_check" 2>&1 | head -n 1) || true
  if [ "$verdict" = "ok" ]; then
    mv "$tmp" "$out"
    if [ "$step" -eq 0 ]; then
      echo "restored $out at transaction $txid, the newest; integrity_check ok"
    else
      echo "restored $out at transaction $txid, $step before the newest (${txids[0]}), which was malformed; integrity_check ok"
    fi
    exit 0
  fi
  echo "transaction $txid: $verdict" >&2
done
rm -f "$tmp" "$tmp-wal" "$tmp-shm"
echo "no intact copy among the newest transactions; restore an older one by hand with litestream restore -timestamp" >&2
exit 1
