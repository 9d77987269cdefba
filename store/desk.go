package store

// Desks: every scan at a named desk page, answered at once when the desk
// is online or sent later in a batch from a desk that was offline. Each
// scan carries the desk's own id for it and is applied once, at the time
// it was scanned.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Scan outcomes, as the desk shows them: green, green "already", amber
// (not approved, fee due: an organiser may check in anyway) and red.
const (
	ScanOK      = "ok"
	ScanAlready = "already"
	ScanWarn    = "warn"
	ScanRefused = "refused"
)

// MaxScanBatch is the most scans one sync may carry.
const MaxScanBatch = 500

// Scan is one scan at a desk: a badge's code, or a registration chosen
// by name.
type Scan struct {
	ID        string    `json:"id"` // the desk's unique id for the scan
	Code      string    `json:"code,omitempty"`
	Reference string    `json:"reference,omitempty"`
	At        time.Time `json:"at"`                // when it was scanned, by the desk's clock
	Force     bool      `json:"force,omitempty"`   // check in past "warn" (organisers)
	Offline   bool      `json:"offline,omitempty"` // scanned while the desk was offline
	// Fee settles an unpaid fee at the desk first (PaymentPaid, finance);
	// never sent in a sync.
	Fee string `json:"-"`
}

// ScanResult is how a scan ended.
type ScanResult struct {
	ID        string    `json:"id"`
	Outcome   string    `json:"outcome"`
	Reason    string    `json:"reason,omitempty"` // unknown, revoked_badge, not_live, not_approved, payment_due
	Reference string    `json:"reference,omitempty"`
	At        time.Time `json:"at"`
	// Repeated is set when the scan was received before: the answer is
	// the first one's, and nothing changed.
	Repeated bool `json:"repeated,omitempty"`
	// Registration is whose badge it was, when known.
	Registration *Registration `json:"-"`
}

var scanID = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// CheckDesk validates a desk's name and returns it trimmed.
func CheckDesk(desk string) (string, error) {
	desk = strings.TrimSpace(desk)
	if desk == "" || utf8.RuneCountInString(desk) > 40 {
		return "", &ValidationError{Fields: map[string]Message{"desk": {Key: "error.desk"}}}
	}
	return desk, nil
}

// ScanAt applies scans from desk, in the order given, each once: a scan
// whose id was received before answers as it did then. A scan's time is
// kept unless it is in the future or over a month old (a desk's clock gone
// wrong), when the time of receipt stands instead. Two desks that scanned
// the same badge offline end as one first check-in (the earlier scan)
// and one "already".
func (db *DB) ScanAt(ctx context.Context, actor Actor, desk string, scans []Scan) ([]ScanResult, error) {
	desk, err := CheckDesk(desk)
	if err != nil {
		return nil, err
	}
	if len(scans) > MaxScanBatch {
		return nil, &ValidationError{Fields: map[string]Message{"scans": {Key: "error.batch_too_big", Args: []any{MaxScanBatch}}}}
	}
	for i, sc := range scans {
		if !scanID.MatchString(sc.ID) {
			return nil, &ValidationError{Fields: map[string]Message{fmt.Sprintf("scans.%d.id", i): {Key: "error.scan_id"}}}
		}
	}
	out := make([]ScanResult, 0, len(scans))
	queued := false
	err = db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		now := db.Now()
		for _, sc := range scans {
			res, err := db.scanOne(ctx, tx, s, actor, desk, sc, now)
			if err != nil {
				return err
			}
			queued = queued || (sc.Fee != "" && res.Outcome == ScanOK)
			out = append(out, res)
		}
		return nil
	})
	if queued {
		db.signalQueued() // the receipt of a fee paid at the desk
	}
	return out, err
}

