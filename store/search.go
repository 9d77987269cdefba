package store

import (
	"context"
	"database/sql"
	"strings"
	"unicode"
)

// Search: a word matches when it is in a registration's search text, as
// before (instr), but the candidates come from an index of trigrams
// (registrations_search), so a search reads the registrations that share
// the word's trigrams instead of every one.

// trigrams are the three-letter pieces of the runs of letters and digits in
// folded text, each once; runs shorter than three have none.
func trigrams(folded string) []string {
	var out []string
	seen := map[string]bool{}
	for _, run := range strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(run)
		for i := 0; i+3 <= len(rs); i++ {
			g := string(rs[i : i+3])
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// matchQuery is the full-text query that finds the candidates for words:
// every trigram of every word, quoted. "" when no word has a trigram
// (all shorter than three letters): then only a scan finds them.
func matchQuery(words []string) string {
	var q []string
	for _, w := range words {
		for _, g := range trigrams(w) {
			q = append(q, `"`+g+`"`)
		}
	}
	return strings.Join(q, " ")
}

// indexSearch writes the registration's trigrams, replacing what was there.
func indexSearch(ctx context.Context, tx *sql.Tx, id int64, search string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM registrations_search WHERE docid = ?", id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO registrations_search (docid, grams) VALUES (?, ?)",
		id, strings.Join(trigrams(search), " "))
	return err
}

// fillSearchIndex indexes the registrations the search index lacks (all of
// them after the migration that made it), a thousand a transaction.
func (db *DB) fillSearchIndex(ctx context.Context) error {
	for {
		rows, err := db.read.QueryContext(ctx, `SELECT id, search FROM registrations
			WHERE id NOT IN (SELECT docid FROM registrations_search) ORDER BY id LIMIT 1000`)
		if err != nil {
			return err
		}
		type doc struct {
			id     int64
			search string
		}
		docs, err := collect(rows, nil, func(r scanner) (doc, error) {
			var d doc
			return d, r.Scan(&d.id, &d.search)
		})
		if err != nil || len(docs) == 0 {
			return err
		}
		err = db.tx(ctx, func(tx *sql.Tx) error {
			for _, d := range docs {
				if err := indexSearch(ctx, tx, d.id, d.search); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}
