package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// CreateRegistration validates d and stores a new registration. Whether it
// is pending, approved or waitlisted, its fee, and the message that tells the
// delegate are decided and written in one immediate transaction, so that
// concurrent registrations never oversell the capacity. The registration
// returned carries its ManageToken; only the token's hash is looked up.
func (db *DB) CreateRegistration(ctx context.Context, actor Actor, d Details) (Registration, error) {
	s := db.Settings()
	now := db.Now()
	if err := d.Validate(&s, now); err != nil {
		return Registration{}, err
	}
	token, hash := NewToken()
	for attempt := 0; ; attempt++ {
		r := Registration{Details: d, ManageToken: token, CreatedAt: now, UpdatedAt: now, BadgeVersion: 1,
			Reference: newReference()}
		err := db.createRegistration(ctx, actor, &r, hash)
		if errors.Is(err, errReferenceTaken) && attempt < 5 {
			continue
		}
		if err != nil {
			return Registration{}, err
		}
		db.signalQueued()
		return r, nil
	}
}

var errReferenceTaken = errors.New("reference taken")

// admit decides the status and fee of a new registration r under s, with
// live registrations counting against the capacity.
func admit(r *Registration, s *Settings, live int, now time.Time) {
	cat, _ := s.Category(r.Category)
	switch {
	case live >= s.Capacity:
		r.Status = StatusWaitlisted
	case cat.NeedsApproval:
		r.Status = StatusPending
	default:
		r.Status = StatusApproved
	}
	r.Fee = Money{Amount: s.FeeFor(cat, now), Currency: s.Currency}
	r.PaymentStatus = PaymentNotRequired
	if r.Fee.Amount > 0 {
		r.PaymentStatus = PaymentUnpaid
	}
}

func (db *DB) createRegistration(ctx context.Context, actor Actor, r *Registration, hash []byte) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		if !s.RegistrationOpen(r.CreatedAt) {
			return &ConflictError{Reason: "registration_closed"}
		}
		v := &ValidationError{}
		if err := checkEmailFree(ctx, tx, db, v, r.Email, 0); err != nil {
			return err
		}
		if err := checkPlaces(ctx, tx, v, s, &r.Details, nil); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		var live int
		if err := tx.StmtContext(ctx, db.stmts.countLive).QueryRowContext(ctx).Scan(&live); err != nil {
			return err
		}
		admit(r, s, live, r.CreatedAt)
		if err := db.insert(ctx, tx, r, hash); err != nil {
			if strings.Contains(err.Error(), "registrations.reference") {
				return errReferenceTaken
			}
			return fmt.Errorf("insert registration: %w", err)
		}
		if err := db.audit(ctx, tx, actor, "registration.create", r.ID, map[string]any{"status": r.Status}); err != nil {
			return err
		}
		if err := db.queue(ctx, tx, mailFor(r.Status), r, s); err != nil {
			return err
		}
		if r.InvitationLetter && r.Status == StatusApproved {
			return db.syncAndTell(ctx, tx, r, s, false)
		}
		return nil
	})
}

// mailFor is the message that tells a delegate their registration now has
// status.
func mailFor(status string) string {
	switch status {
	case StatusApproved:
		return MailApproved
	case StatusWaitlisted:
		return MailWaitlisted
	case StatusRejected:
		return MailRejected
	case StatusCancelled:
		return MailCancelled
	}
	return MailReceived
}

func (db *DB) insert(ctx context.Context, tx *sql.Tx, r *Registration, tokenHash []byte) error {
	res, err := tx.StmtContext(ctx, db.stmts.insertRegistration).ExecContext(ctx,
		r.Reference, tokenHash, seal(db.passportKey, []byte(r.ManageToken), []byte("token:"+r.Reference)),
		r.Status, r.PaymentStatus, r.Fee.Amount, r.Fee.Currency, r.Title, r.GivenNames, r.FamilyName,
		r.BadgeName, r.Email, strings.ToLower(r.Email), r.Phone, r.Organisation, r.JobTitle, r.City,
		r.Country, r.GNLC, r.Category, r.Language, r.InvitationLetter, r.Nationality, db.sealPassport(r),
		r.ArrivalDate, r.DepartureDate, r.ArrivalFlight, r.DepartureFlight, r.AirportTransfer, r.Hotel,
		strings.Join(r.Dietary, ","), r.DietaryNotes, r.Accessibility, r.StudyVisit, r.ConsentPrivacy,
		r.ConsentPhoto, searchText(r), formatTime(r.CreatedAt), formatTime(r.UpdatedAt))
	if err != nil {
		return err
	}
	r.ID, err = res.LastInsertId()
	return err
}

