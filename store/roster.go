package store

// The roster a desk keeps for when the network goes: every registration
// as the desk needs it to answer a scan or a name, in the order of change,
// so that a desk asks only for what changed since it last asked. No
// passport data, and no check-in code: a hash of it.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// RosterEntry is a registration as a desk keeps it.
type RosterEntry struct {
	Registration
	// CodeHash is the first 16 bytes of SHA-256 over the badge's current
	// check-in code, in hex: the desk hashes what it scans and compares.
	CodeHash string
	// LastDay is the last day (venue time) the delegate was checked in.
	LastDay string
	// HasPhoto: a badge photo is on file.
	HasPhoto bool
}

// RosterPage is a page of the roster's changes after a cursor.
type RosterPage struct {
	Entries []RosterEntry
	Next    int64 // the cursor to ask after next
	More    bool  // more changes wait after Next
}

// CodeHash is the roster's hash of a check-in code.
func CodeHash(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:16])
}

// Roster returns up to limit registrations changed after cursor (0: from
// the start), in the order of change: a keyset page on roster_changes.
func (db *DB) Roster(ctx context.Context, after int64, limit int) (RosterPage, error) {
	p := RosterPage{Next: after}
	rows, err := db.read.QueryContext(ctx, `SELECT `+registrationColumns+`, c.seq,
		coalesce((SELECT max(day) FROM checkins k WHERE k.registration_id = r.id), ''),
		EXISTS (SELECT 1 FROM photos p WHERE p.registration_id = r.id)
		FROM roster_changes c JOIN registrations r ON r.id = c.registration_id
		WHERE c.seq > ? ORDER BY c.seq LIMIT ?`, after, limit+1)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var e RosterEntry
		var seq int64
		var err error
		if e.Registration, err = scanRegistration(rows, &seq, &e.LastDay, &e.HasPhoto); err != nil {
			return p, err
		}
		if len(p.Entries) == limit {
			p.More = true
			break
		}
		e.CodeHash = CodeHash(db.CheckinCode(e.Registration))
		p.Entries = append(p.Entries, e)
		p.Next = seq
	}
	return p, rows.Err()
}
