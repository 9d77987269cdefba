package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// CreateRegistration validates d and stores a new registration. Whether it
// is pending, approved or waitlisted, its fee, and the message that tells the
// delegate are decided and written in one immediate transaction, so that
// concurrent registrations never oversell the capacity. The registration
// returned carries its ManageToken; only the token's hash is looked up.
func (db *DB) CreateRegistration(ctx context.Context, actor Actor, d Details) (Registration, error) {
	return db.create(ctx, actor, d, membership{})
}

// membership places a new registration in a delegation: its id, whether
// it heads it, its protocol rank.
type membership struct {
	delegation int64
	head       bool
	rank       int
}

// create is CreateRegistration, for a member of a delegation when m names
// one.
func (db *DB) create(ctx context.Context, actor Actor, d Details, m membership) (Registration, error) {
	s := db.Settings()
	now := db.Now()
	if d.Category == "" {
		// a code alone says which category it opens
		d.Category = db.UnlockedCategory(ctx, d.AccessCode)
	}
	if err := d.Validate(&s, now); err != nil {
		return Registration{}, err
	}
	if err := db.checkScript(&d); err != nil {
		return Registration{}, err
	}
	token, hash := NewToken()
	for attempt := 0; ; attempt++ {
		r := Registration{Details: d, ManageToken: token, CreatedAt: now, UpdatedAt: now, BadgeVersion: 1,
			Reference: newReference(), DelegationID: m.delegation, Head: m.head, Rank: m.rank}
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

// EmailKey is an address as compared for "one live registration per
// address": NFKC-normalised and case-folded, so that a look-alike made of
// compatibility characters is the same address.
func EmailKey(email string) string {
	return cases.Fold().String(norm.NFKC.String(strings.TrimSpace(email)))
}

// checkScript refuses a name in a script no installed font prints: it
// would come out as boxes or wrong.
func (db *DB) checkScript(d *Details) error {
	printable := db.printable
	if printable == nil {
		printable = Drawable
	}
	if printable(d.FullName()) {
		return nil
	}
	v := &ValidationError{}
	v.Add("given_names", "error.script_unsupported")
	v.Add("family_name", "error.script_unsupported")
	return v.Err()
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
		if actor.Kind == "delegate" { // organisers and the system choose any category
			if err := db.checkAccess(ctx, tx, v, s, &r.Details, r.CreatedAt); err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if r.DelegationID != 0 {
			if err := checkQuota(ctx, tx, s, r.DelegationID, r.Category); err != nil {
				return err
			}
		}
		taken, err := db.countHoldingPlaces(ctx, tx)
		if err != nil {
			return err
		}
		admit(r, s, taken, r.CreatedAt)
		if r.Status == StatusApproved {
			if waiting, err := awaitingNote(ctx, tx, s, r.DelegationID); err != nil {
				return err
			} else if waiting {
				r.Status = StatusPending
			}
		}
		if err := db.insert(ctx, tx, r, hash); err != nil {
			if strings.Contains(err.Error(), "registrations.reference") {
				return errReferenceTaken
			}
			return fmt.Errorf("insert registration: %w", err)
		}
		if err := recordConsent(ctx, tx, r.ID, r.CreatedAt, actor); err != nil {
			return err
		}
		if err := db.emit(ctx, tx, HookCreated, r); err != nil {
			return err
		}
		if r.Status == StatusApproved { // approved on arrival: other systems hear it as for any approval
			if err := db.emit(ctx, tx, HookApproved, r); err != nil {
				return err
			}
		}
		if r.DelegationID != 0 {
			if err := setMembership(ctx, tx, r); err != nil {
				return err
			}
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
		r.BadgeName, r.Email, EmailKey(r.Email), r.Phone, r.Organisation, r.JobTitle, r.City,
		r.Country, r.GNLC, r.Category, r.Language, r.InvitationLetter, r.Nationality, db.sealPassport(r),
		r.ArrivalDate, r.DepartureDate, r.ArrivalFlight, r.DepartureFlight, r.AirportTransfer, r.Hotel,
		strings.Join(r.Dietary, ","), r.DietaryNotes, r.Accessibility, r.StudyVisit, r.ConsentPrivacy,
		r.ConsentPhoto, r.AccessCode, r.PassportFamilyName, r.PassportGivenNames, searchText(r), formatTime(r.CreatedAt),
		formatTime(r.UpdatedAt), CityKey(r.City))
	if err != nil {
		return err
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return indexSearch(ctx, tx, r.ID, searchText(r))
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

func checkEmailFree(ctx context.Context, tx *sql.Tx, db *DB, v *ValidationError, email string, self int64) error {
	var n int
	err := tx.StmtContext(ctx, db.stmts.countEmail).QueryRowContext(ctx, EmailKey(email), self).Scan(&n)
	if n > 0 {
		v.Add("email", "error.duplicate_email")
	}
	return err
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
	if err := db.checkScript(&d); err != nil {
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
		if d.AccessCode == "" {
			d.AccessCode = old.AccessCode
		}
		if d.Category != old.Category && actor.Kind == "delegate" {
			if err := db.checkAccess(ctx, tx, v, s, &d, now); err != nil {
				return err
			}
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
			study_visit = ?, consent_privacy = ?, consent_photo = ?, access_code = ?, passport_family_name = ?,
			passport_given_names = ?, search = ?, updated_at = ?, city_key = ? WHERE id = ?`,
			r.PaymentStatus, r.Fee.Amount, r.Fee.Currency, r.Title, r.GivenNames, r.FamilyName,
			r.BadgeName, r.Email, EmailKey(r.Email), r.Phone, r.Organisation, r.JobTitle, r.City,
			r.Country, r.GNLC, r.Category, r.Language, r.InvitationLetter, r.Nationality,
			db.sealPassport(&r), r.ArrivalDate, r.DepartureDate, r.ArrivalFlight, r.DepartureFlight,
			r.AirportTransfer, r.Hotel, strings.Join(r.Dietary, ","), r.DietaryNotes, r.Accessibility,
			r.StudyVisit, r.ConsentPrivacy, r.ConsentPhoto, r.AccessCode, r.PassportFamilyName, r.PassportGivenNames,
			searchText(&r), formatTime(now), CityKey(r.City), r.ID)
		if err != nil {
			return fmt.Errorf("update registration %s: %w", r.Reference, err)
		}
		if err := indexSearch(ctx, tx, r.ID, searchText(&r)); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, "registration.update", r.ID, changes); err != nil {
			return err
		}
		// a change to what the letter prints, after an organiser's word,
		// supersedes the letter at once and waits for a new word
		if lc := letterChanges(&old, &r); len(lc) > 0 && r.InvitationLetter && old.LetterDecision != "" {
			for f, ch := range old.LetterChanges {
				if now, ok := lc[f]; ok {
					lc[f] = [2]any{ch[0], now[1]} // from what the organiser last saw
				} else {
					lc[f] = ch
				}
			}
			if err := db.setLetterDecision(ctx, tx, &r, LetterToReview, lc, ""); err != nil {
				return err
			}
		}
		return db.syncAndTell(ctx, tx, &r, s, false)
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
