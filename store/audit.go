package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Actor is who makes a change: a delegate through their private link, an
// organiser, an API token, or the system itself.
type Actor struct {
	Kind    string // "delegate", "user", "token" or "system"
	Name    string // the user's email or the token's name
	Address string // the client's IP address
}

// System is the actor for changes nobody asked for directly.
var System = Actor{Kind: "system"}

// String names the actor as the audit log records it, e.g. "user:a@b.org".
func (a Actor) String() string {
	if a.Name == "" {
		return a.Kind
	}
	return a.Kind + ":" + a.Name
}

// AuditEntry is one recorded change.
type AuditEntry struct {
	ID             int64
	At             time.Time
	Actor          string
	Address        string
	Action         string
	RegistrationID int64
	Detail         map[string]any
}

func (db *DB) audit(ctx context.Context, tx *sql.Tx, a Actor, action string, registrationID int64, detail map[string]any) error {
	var data []byte
	if len(detail) > 0 {
		var err error
		if data, err = json.Marshal(detail); err != nil {
			return err
		}
	}
	var reg any
	if registrationID != 0 {
		reg = registrationID
	}
	_, err := tx.StmtContext(ctx, db.stmts.insertAudit).ExecContext(ctx,
		formatTime(db.Now()), a.String(), a.Address, action, reg, string(data))
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// History returns the recorded changes of a registration, oldest first.
func (db *DB) History(ctx context.Context, registrationID int64) ([]AuditEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, actor, address, action, detail FROM audit
		WHERE registration_id = ? ORDER BY id`, registrationID)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var list []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at, detail string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Address, &e.Action, &detail); err != nil {
			return nil, err
		}
		e.At, e.RegistrationID = parseTime(at), registrationID
		e.Detail = decodeDetail(detail)
		list = append(list, e)
	}
	return list, rows.Err()
}

func decodeDetail(s string) map[string]any {
	if s == "" {
		return nil
	}
	var m map[string]any
	json.Unmarshal([]byte(s), &m)
	return m
}
