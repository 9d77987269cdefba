package store

import (
	"cmp"
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Letter is one issue of a visa invitation letter.
type Letter struct {
	ID             int64
	RegistrationID int64
	Serial         string
	Name           string // as printed
	Nationality    string
	StartDate      string // the conference dates printed
	EndDate        string
	IssuedAt       time.Time
	SupersededAt   *time.Time
	RefusedAt      *time.Time // an organiser refused the registration's letter
}

// Valid reports whether the letter is the current one.
func (l Letter) Valid() bool { return l.SupersededAt == nil && l.RefusedAt == nil }

// Standing is what /verify says of a letter: "valid", "superseded" or
// "refused".
func (l Letter) Standing() string {
	switch {
	case l.RefusedAt != nil:
		return "refused"
	case l.SupersededAt != nil:
		return "superseded"
	}
	return "valid"
}

// An organiser's decisions on a registration's letter (letter_decision).
const (
	LetterGranted  = "granted" // an organiser approved the registration or issued the letter
	LetterToReview = "review"  // what the letter prints changed after a decision
	LetterDeclined = "refused" // an organiser refused the letter
)

// Where a requested letter stands, as the letter queue and the private
// page show it.
const (
	LetterRequested = "requested" // the registration waits for approval
	LetterReview    = "review"    // an organiser must issue or refuse it
	LetterPayment   = "payment"   // issued once the fee is paid or waived
	LetterIssued    = "issued"
	LetterRefused   = "refused"
)

// LetterStates lists them in the queue's order.
var LetterStates = []string{LetterRequested, LetterReview, LetterPayment, LetterIssued, LetterRefused}

// LetterState is where r's letter stands; "" when r asked for none or is
// no longer live.
func (r Registration) LetterState() string {
	switch {
	case !r.InvitationLetter || !r.Live():
		return ""
	case r.LetterDecision == LetterDeclined:
		return LetterRefused
	case r.Status != StatusApproved:
		return LetterRequested
	case r.LetterDecision != LetterGranted:
		return LetterReview
	case !r.FeeSettled():
		return LetterPayment
	}
	return LetterIssued
}

// FeeSettled reports whether nothing is owed: no fee, or paid or waived.
func (r Registration) FeeSettled() bool {
	return r.PaymentStatus == PaymentNotRequired || r.PaymentStatus == PaymentPaid || r.PaymentStatus == PaymentWaived
}

// LetterDue reports whether r should have a letter now under s: approved,
// an organiser's word given, any fee paid or waived, and a signatory to
// sign it. A category's automatic approval is nobody's word.
func LetterDue(r *Registration, s *Settings) bool {
	return r.LetterState() == LetterIssued && s.Signatory.Name != ""
}

// letterName is the name a letter prints: the passport's Latin-letter
// line, the family name in capitals and first ("NÚÑEZ GARCÍA, José
// Luis"), so that a consulate reads which is which; the name typed for a
// registration from before that was asked.
func letterName(r *Registration) string {
	if r.PassportFamilyName == "" {
		if !Drawable(r.FullName()) {
			return r.NameOnBadge() // in Latin letters, which the letter's font prints
		}
		return r.FullName()
	}
	family := strings.ToUpper(r.PassportFamilyName)
	if r.PassportGivenNames == "" {
		return family
	}
	return family + ", " + r.PassportGivenNames
}

// letterFields are the fields a letter prints about the delegate: a change
// to one after an organiser's decision needs a new one.
var letterFields = []string{"given_names", "family_name", "passport_family_name", "passport_given_names", "nationality",
	"date_of_birth", "passport_number", "passport_expiry"}

// letterChanges are what changed in the letter's fields from old to cur,
// old → new, with the passport number masked.
func letterChanges(old, cur *Registration) map[string][2]any {
	values := func(r *Registration) map[string]string {
		return map[string]string{"given_names": r.GivenNames, "family_name": r.FamilyName,
			"passport_family_name": r.PassportFamilyName, "passport_given_names": r.PassportGivenNames, "nationality": r.Nationality,
			"date_of_birth": r.DateOfBirth, "passport_number": MaskPassport(r.PassportNumber),
			"passport_expiry": r.PassportExpiry}
	}
	a, b := values(old), values(cur)
	out := map[string][2]any{}
	for _, f := range letterFields {
		if (f == "passport_number" && old.PassportNumber != cur.PassportNumber) || (f != "passport_number" && a[f] != b[f]) {
			out[f] = [2]any{a[f], b[f]}
		}
	}
	return out
}

// MaskPassport shows enough of a passport number to tell two apart:
// "A0•••••67".
func MaskPassport(n string) string {
	if len(n) <= 4 {
		return strings.Repeat("•", len(n))
	}
	return n[:2] + strings.Repeat("•", len(n)-4) + n[len(n)-2:]
}

const letterColumns = "id, registration_id, serial, name, nationality, start_date, end_date, issued_at, superseded_at, refused_at"

func scanLetter(row scanner) (Letter, error) {
	var l Letter
	var issued string
	var superseded, refused sql.NullString
	err := row.Scan(&l.ID, &l.RegistrationID, &l.Serial, &l.Name, &l.Nationality, &l.StartDate, &l.EndDate, &issued,
		&superseded, &refused)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	l.IssuedAt = parseTime(issued)
	l.SupersededAt, l.RefusedAt = parseTimeNull(superseded), parseTimeNull(refused)
	return l, err
}

// CurrentLetter returns a registration's valid letter.
func (db *DB) CurrentLetter(ctx context.Context, registrationID int64) (Letter, error) {
	return scanLetter(db.read.QueryRowContext(ctx, "SELECT "+letterColumns+
		" FROM letters WHERE registration_id = ? AND superseded_at IS NULL AND refused_at IS NULL", registrationID))
}

// LetterCheck is what /verify finds for a letter.
type LetterCheck struct {
	Letter
	// Kind is "letter", or "certificate" for a certificate of
	// participation: Letter then holds its serial, name and issue, and
	// RefusedAt its revocation; Days are the days it attests.
	Kind      string
	Days      []string
	Reference string
	// Match is the passport number the officer typed, as found on file:
	// "" when none was typed, "match", "mismatch", or "unknown" once the
	// passport data has been erased.
	Match string
	// Withdrawn is set once the delegate's data was erased: the document
	// no longer stands for anyone.
	Withdrawn bool
}

// Standing is what /verify says: the letter's or certificate's own, or
// "withdrawn" once the delegate's data was erased.
func (c LetterCheck) Standing() string {
	if c.Withdrawn {
		return "withdrawn"
	}
	return c.Letter.Standing()
}

// VerifyLetter finds the letter with serial whose code (the short one
// printed on paper, or the QR's) is right; anything else is ErrNotFound.
// With passport set it also says whether that is the number on file,
// without ever showing it.
func (db *DB) VerifyLetter(ctx context.Context, serial, code, passport string) (LetterCheck, error) {
	serial = strings.ToUpper(strings.TrimSpace(serial))
	if !db.letterCodeOK(serial, code) {
		return LetterCheck{}, ErrNotFound
	}
	if strings.HasPrefix(serial, "C") {
		return db.verifyCertificate(ctx, serial)
	}
	l, err := scanLetter(db.read.QueryRowContext(ctx, "SELECT "+letterColumns+" FROM letters WHERE serial = ?", serial))
	if err != nil {
		return LetterCheck{}, err
	}
	r, err := db.scanDetailed(db.read.QueryRowContext(ctx, "SELECT "+detailColumns+" FROM registrations WHERE id = ?", l.RegistrationID))
	if err != nil {
		return LetterCheck{}, err
	}
	c := LetterCheck{Letter: l, Kind: "letter", Reference: r.Reference, Withdrawn: r.Erased != nil}
	if passport = NormalPassport(passport); passport != "" && !c.Withdrawn {
		switch {
		case !r.HasPassport:
			c.Match = "unknown"
		case subtle.ConstantTimeCompare([]byte(passport), []byte(r.PassportNumber)) == 1:
			c.Match = "match"
		default:
			c.Match = "mismatch"
		}
	}
	return c, nil
}

func (db *DB) verifyCertificate(ctx context.Context, serial string) (LetterCheck, error) {
	c, err := scanCertificate(db.read.QueryRowContext(ctx, "SELECT "+certificateColumns+" FROM certificates WHERE serial = ?", serial))
	if err != nil {
		return LetterCheck{}, err
	}
	var reference, nationality, country string
	var erased bool
	if err := db.read.QueryRowContext(ctx, "SELECT reference, nationality, country, erased_at IS NOT NULL FROM registrations WHERE id = ?",
		c.RegistrationID).Scan(&reference, &nationality, &country, &erased); err != nil {
		return LetterCheck{}, err
	}
	return LetterCheck{Kind: "certificate", Days: c.Days, Reference: reference, Withdrawn: erased, Letter: Letter{ID: c.ID,
		RegistrationID: c.RegistrationID, Serial: c.Serial, Name: c.Name, Nationality: cmp.Or(nationality, country),
		IssuedAt: c.IssuedAt, RefusedAt: c.RevokedAt}}, nil
}

// VerifyLetterCode is VerifyLetter for the code a letter's QR holds,
// "SERIAL-SIGNATURE".
func (db *DB) VerifyLetterCode(ctx context.Context, code string) (LetterCheck, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	i := strings.LastIndexByte(code, '-')
	if i < 0 {
		return LetterCheck{}, ErrNotFound
	}
	return db.VerifyLetter(ctx, code[:i], code[i+1:], "")
}

// NormalPassport is a passport number as stored: upper case, without the
// spaces and dashes people type.
func NormalPassport(n string) string {
	return passportSeparators.Replace(strings.ToUpper(strings.TrimSpace(n)))
}

// syncAndTell is syncLetter that tells the delegate when a letter is
// issued.
func (db *DB) syncAndTell(ctx context.Context, tx *sql.Tx, r *Registration, s *Settings, force bool) error {
	issued, err := db.syncLetter(ctx, tx, r, s, force)
	if err != nil || !issued {
		return err
	}
	return db.queue(ctx, tx, MailLetterReady, r, s)
}

// syncLetter makes the letters of r match what it is due, inside a change's
// transaction: it issues one when due and none is valid, reissues when the
// printed facts changed (force), and supersedes one no longer due. It
// returns whether a new letter was issued.
func (db *DB) syncLetter(ctx context.Context, tx *sql.Tx, r *Registration, s *Settings, force bool) (bool, error) {
	cur, err := scanLetter(tx.QueryRowContext(ctx, "SELECT "+letterColumns+
		" FROM letters WHERE registration_id = ? AND superseded_at IS NULL AND refused_at IS NULL", r.ID))
	has := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return false, err
	}
	due := LetterDue(r, s)
	stale := has && (force || cur.Name != letterName(r) || cur.Nationality != r.Nationality ||
		cur.StartDate != s.StartDate || cur.EndDate != s.EndDate)
	now := formatTime(db.Now())
	if has && (!due || stale) {
		column := "superseded_at"
		if r.LetterDecision == LetterDeclined {
			column = "refused_at"
		}
		if _, err := tx.ExecContext(ctx, "UPDATE letters SET "+column+" = ? WHERE id = ?", now, cur.ID); err != nil {
			return false, err
		}
	}
	if !due || (has && !stale) {
		return false, nil
	}
	var next int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM letters").Scan(&next); err != nil {
		return false, err
	}
	serial := fmt.Sprintf("L%06d", next)
	if _, err := tx.ExecContext(ctx, `INSERT INTO letters (id, registration_id, serial, name, nationality, start_date,
		end_date, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, next, r.ID, serial, letterName(r), r.Nationality,
		s.StartDate, s.EndDate, now); err != nil {
		return false, fmt.Errorf("issue letter: %w", err)
	}
	return true, db.audit(ctx, tx, System, "registration.letter", r.ID, map[string]any{"serial": serial})
}

// setLetterDecision writes an organiser's word on r's letter, in tx.
func (db *DB) setLetterDecision(ctx context.Context, tx *sql.Tx, r *Registration, decision string, changes map[string][2]any, reason string) error {
	data := ""
	if len(changes) > 0 {
		b, err := json.Marshal(changes)
		if err != nil {
			return err
		}
		data = string(b)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE registrations SET letter_decision = ?, letter_changes = ?, letter_reason = ? WHERE id = ?",
		decision, data, reason, r.ID); err != nil {
		return fmt.Errorf("letter decision for %s: %w", r.Reference, err)
	}
	r.LetterDecision, r.LetterChanges, r.LetterReason = decision, changes, reason
	return nil
}

// IssueLetter is an organiser's word that r's letter may go out: it is
// issued at once when the fee is settled (the delegate gets "letter
// ready"), or as soon as it is.
func (db *DB) IssueLetter(ctx context.Context, actor Actor, reference string) (Registration, error) {
	return db.decideLetter(ctx, actor, reference, LetterGranted, "")
}

// RefuseLetter is an organiser's word that r gets no letter; a letter
// issued before is refused too (/verify says so), and the delegate is told
// the reason.
func (db *DB) RefuseLetter(ctx context.Context, actor Actor, reference, reason string) (Registration, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 500 {
		return Registration{}, &ValidationError{Fields: map[string]Message{"reason": {Key: "error.too_long", Args: []any{500}}}}
	}
	return db.decideLetter(ctx, actor, reference, LetterDeclined, reason)
}

func (db *DB) decideLetter(ctx context.Context, actor Actor, reference, decision, reason string) (Registration, error) {
	return db.changeRegistration(ctx, reference, func(tx *sql.Tx, s *Settings, r *Registration) error {
		if !r.InvitationLetter || !r.Live() {
			return &ConflictError{Reason: "no_letter"}
		}
		if decision == LetterGranted && r.Status != StatusApproved {
			return &ConflictError{Reason: "status_" + r.Status}
		}
		if decision == LetterGranted && s.Signatory.Name == "" {
			return &ConflictError{Reason: "no_signatory"}
		}
		detail := map[string]any{"letter": decision}
		if reason != "" {
			detail["reason"] = reason
		}
		if err := db.setLetterDecision(ctx, tx, r, decision, nil, reason); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, "registration.letter_"+decision, r.ID, detail); err != nil {
			return err
		}
		if decision == LetterDeclined {
			if _, err := db.syncLetter(ctx, tx, r, s, false); err != nil {
				return err
			}
			return db.queue(ctx, tx, MailLetterRefused, r, s)
		}
		return db.syncAndTell(ctx, tx, r, s, false)
	})
}

// LetterQueue is every registration that asked for a letter, by where its
// letter stands, oldest first, with the counts.
func (db *DB) LetterQueue(ctx context.Context) (map[string][]Registration, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+registrationColumns+
		" FROM registrations WHERE invitation_letter AND "+sqlLive+" ORDER BY created_at, id")
	list, err := collect(rows, err, scanListed)
	if err != nil {
		return nil, err
	}
	out := map[string][]Registration{}
	for _, r := range list {
		st := r.LetterState()
		out[st] = append(out[st], r)
	}
	return out, nil
}

// FindLetters lists letters, newest first, with their registrations'
// references.
func (db *DB) FindLetters(ctx context.Context, limit int) ([]Letter, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+letterColumns+" FROM letters ORDER BY id DESC LIMIT ?", limit)
	return collect(rows, err, scanLetter)
}

// PurgePassports erases the passport data of every registration; letters
// keep the name and nationality they printed. It returns how many were
// erased.
func (db *DB) PurgePassports(ctx context.Context, actor Actor) (int, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE registrations SET passport_sealed = NULL WHERE passport_sealed IS NOT NULL")
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		// badge photos go with the passport data
		photos, err := tx.ExecContext(ctx, "DELETE FROM photos")
		if err != nil {
			return err
		}
		p, _ := photos.RowsAffected()
		return db.audit(ctx, tx, actor, "passport.purge", 0, map[string]any{"count": n, "photos": p})
	})
	return int(n), err
}

// PurgeDue reports whether passport data kept for days after the
// conference should be erased at now.
func (s Settings) PurgeDue(days int, now time.Time) bool {
	return now.After(s.End().AddDate(0, 0, days+1))
}
