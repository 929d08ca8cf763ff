#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds made from the repository's own notes, vCards, CSV
# and config, in each target's input format (see the `//!` header of src/fuzzing/*.rs):
# a few bytes of flags or numbers, then texts apart by two NUL bytes. Run it once before
# fuzzing; the fuzzer adds its own inputs to the same folders. Seeds are not committed.
set -euo pipefail
cd "$(dirname "$0")"
root=..
corpus=corpus
mkdir -p "$corpus"/{note,cadence,dates,config,query,vcard,linkedin,log_append,task_close,merge}

# put TARGET: stdin becomes one seed of TARGET, named by its hash as libFuzzer names inputs.
put() {
    local tmp
    tmp=$(mktemp)
    cat >"$tmp"
    mv "$tmp" "$corpus/$1/$(sha1sum <"$tmp" | cut -c1-40)"
}
sep() { printf '\0\0'; }

# note: flags 0 (a contact), 1 (a meeting or daily note); today 2026-11-23 (byte 128).
for f in "$root"/sample-vault/People/*.md "$root"/sample-vault/Clients/*.md; do
    { printf '\x00\x80'; cat "$f"; } | put note
done
for f in "$root"/sample-vault/{Meetings,Daily,Projects,Topics}/*.md "$root"/sample-vault/Home.md; do
    { printf '\x01\x80'; cat "$f"; } | put note
done
# Two notes: a contact, and a meeting note that mentions it.
{ printf '\x00\x80'; cat "$root/sample-vault/People/Priya Raman.md"; sep
  cat "$root/sample-vault/Meetings/2026-11-12 Product offsite.md"; } | put note

for c in 6w 2w 3mo "3 months" "1 Year" quarterly biweekly never none 10d 100y 5218w 0w -1w \
    "  12 MOS " 1200m 36525d 999999999999999y; do
    printf '%s' "$c" | put cadence
done

for d in 2026-11-23 "2026-11-20T10:30" "2026-11-20 10:30" 2026-02-29 0001-01-01 9999-12-31 \
    "[[2026-11-23]] call" "[[2026-11-23|Monday]] coffee" "2026-11-23: lunch" --07-14 07-14 \
    19850415 --0415 "12/01/2026" "1.12.2026" "2026/12/01" "Dec 1, 2026" "1st December 2026" \
    "December 22nd, 2026 at noon"; do
    printf '%s' "$d" | put dates
done

put config <"$root/sample-vault/kith.toml"
printf 'week_start = "sunday"\ndefault_tier = "close"\n[tiers.close]\ncadence = "2w"\nmax = 5\n' | put config
printf '[contacts]\nfolders = ["./People/", "Clients"]\ntags = ["#Person"]\n[exchange]\nstreak = 2\nask_tags = ["ask"]\n' | put config
printf 'ignore = ["Templates/**", "*.excalidraw.md"]\ndue_note = "Reviews/Due.md"\n[tiers]\nA = { cadence = "6w" }\n' | put config

for q in coffee berlin "'*'" '"eu ai act"' "date:>=2026-11-01" "date:[2026-01-01 TO 2026-11-30] rust" \
    "contact:ada tag:ask" "title:coffee -body:pricing" "compilers OR logic" "東京" "gödel~1" \
    "foo: bar" "(unbalanced" "date:2026-02-30" "interests:berlin"; do
    { printf '\x00'; printf '%s' "$q"; } | put query
done
printf '\x1fberlin' | put query
printf '\x03*' | put query

for f in "$root"/tests/fixtures/vcard/*.vcf "$root"/sample-vault/contacts.vcf; do
    # The thousand-card file is cut to its first cards: small seeds fuzz faster.
    head -c 6000 "$f" | put vcard
done

put linkedin <"$root/sample-vault/Connections.csv"
head -c 600 "$root/sample-vault/Connections.csv" | put linkedin

# log_append: flags (1: a title, 2: the heading given), the date byte, heading, title, text,
# then the note.
for f in "$root"/sample-vault/People/*.md; do
    { printf '\x00\x80'; printf 'Log'; sep; sep; printf 'coffee: talked about #rust'; sep; cat "$f"; } | put log_append
done
{ printf '\x03\x80'; printf 'Conversations'; sep; printf 'Call'; sep
  printf 'first line\n\nsecond after a gap\n'; sep
  printf '# Ada\n\n## Conversations\n\n### 2026-10-01 Lunch\nNotes.\n'; } | put log_append

# task_close: the line of the note's first open task, the date byte, the note.
for f in "$root"/sample-vault/People/*.md "$root"/sample-vault/{Meetings,Daily}/*.md; do
    line=$(grep -n -m1 -E '^\s*([-*+]|[0-9]+[.)]) \[[ /]\]' "$f" | cut -d: -f1 || true)
    [ -n "$line" ] && [ "$line" -lt 256 ] || continue
    { printf "\\x$(printf '%02x' "$line")\\x80"; cat "$f"; } | put task_close
done

# merge: a contact's note, then a card.
cards=("$root"/tests/fixtures/vcard/{011,018,047,104}.vcf)
i=0
for f in "$root"/sample-vault/People/*.md; do
    card=${cards[$((i % ${#cards[@]}))]}
    i=$((i + 1))
    { cat "$f"; sep; head -c 3000 "$card"; } | put merge
done
printf 'Plain note without front-matter.\n' | { cat; sep; cat "${cards[0]}"; } | put merge

echo "$(find "$corpus" -type f | wc -l) inputs in $(cd "$corpus" && pwd)"
