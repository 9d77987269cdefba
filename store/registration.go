package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Status words of a registration.
const (
	StatusPending    = "pending"
	StatusApproved   = "approved"
	StatusWaitlisted = "waitlisted"
	StatusRejected   = "rejected"
	StatusCancelled  = "cancelled"
)

// Payment status words.
const (
	PaymentNotRequired = "not_required"
	PaymentUnpaid      = "unpaid"
	PaymentPaid        = "paid"
	PaymentRefunded    = "refunded"
	PaymentWaived      = "waived"
)

// Statuses lists every registration status, in the order pages show them.
var Statuses = []string{StatusPending, StatusApproved, StatusWaitlisted, StatusRejected, StatusCancelled}

// PaymentStatuses lists every payment status.
var PaymentStatuses = []string{PaymentNotRequired, PaymentUnpaid, PaymentPaid, PaymentRefunded, PaymentWaived}

// Titles are the forms of address a delegate may choose.
var Titles = []string{"Mr", "Ms", "Mx", "Dr", "Prof", "H.E."}

// DietaryNeeds are the dietary requirements a delegate may tick.
var DietaryNeeds = []string{"vegetarian", "vegan", "halal", "kosher", "gluten_free", "lactose_free", "nut_allergy", "other"}

// Languages are the languages of the conference.
var Languages = []string{"en", "es", "fr"}

// Money is an amount in minor units of an ISO 4217 currency.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Details are what a delegate tells us: the fields of the registration form
// and of the API, with the same names.
type Details struct {
	Title            string `json:"title"`
	GivenNames       string `json:"given_names"`
	FamilyName       string `json:"family_name"`
	BadgeName        string `json:"badge_name"`
	Email            string `json:"email"`
	Phone            string `json:"phone"`
	Organisation     string `json:"organisation"`
	JobTitle         string `json:"job_title"`
	City             string `json:"city"`
	Country          string `json:"country"`
	GNLC             string `json:"gnlc"`
	Category         string `json:"category"`
	Language         string `json:"language"`
	InvitationLetter bool   `json:"invitation_letter"`
	Nationality      string `json:"nationality"`
	// PassportFamilyName and PassportGivenNames are the name exactly as
	// the passport's Latin-letter line prints it; the letter prints them.
	PassportFamilyName string   `json:"passport_family_name,omitempty"`
	PassportGivenNames string   `json:"passport_given_names,omitempty"`
	PassportNumber     string   `json:"passport_number,omitempty"`
	PassportExpiry     string   `json:"passport_expiry,omitempty"`
	DateOfBirth        string   `json:"date_of_birth,omitempty"`
	ArrivalDate        string   `json:"arrival_date"`
	DepartureDate      string   `json:"departure_date"`
	ArrivalFlight      string   `json:"arrival_flight"`
	DepartureFlight    string   `json:"departure_flight"`
	AirportTransfer    bool     `json:"airport_transfer"`
	Hotel              string   `json:"hotel"`
	Dietary            []string `json:"dietary"`
	DietaryNotes       string   `json:"dietary_notes"`
	Accessibility      string   `json:"accessibility"`
	StudyVisit         string   `json:"study_visit"`
	ConsentPrivacy     bool     `json:"consent_privacy"`
	ConsentPhoto       bool     `json:"consent_photo"`
	// AccessCode unlocks a restricted category.
	AccessCode string `json:"access_code,omitempty"`
}

// FullName is the name in the order its script writes it: given names
// then family name, but the family name first and with no space between
// for a Chinese, Japanese or Korean name (王伟, 김민준).
func (d Details) FullName() string {
	if familyFirst(d.FamilyName) {
		return strings.TrimSpace(d.FamilyName + d.GivenNames)
	}
	return strings.TrimSpace(d.GivenNames + " " + d.FamilyName)
}

// familyFirst reports whether a family name is written in a script whose
// names put it first: Han, Hiragana, Katakana or Hangul.
func familyFirst(name string) bool {
	for _, r := range name {
		if unicode.IsLetter(r) {
			return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
		}
	}
	return false
}