func (db *DB) scanOne(ctx context.Context, tx *sql.Tx, s *Settings, actor Actor, desk string, sc Scan, now time.Time) (ScanResult, error) {
	res := ScanResult{ID: sc.ID}
	var at string
	var regID sql.NullInt64
	err := tx.QueryRowContext(ctx, "SELECT outcome, reason, at, registration_id FROM desk_scans WHERE id = ?", sc.ID).
		Scan(&res.Outcome, &res.Reason, &at, &regID)
	if err == nil {
		res.At, res.Repeated = parseTime(at), true
		if regID.Valid {
			if r, err := scanListed(tx.QueryRowContext(ctx, "SELECT "+registrationColumns+" FROM registrations WHERE id = ?", regID.Int64)); err == nil {
				res.Reference, res.Registration = r.Reference, &r
			}
		}
		return res, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}
	res.At = sc.At.UTC()
	if res.At.IsZero() || res.At.After(now.Add(5*time.Minute)) || res.At.Before(now.AddDate(0, -1, 0)) {
		res.At = now
	}
	ref, version := sc.Reference, 0
	if NormalReference(ref) == "" {
		var ok bool
		if ref, version, ok = db.ParseCheckinCode(sc.Code); !ok {
			ref = ""
		}
	}
	var c Checkin
	var ce *ConflictError
	if ref == "" {
		err = ErrNotFound
	} else {
		c, err = db.checkInTx(ctx, tx, s, actor, CheckinRequest{Force: sc.Force, Fee: sc.Fee, Desk: desk}, ref, version, res.At)
	}
	switch {
	case err == nil && c.Already:
		res.Outcome = ScanAlready
	case err == nil:
		res.Outcome = ScanOK
	case errors.Is(err, ErrNotFound):
		res.Outcome, res.Reason = ScanRefused, "unknown"
	case errors.As(err, &ce) && (ce.Reason == "not_approved" || ce.Reason == "payment_due"):
		res.Outcome, res.Reason = ScanWarn, ce.Reason
	case errors.As(err, &ce):
		res.Outcome, res.Reason = ScanRefused, ce.Reason
	default:
		return res, err
	}
	if c.Registration.ID != 0 {
		regID = sql.NullInt64{Int64: c.Registration.ID, Valid: true}
		res.Reference, res.Registration = c.Registration.Reference, &c.Registration
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO desk_scans (id, desk, registration_id, at, offline, outcome, reason, actor, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, sc.ID, desk, regID, formatTime(res.At), sc.Offline, res.Outcome, res.Reason,
		actor.String(), formatTime(now))
	return res, err
}

// DeskScan is a scan as recorded, with whose badge it was when known.
type DeskScan struct {
	ID, Desk, Outcome, Reason string
	At, ReceivedAt            time.Time
	Offline                   bool
	Registration              *Registration
}

// RecentScans lists desk's last scans, newest first.
func (db *DB) RecentScans(ctx context.Context, desk string, limit int) ([]DeskScan, error) {
	return db.deskScans(ctx, "s.desk = ?", []any{desk, limit})
}

// RefusedAfterSync lists the scans made offline that the server refused
// or held (an old badge, a fee due…) once they came in, newest first: the
// desk lead's to follow up.
func (db *DB) RefusedAfterSync(ctx context.Context, limit int) ([]DeskScan, error) {
	return db.deskScans(ctx, "s.offline AND s.outcome IN ('warn', 'refused')", []any{limit})
}

func (db *DB) deskScans(ctx context.Context, where string, args []any) ([]DeskScan, error) {
	var ids []int64 // each scan's registration, 0 for an unknown code
	rows, err := db.read.QueryContext(ctx, `SELECT id, desk, outcome, reason, at, received_at, offline, coalesce(registration_id, 0)
		FROM desk_scans s WHERE `+where+` ORDER BY received_at DESC, at DESC LIMIT ?`, args...)
	out, err := collect(rows, err, func(row scanner) (DeskScan, error) {
		var d DeskScan
		var at, received string
		var id int64
		err := row.Scan(&d.ID, &d.Desk, &d.Outcome, &d.Reason, &at, &received, &d.Offline, &id)
		d.At, d.ReceivedAt = parseTime(at), parseTime(received)
		ids = append(ids, id)
		return d, err
	})
	if err != nil || len(ids) == 0 {
		return out, err
	}
	// whose badges they were, in one read
	args = make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err = db.read.QueryContext(ctx, "SELECT "+registrationColumns+" FROM registrations WHERE id IN ("+placeholders(len(ids))+")", args...)
	regs, err := collect(rows, err, scanListed)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Registration, len(regs))
	for i := range regs {
		byID[regs[i].ID] = &regs[i]
	}
	for i, id := range ids {
		out[i].Registration = byID[id]
	}
	return out, nil
}