func (db *DB) sealPassport(r *Registration) []byte {
	if r.PassportNumber == "" && r.PassportExpiry == "" && r.DateOfBirth == "" {
		return nil
	}
	plain, _ := json.Marshal(passport{r.PassportNumber, r.PassportExpiry, r.DateOfBirth})
	return seal(db.passportKey, plain, []byte(r.Reference))
}

func searchText(r *Registration) string {
	return Fold(strings.Join([]string{r.GivenNames, r.FamilyName, r.BadgeName, r.Email, r.Reference, r.Organisation}, " "))
}

// settingsIn returns the settings as the transaction sees them, reading the
// row again only when another process or transaction changed it.
func (db *DB) settingsIn(ctx context.Context, tx *sql.Tx) (*Settings, error) {
	var updated string
	if err := tx.StmtContext(ctx, db.stmts.settingsVersion).QueryRowContext(ctx).Scan(&updated); err != nil {
		return nil, err
	}
	db.mu.RLock()
	s := db.settings
	db.mu.RUnlock()
	if formatTime(s.UpdatedAt) == updated {
		return s, nil
	}
	var data string
	if err := tx.QueryRowContext(ctx, "SELECT data FROM settings WHERE id = 1").Scan(&data); err != nil {
		return nil, err
	}
	var fresh Settings
	if err := json.Unmarshal([]byte(data), &fresh); err != nil {
		return nil, err
	}
	fresh.UpdatedAt = parseTime(updated)
	return &fresh, nil
}

func countLive(ctx context.Context, tx *sql.Tx) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT count(*) FROM registrations WHERE status IN ('pending','approved')").Scan(&n)
	return n, err
}

func checkEmailFree(ctx context.Context, tx *sql.Tx, db *DB, v *ValidationError, email string, self int64) error {
	var n int
	err := tx.StmtContext(ctx, db.stmts.countEmail).QueryRowContext(ctx, strings.ToLower(email), self).Scan(&n)
	if n > 0 {
		v.Add("email", "error.duplicate_email")
	}
	return err
}

// checkPlaces refuses a hotel or study visit that is full. A registration
// that keeps the one it already had (old) is never refused.
func checkPlaces(ctx context.Context, tx *sql.Tx, v *ValidationError, s *Settings, d *Details, old *Registration) error {
	if d.Hotel != "" && (old == nil || old.Hotel != d.Hotel || !old.Live()) {
		h, _ := s.Hotel(d.Hotel)
		n, err := countTaking(ctx, tx, "hotel", d.Hotel)
		if err != nil {
			return err
		}
		if n >= h.Rooms {
			v.Add("hotel", "error.full")
		}
	}
	if d.StudyVisit != "" && (old == nil || old.StudyVisit != d.StudyVisit || !old.Live()) {
		sv, _ := s.StudyVisit(d.StudyVisit)
		n, err := countTaking(ctx, tx, "study_visit", d.StudyVisit)
		if err != nil {
			return err
		}
		if n >= sv.Capacity {
			v.Add("study_visit", "error.full")
		}
	}
	return nil
}

// countTaking counts the live registrations holding a place in a hotel or
// study visit; waitlisted ones keep theirs so that moving up never loses it.
func countTaking(ctx context.Context, tx *sql.Tx, column, code string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT count(*) FROM registrations WHERE "+column+
		" = ? AND status IN ('pending','approved','waitlisted')", code).Scan(&n)
	return n, err
}

// Taken counts the places held in every hotel and study visit, by code.
func (db *DB) Taken(ctx context.Context) (hotels, visits map[string]int, err error) {
	hotels, visits = map[string]int{}, map[string]int{}
	for _, c := range []struct {
		column string
		into   map[string]int
	}{{"hotel", hotels}, {"study_visit", visits}} {
		rows, err := db.read.QueryContext(ctx, "SELECT "+c.column+", count(*) FROM registrations WHERE "+
			c.column+" <> '' AND status IN ('pending','approved','waitlisted') GROUP BY 1")
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var code string
			var n int
			if err := rows.Scan(&code, &n); err != nil {
				rows.Close()
				return nil, nil, err
			}
			c.into[code] = n
		}
		rows.Close()
	}
	return hotels, visits, nil
}

