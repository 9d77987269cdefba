package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
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
	rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit
		WHERE registration_id = ? AND action NOT LIKE 'access.%' ORDER BY id`, registrationID)
	list, err := collect(rows, err, func(row scanner) (AuditEntry, error) { return scanAuditEntry(row) })
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return list, nil
}

const auditColumns = "id, at, actor, address, action, coalesce(registration_id, 0), detail"

func scanAuditEntry(row scanner, extra ...any) (AuditEntry, error) {
	var e AuditEntry
	var at, detail string
	err := row.Scan(append([]any{&e.ID, &at, &e.Actor, &e.Address, &e.Action, &e.RegistrationID, &detail}, extra...)...)
	e.At, e.Detail = parseTime(at), decodeDetail(detail)
	return e, err
}

func scanAuditRow(row scanner) (AuditRow, error) {
	var r AuditRow
	var err error
	r.AuditEntry, err = scanAuditEntry(row, &r.Reference)
	return r, err
}

func decodeDetail(s string) map[string]any {
	if s == "" {
		return nil
	}
	var m map[string]any
	json.Unmarshal([]byte(s), &m)
	return m
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Actor     string // part of the actor's name
	Action    string // prefix, e.g. "registration." or "user."
	Reference string // a registration's reference
	From, To  string // YYYY-MM-DD, inclusive, in UTC
	Page      int
	PerPage   int
}

// AuditRow is an audit entry with the reference of its registration.
type AuditRow struct {
	AuditEntry
	Reference string
}

// FindAudit returns one page of audit entries, newest first, and how many
// match in all.
func (db *DB) FindAudit(ctx context.Context, f AuditFilter) ([]AuditRow, int, error) {
	var c conditions
	c.addIf("instr(lower(a.actor), lower(?)) > 0", f.Actor)
	if f.Action != "" {
		c.add("a.action LIKE ? ESCAPE '\\'", strings.NewReplacer("%", `\%`, "_", `\_`).Replace(f.Action)+"%")
	}
	c.addIf("r.reference = ?", NormalReference(f.Reference))
	c.addIf("a.at >= ?", f.From)
	if f.To != "" {
		to, err := ParseDate(f.To)
		if err != nil {
			return nil, 0, &ValidationError{Fields: map[string]Message{"to": {Key: "error.date"}}}
		}
		c.add("a.at < ?", to.AddDate(0, 0, 1).Format(DateLayout))
	}
	where, args := c.where()
	from := " FROM audit a LEFT JOIN registrations r ON r.id = a.registration_id"
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT count(*)"+from+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	per := max(f.PerPage, 1)
	q := "SELECT a.id, a.at, a.actor, a.address, a.action, coalesce(a.registration_id, 0), a.detail, coalesce(r.reference, '')" +
		from + where + fmt.Sprintf(" ORDER BY a.id DESC LIMIT %d OFFSET %d", per, (max(f.Page, 1)-1)*per)
	rows, err := db.read.QueryContext(ctx, q, args...)
	list, err := collect(rows, err, scanAuditRow)
	return list, total, err
}

// Access actions: who looked at a delegate's data, written to the audit
// log and shown to the delegate in their copy, not in the history of
// changes.
const (
	AccessRegistration = "access.registration" // an organiser opened the registration's page
	AccessLetter       = "access.letter"       // a letter was downloaded
	AccessPhoto        = "access.photo"        // the badge photo was opened
	AccessExport       = "access.export"       // an export with personal data (any registration)
	AccessCopy         = "access.copy"         // the delegate downloaded their data
)

func isAccess(action string) bool { return strings.HasPrefix(action, "access.") }

// Looked records that actor looked at personal data: action is one of
// the Access actions, registrationID the delegate's (0 for an export of
// many), detail what was looked at.
func (db *DB) Looked(ctx context.Context, actor Actor, action string, registrationID int64, detail map[string]any) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.audit(ctx, tx, actor, action, registrationID, detail) })
}
