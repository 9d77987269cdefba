package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	letter_changes, letter_reason`

// detailColumns are the extra columns a single-row read decrypts.
const detailColumns = registrationColumns + `, passport_sealed, token_sealed`

func scanRegistration(row scanner, extra ...any) (Registration, error) {
	var r Registration
	var dietary, created, updated, changes string
	var checkedIn sql.NullString
	dest := []any{&r.ID, &r.Reference, &r.Status, &r.PaymentStatus, &r.Fee.Amount, &r.Fee.Currency,
		&r.Title, &r.GivenNames, &r.FamilyName, &r.BadgeName, &r.Email, &r.Phone, &r.Organisation,
		&r.JobTitle, &r.City, &r.Country, &r.GNLC, &r.Category, &r.Language, &r.InvitationLetter,
		&r.Nationality, &r.ArrivalDate, &r.DepartureDate, &r.ArrivalFlight, &r.DepartureFlight,
		&r.AirportTransfer, &r.Hotel, &dietary, &r.DietaryNotes, &r.Accessibility, &r.StudyVisit,
		&r.ConsentPrivacy, &r.ConsentPhoto, &r.AccessCode, &r.PassportFamilyName, &r.PassportGivenNames, &r.StatusReason, &r.BadgeVersion, &r.BadgePrintedCount,
		&checkedIn, &created, &updated, &r.LetterDecision, &changes, &r.LetterReason}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, ErrNotFound
		}
		return r, err
	}
	r.Dietary = splitList(dietary)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	r.CheckedInAt = parseTimeNull(checkedIn)
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

// Filter selects registrations for lists and exports.
type Filter struct {
	Status   string
	Category string
	Country  string
	Q        string // words in name, email, reference or organisation; case and accents ignored
	Letter   string // "yes": asked for an invitation letter; "no": did not
	Payment  string
	Hotel    string // a hotel's code, or "none" for own arrangements
	Visit    string // a study visit's code, or "none"
	Printed  string // "no": badges never printed; "yes": printed at least once
	Sort     string // one of SortOrders; default newest first
	Page     int    // from 1
	PerPage  int    // 0 means all
	// After, a Page's Next, starts the page just after that one's last
	// row: the same cost for the thousandth page as for the first.
	After string

	keyset     string // After as a condition
	keysetArgs []any
	noSearch   bool // where leaves out the search
	scanSearch bool // the search by its words alone, without the index
}

// SortOrders are the orders a list can take, by name.
var SortOrders = map[string]string{}

// sortOrder is an order a list can take: its columns, the last one id,
// and the values of a row for them, for the cursor of the next page.
type sortOrder struct {
	columns []string
	desc    bool
	values  func(r *Registration) []any
}

var sortOrders = map[string]sortOrder{
	"newest": {[]string{"created_at", "id"}, true, func(r *Registration) []any { return []any{formatTime(r.CreatedAt), r.ID} }},
	"oldest": {[]string{"created_at", "id"}, false, func(r *Registration) []any { return []any{formatTime(r.CreatedAt), r.ID} }},
	"name": {[]string{"family_name COLLATE NOCASE", "given_names COLLATE NOCASE", "id"}, false,
		func(r *Registration) []any { return []any{r.FamilyName, r.GivenNames, r.ID} }},
	"country": {[]string{"country", "family_name COLLATE NOCASE", "id"}, false,
		func(r *Registration) []any { return []any{r.Country, r.FamilyName, r.ID} }},
	"status": {[]string{"status", "created_at", "id"}, false,
		func(r *Registration) []any { return []any{r.Status, formatTime(r.CreatedAt), r.ID} }},
}

func init() {
	for name, o := range sortOrders {
		SortOrders[name] = o.orderBy()
	}
}

func (o sortOrder) orderBy() string {
	cols := slices.Clone(o.columns)
	if o.desc {
		for i := range cols {
			cols[i] += " DESC"
		}
	}
	return strings.Join(cols, ", ")
}

// after is the condition for the rows after the cursor's.
func (o sortOrder) after(cursor string) (string, []any, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	var values []any
	if err == nil {
		err = json.Unmarshal(raw, &values)
	}
	if err != nil || len(values) != len(o.columns) {
		return "", nil, &ValidationError{Fields: map[string]Message{"after": {Key: "error.choice"}}}
	}
	op := ">"
	if o.desc {
		op = "<"
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")
	return "(" + strings.Join(o.columns, ", ") + ") " + op + " (" + marks + ")", values, nil
}

// cursor is the After that continues a list after r.
func (o sortOrder) cursor(r *Registration) string {
	raw, _ := json.Marshal(o.values(r))
	return base64.RawURLEncoding.EncodeToString(raw)
}

// Page is one page of a list.
type Page struct {
	Rows []Registration
	// Total is how many match, exactly up to MaxCounted; past it Total is
	// MaxCounted and Capped is set ("more than 2,000").
	Total  int
	Capped bool
	// Next is the After of the next page, "" on the last.
	Next string
}

// MaxCounted is how far a list counts its matches: past it, a count would
// cost more than the page.
const MaxCounted = 2000

// MaxSearchWords and MaxSearchLength bound a search: each word is one
// condition, and SQLite refuses a query of thousands.
const (
	MaxSearchWords  = 10
	MaxSearchLength = 200
)

// Check refuses a search too long to run.
func (f Filter) Check() error {
	if len([]rune(f.Q)) > MaxSearchLength || len(strings.Fields(f.Q)) > MaxSearchWords {
		return &ValidationError{Fields: map[string]Message{"q": {Key: "error.search_too_long", Args: []any{MaxSearchWords}}}}
	}
	return nil
}

func (f Filter) where() (string, []any) {
	var c conditions
	c.addIf("status = ?", f.Status)
	c.addIf("category = ?", f.Category)
	c.addIf("country = ?", strings.ToUpper(f.Country))
	if f.Letter != "" {
		c.add("invitation_letter = ?", f.Letter == "yes")
	}
	c.addIf("payment_status = ?", f.Payment)
	for _, p := range []struct{ column, value string }{{"hotel", f.Hotel}, {"study_visit", f.Visit}} {
		switch p.value {
		case "":
		case "none":
			c.add(p.column + " = ''")
		default:
			c.add(p.column+" = ?", p.value)
		}
	}
	switch f.Printed {
	case "no":
		c.add("badge_printed_count = 0")
	case "yes":
		c.add("badge_printed_count > 0")
	}
	if f.keyset != "" {
		c.add(f.keyset, f.keysetArgs...)
	}
	if f.noSearch {
		return c.where()
	}
	words := strings.Fields(Fold(f.Q))
	if q := matchQuery(words); q != "" && !f.scanSearch {
		c.add("id IN (SELECT docid FROM registrations_search WHERE registrations_search MATCH ?)", q)
	}
	for _, word := range words {
		c.add("instr(search, ?) > 0", word)
	}
	return c.where()
}

// searchWindow is how many rows, in the list's order, a search reads first
// for its page: a common word fills a page from them, cheaper than reading
// every match from the index; a rarer one is read from the index.
const searchWindow = 3000

// searchPage is the page of a search when the first searchWindow rows of
// the list (in its order, after the cursor) hold it all; ok is false when
// they hold less than a page and the index must be read.
func (db *DB) searchPage(ctx context.Context, f Filter, order sortOrder) (rows []Registration, ok bool, err error) {
	inner := f
	inner.noSearch = true
	where, args := inner.where()
	outer := f
	outer.scanSearch, outer.keyset, outer.keysetArgs = true, "", nil
	outer.Status, outer.Category, outer.Country, outer.Letter, outer.Payment = "", "", "", "", ""
	outer.Hotel, outer.Visit, outer.Printed = "", "", ""
	owhere, oargs := outer.where()
	q := fmt.Sprintf("SELECT %s FROM (SELECT * FROM registrations%s ORDER BY %s LIMIT %d)%s ORDER BY %s LIMIT %d",
		registrationColumns, where, order.orderBy(), searchWindow, owhere, order.orderBy(), f.PerPage+1)
	r, err := db.read.QueryContext(ctx, q, append(args, oargs...)...)
	if rows, err = collect(r, err, scanListed); err != nil {
		return nil, false, err
	}
	return rows, len(rows) > f.PerPage, nil
}

// FindRegistrations returns the registrations that match f (one page of
// them when f.PerPage is set), in f's order, and how many match in all.
// Passport data is not read.
func (db *DB) FindRegistrations(ctx context.Context, f Filter) ([]Registration, int, error) {
	p, err := db.FindPage(ctx, f)
	return p.Rows, p.Total, err
}

// FindPage returns one page of the registrations that match f: the page
// f.After continues, or else f.Page, read through the index of f's order.
// The count comes from the tallies where the filter is a status or none,
// and otherwise stops at MaxCounted.
func (db *DB) FindPage(ctx context.Context, f Filter) (Page, error) {
	var p Page
	if err := f.Check(); err != nil {
		return p, err
	}
	order, ok := sortOrders[f.Sort]
	if !ok {
		order = sortOrders["newest"]
	}
	var err error
	if p.Total, p.Capped, err = db.count(ctx, f); err != nil { // before f.After is a condition
		return p, fmt.Errorf("count registrations: %w", err)
	}
	if f.After != "" {
		cond, args, err := order.after(f.After)
		if err != nil {
			return p, err
		}
		f.keyset, f.keysetArgs = cond, args
	}
	found := false
	if strings.TrimSpace(f.Q) != "" && f.PerPage > 0 && (f.After != "" || f.Page <= 1) {
		if p.Rows, found, err = db.searchPage(ctx, f, order); err != nil {
			return p, fmt.Errorf("find registrations: %w", err)
		}
	}
	if !found {
		where, args := f.where()
		q := "SELECT " + registrationColumns + " FROM registrations" + where + " ORDER BY " + order.orderBy()
		if f.PerPage > 0 {
			q += fmt.Sprintf(" LIMIT %d", f.PerPage+1)
			if f.After == "" {
				q += fmt.Sprintf(" OFFSET %d", (max(f.Page, 1)-1)*f.PerPage)
			}
		}
		rows, err := db.read.QueryContext(ctx, q, args...)
		if p.Rows, err = collect(rows, err, scanListed); err != nil {
			return p, fmt.Errorf("find registrations: %w", err)
		}
	}
	if f.PerPage > 0 && len(p.Rows) > f.PerPage {
		p.Rows = p.Rows[:f.PerPage]
		p.Next = order.cursor(&p.Rows[len(p.Rows)-1])
	}
	return p, nil
}

// EachRegistration calls fn with every registration that matches f, in
// f's order, from one cursor: a list of any length is read row by row,
// in the memory of one. Passport data is not read. It stops at fn's
// first error and returns it.
func (db *DB) EachRegistration(ctx context.Context, f Filter, fn func(*Registration) error) error {
	if err := f.Check(); err != nil {
		return err
	}
	order, ok := sortOrders[f.Sort]
	if !ok {
		order = sortOrders["newest"]
	}
	where, args := f.where()
	rows, err := db.read.QueryContext(ctx, "SELECT "+registrationColumns+" FROM registrations"+where+" ORDER BY "+order.orderBy(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanListed(rows)
		if err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// count counts the registrations that match f: from the tallies when f
// filters by status alone or not at all, else up to MaxCounted.
func (db *DB) count(ctx context.Context, f Filter) (n int, capped bool, err error) {
	if f.Category == "" && f.Country == "" && f.Q == "" && f.Letter == "" && f.Payment == "" &&
		f.Hotel == "" && f.Visit == "" && f.Printed == "" {
		q := "SELECT coalesce(sum(n), 0) FROM tallies WHERE dim = 'status'"
		var args []any
		if f.Status != "" {
			q += " AND key = ?"
			args = append(args, f.Status)
		}
		err = db.read.QueryRowContext(ctx, q, args...).Scan(&n)
		return n, false, err
	}
	limit, from := MaxCounted, "registrations"
	if q := matchQuery(strings.Fields(Fold(f.Q))); q != "" {
		// the index's matches, streamed, until the (lower) cap
		limit, from = MaxSearchCounted, "registrations_search s JOIN registrations ON registrations.id = s.docid"
		f.scanSearch = true
		where, args := f.where()
		where = " WHERE s.grams MATCH ? AND" + strings.TrimPrefix(where, " WHERE")
		args = append([]any{q}, args...)
		return db.capped(ctx, from, where, args, limit)
	}
	where, args := f.where()
	return db.capped(ctx, from, where, args, limit)
}

// MaxSearchCounted is how far a search counts its matches.
const MaxSearchCounted = 1000

// capped counts the rows of from that match where, up to limit.
func (db *DB) capped(ctx context.Context, from, where string, args []any, limit int) (int, bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM %s%s LIMIT %d)",
		from, where, limit+1), args...).Scan(&n)
	if n > limit {
		return limit, true, err
	}
	return n, false, err
}

// scanAll reads every row of a query of detailColumns, secrets decrypted.
func (db *DB) scanAll(rows *sql.Rows, err error) ([]Registration, error) {
	return collect(rows, err, db.scanDetailed)
}