// UpdateRegistration replaces what the delegate told us with d, under the
// same rules as a new registration. The category can change only while the
// registration waits (pending or waitlisted); a change of category changes
// an unpaid fee.
func (db *DB) UpdateRegistration(ctx context.Context, actor Actor, reference string, d Details) (Registration, error) {
	s := db.Settings()
	now := db.Now()
	if err := d.Validate(&s, now); err != nil {
		return Registration{}, err
	}
	var r Registration
	err := db.tx(ctx, func(tx *sql.Tx) error {
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		old, err := db.findForUpdate(ctx, tx, reference)
		if err != nil {
			return err
		}
		if !old.Live() {
			return &ConflictError{Reason: "not_live"}
		}
		v := &ValidationError{}
		if d.Category != old.Category && old.Status == StatusApproved && actor.Kind == "delegate" {
			v.Add("category", "error.category_locked")
		}
		if err := checkEmailFree(ctx, tx, db, v, d.Email, old.ID); err != nil {
			return err
		}
		if err := checkPlaces(ctx, tx, v, s, &d, &old); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		r = old
		r.Details = d
		r.UpdatedAt = now
		if d.Category != old.Category && (old.PaymentStatus == PaymentUnpaid || old.PaymentStatus == PaymentNotRequired) {
			cat, _ := s.Category(d.Category)
			r.Fee = Money{Amount: s.FeeFor(cat, now), Currency: s.Currency}
			r.PaymentStatus = PaymentNotRequired
			if r.Fee.Amount > 0 {
				r.PaymentStatus = PaymentUnpaid
			}
		}
		changes := diffDetails(&old.Details, &r.Details)
		if len(changes) == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE registrations SET payment_status = ?, fee_amount = ?,
			fee_currency = ?, title = ?, given_names = ?, family_name = ?, badge_name = ?, email = ?,
			email_key = ?, phone = ?, organisation = ?, job_title = ?, city = ?, country = ?, gnlc = ?,
			category = ?, language = ?, invitation_letter = ?, nationality = ?, passport_sealed = ?,
			arrival_date = ?, departure_date = ?, arrival_flight = ?, departure_flight = ?,
			airport_transfer = ?, hotel = ?, dietary = ?, dietary_notes = ?, accessibility = ?,
			study_visit = ?, consent_privacy = ?, consent_photo = ?, search = ?, updated_at = ?
			WHERE id = ?`,
			r.PaymentStatus, r.Fee.Amount, r.Fee.Currency, r.Title, r.GivenNames, r.FamilyName,
			r.BadgeName, r.Email, strings.ToLower(r.Email), r.Phone, r.Organisation, r.JobTitle, r.City,
			r.Country, r.GNLC, r.Category, r.Language, r.InvitationLetter, r.Nationality,
			db.sealPassport(&r), r.ArrivalDate, r.DepartureDate, r.ArrivalFlight, r.DepartureFlight,
			r.AirportTransfer, r.Hotel, strings.Join(r.Dietary, ","), r.DietaryNotes, r.Accessibility,
			r.StudyVisit, r.ConsentPrivacy, r.ConsentPhoto, searchText(&r), formatTime(now), r.ID)
		if err != nil {
			return fmt.Errorf("update registration %s: %w", r.Reference, err)
		}
		if err := db.audit(ctx, tx, actor, "registration.update", r.ID, changes); err != nil {
			return err
		}
		// new passport data means a new letter; the old one is superseded
		_, passport := changes["passport_number"]
		_, dob := changes["date_of_birth"]
		return db.syncAndTell(ctx, tx, &r, s, passport || dob)
	})
	return r, err
}

// secretFields never have their values written to the history.
var secretFields = map[string]bool{"passport_number": true, "passport_expiry": true, "date_of_birth": true}

// diffDetails names each field that changed with its old and new value.
func diffDetails(old, cur *Details) map[string]any {
	changes := map[string]any{}
	a, b := reflect.ValueOf(*old), reflect.ValueOf(*cur)
	t := a.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		x, y := a.Field(i).Interface(), b.Field(i).Interface()
		if reflect.DeepEqual(x, y) || (isEmptyList(x) && isEmptyList(y)) {
			continue
		}
		if secretFields[name] {
			changes[name] = "changed"
			continue
		}
		changes[name] = []any{x, y}
	}
	return changes
}

func isEmptyList(x any) bool {
	l, ok := x.([]string)
	return ok && len(l) == 0
}