// NameOnBadge is the badge name, or the full name when none was given.
func (d Details) NameOnBadge() string {
	if d.BadgeName != "" {
		return d.BadgeName
	}
	return d.FullName()
}

// Registration is one delegate's registration.
type Registration struct {
	ID            int64  `json:"-"`
	Reference     string `json:"reference"`
	Status        string `json:"status"`
	PaymentStatus string `json:"payment_status"`
	Fee           Money  `json:"fee"`
	Details
	StatusReason      string     `json:"status_reason,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	CheckedInAt       *time.Time `json:"checked_in_at"`
	BadgePrintedCount int        `json:"badge_printed_count"`
	BadgeVersion      int        `json:"-"`
	HasPassport       bool       `json:"-"` // passport data is on file (not purged)

	// LetterDecision is an organiser's word on the invitation letter:
	// LetterGranted, LetterToReview, LetterRefusedByOrganiser, or "" while
	// nobody has looked at it. LetterChanges are what changed in what the
	// letter prints since (passport masked); LetterReason tells the
	// delegate why a letter was refused.
	LetterDecision string            `json:"-"`
	LetterChanges  map[string][2]any `json:"-"`
	LetterReason   string            `json:"-"`

	// DelegationID is the delegation that nominated the member (0: none);
	// Head marks its head, Rank its protocol order (1 first, 0 unranked);
	// ListOptOut leaves the name out of the published list of
	// participants.
	DelegationID int64 `json:"delegation_id,omitempty"`
	Head         bool  `json:"head,omitempty"`
	Rank         int   `json:"rank,omitempty"`
	ListOptOut   bool  `json:"list_opt_out,omitempty"`

	// OfferUntil is the deadline of the place a waitlisted delegate is
	// offered (nil: no open offer); OfferPassed marks one who let an offer
	// lapse, whom the waiting list passes over.
	OfferUntil  *time.Time `json:"offer_until,omitempty"`
	OfferPassed bool       `json:"-"`

	// ErasureRequested is when the delegate asked for their data to be
	// erased (nil: never); Erased, when it was.
	ErasureRequested *time.Time `json:"-"`
	Erased           *time.Time `json:"-"`

	// ManageToken is the secret of the delegate's private link.
	ManageToken string `json:"-"`
}

// passport is what is sealed in passport_sealed.
type passport struct {
	Number      string `json:"n"`
	Expiry      string `json:"e"`
	DateOfBirth string `json:"b"`
}

const registrationColumns = `id, reference, status, payment_status, fee_amount, fee_currency,
	title, given_names, family_name, badge_name, email, phone, organisation, job_title, city,
	country, gnlc, category, language, invitation_letter, nationality, arrival_date,
	departure_date, arrival_flight, departure_flight, airport_transfer, hotel, dietary,
	dietary_notes, accessibility, study_visit, consent_privacy, consent_photo, access_code, passport_family_name,
	passport_given_names, status_reason,
	badge_version, badge_printed_count, checked_in_at, created_at, updated_at, letter_decision,
	letter_changes, letter_reason, coalesce(delegation_id, 0), delegation_head, protocol_rank, list_opt_out,
	offer_until, offer_passed, erasure_requested_at, erased_at`

// detailColumns are the extra columns a single-row read decrypts.
const detailColumns = registrationColumns + `, passport_sealed, token_sealed`

func scanRegistration(row scanner, extra ...any) (Registration, error) {
	var r Registration
	var dietary, created, updated, changes string
	var checkedIn, offer, erasureAsked, erased sql.NullString
	dest := []any{&r.ID, &r.Reference, &r.Status, &r.PaymentStatus, &r.Fee.Amount, &r.Fee.Currency,
		&r.Title, &r.GivenNames, &r.FamilyName, &r.BadgeName, &r.Email, &r.Phone, &r.Organisation,
		&r.JobTitle, &r.City, &r.Country, &r.GNLC, &r.Category, &r.Language, &r.InvitationLetter,
		&r.Nationality, &r.ArrivalDate, &r.DepartureDate, &r.ArrivalFlight, &r.DepartureFlight,
		&r.AirportTransfer, &r.Hotel, &dietary, &r.DietaryNotes, &r.Accessibility, &r.StudyVisit,
		&r.ConsentPrivacy, &r.ConsentPhoto, &r.AccessCode, &r.PassportFamilyName, &r.PassportGivenNames, &r.StatusReason, &r.BadgeVersion, &r.BadgePrintedCount,
		&checkedIn, &created, &updated, &r.LetterDecision, &changes, &r.LetterReason,
		&r.DelegationID, &r.Head, &r.Rank, &r.ListOptOut, &offer, &r.OfferPassed, &erasureAsked, &erased}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, ErrNotFound
		}
		return r, err
	}
	r.Dietary = splitList(dietary)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	r.CheckedInAt, r.OfferUntil = parseTimeNull(checkedIn), parseTimeNull(offer)
	r.ErasureRequested, r.Erased = parseTimeNull(erasureAsked), parseTimeNull(erased)
	if changes != "" {
		json.Unmarshal([]byte(changes), &r.LetterChanges)
	}
	return r, nil
}

// scanListed reads a row of registrationColumns: no secrets.
func scanListed(row scanner) (Registration, error) { return scanRegistration(row) }

// scanDetailed reads a row of detailColumns and decrypts its secrets.
func (db *DB) scanDetailed(row scanner) (Registration, error) {
	var sealedPassport, sealedToken []byte
	r, err := scanRegistration(row, &sealedPassport, &sealedToken)
	if err != nil {
		return r, err
	}
	if len(sealedPassport) > 0 {
		plain, err := open(db.passportKey, sealedPassport, []byte(r.Reference))
		if err != nil {
			return r, fmt.Errorf("registration %s: passport data: %w", r.Reference, err)
		}
		var p passport
		if err := json.Unmarshal(plain, &p); err != nil {
			return r, err
		}
		r.PassportNumber, r.PassportExpiry, r.DateOfBirth = p.Number, p.Expiry, p.DateOfBirth
		r.HasPassport = true
	}
	if tok, err := open(db.passportKey, sealedToken, []byte("token:"+r.Reference)); err == nil {
		r.ManageToken = string(tok)
	}
	return r, nil
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// NormalReference is a reference as stored: what a person types or a URL
// holds ("iclc-7k3m9p ") is found all the same.
func NormalReference(reference string) string { return strings.ToUpper(strings.TrimSpace(reference)) }

// FindRegistration returns the registration with reference.
func (db *DB) FindRegistration(ctx context.Context, reference string) (Registration, error) {
	row := db.read.QueryRowContext(ctx, "SELECT "+detailColumns+" FROM registrations WHERE reference = ?",
		NormalReference(reference))
	return db.scanDetailed(row)
}

// FindRegistrationByID returns the registration with id, without its
// passport data.
func (db *DB) FindRegistrationByID(ctx context.Context, id int64) (Registration, error) {
	r, err := scanListed(db.read.QueryRowContext(ctx, "SELECT "+registrationColumns+" FROM registrations WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// FindRegistrationByToken returns the registration whose private link holds
// token.
func (db *DB) FindRegistrationByToken(ctx context.Context, token string) (Registration, error) {
	row := db.read.QueryRowContext(ctx, "SELECT "+detailColumns+" FROM registrations WHERE token_hash = ?",
		HashToken(token))
	return db.scanDetailed(row)
}

func (db *DB) findForUpdate(ctx context.Context, tx *sql.Tx, reference string) (Registration, error) {
	row := tx.QueryRowContext(ctx, "SELECT "+detailColumns+" FROM registrations WHERE reference = ?",
		NormalReference(reference))
	return db.scanDetailed(row)
}

// scanAll reads every row of a query of detailColumns, secrets decrypted.
func (db *DB) scanAll(rows *sql.Rows, err error) ([]Registration, error) {
	return collect(rows, err, db.scanDetailed)
}
