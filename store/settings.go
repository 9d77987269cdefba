package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Text is a phrase in the three languages of the conference.
type Text struct {
	En string `json:"en"`
	Es string `json:"es"`
	Fr string `json:"fr"`
}

// UnmarshalJSON reads a text in three languages, or a plain string as its
// English (settings saved before a field was translated, and API callers
// that write one language).
func (t *Text) UnmarshalJSON(b []byte) error {
	var plain string
	if err := json.Unmarshal(b, &plain); err == nil {
		*t = Text{En: plain}
		return nil
	}
	type text Text // without this method
	return json.Unmarshal(b, (*text)(t))
}

// In returns the text in lang, falling back to English.
func (t Text) In(lang string) string {
	switch {
	case lang == "es" && t.Es != "":
		return t.Es
	case lang == "fr" && t.Fr != "":
		return t.Fr
	}
	return t.En
}

// Contact is the conference secretariat.
type Contact struct {
	Name    Text   `json:"name"`
	Address Text   `json:"address"`
	Phone   string `json:"phone"`
	Fax     string `json:"fax"`
	Email   string `json:"email"`
	Website string `json:"website"`
}

// Line is the contact's name and address on one line, in lang.
func (c Contact) Line(lang string) string { return c.Name.In(lang) + ", " + c.Address.In(lang) }

// Signatory signs the invitation letters.
type Signatory struct {
	Name  string `json:"name"`
	Title Text   `json:"title"`
}

// BankAccount is where fees in one currency are paid by transfer.
type BankAccount struct {
	Currency string `json:"currency"`
	Holder   string `json:"holder"`
	Account  string `json:"account"` // the IBAN, or the account number
	BIC      string `json:"bic"`     // BIC or SWIFT code
	Bank     string `json:"bank"`    // the bank's name and address
}

// Bank is the account for fees in currency.
func (s Settings) Bank(currency string) (BankAccount, bool) {
	i := slices.IndexFunc(s.BankAccounts, func(b BankAccount) bool { return strings.EqualFold(b.Currency, currency) })
	if i < 0 {
		return BankAccount{}, false
	}
	return s.BankAccounts[i], true
}

// Category is a kind of participant, with its badge colour and fee.
type Category struct {
	Code          string `json:"code"`
	Name          Text   `json:"name"`
	Colour        string `json:"colour"`         // badge band, #RRGGBB
	Fee           int64  `json:"fee"`            // minor units of Settings.Currency
	EarlyFee      int64  `json:"early_fee"`      // charged until EarlyDeadline
	EarlyDeadline string `json:"early_deadline"` // YYYY-MM-DD, inclusive; empty = none
	NeedsApproval bool   `json:"needs_approval"`
	// Restricted categories are offered only with an access code.
	Restricted bool `json:"restricted"`
	// CostsCovered says, for the invitation letter, who bears which costs.
	CostsCovered Text `json:"costs_covered"`
	// Photo asks the category's delegates for a photo, printed on the
	// badge and shown at the desk.
	Photo bool `json:"photo"`
}

// Hotel is a block of rooms held for delegates.
type Hotel struct {
	Code    string `json:"code"`
	Name    Text   `json:"name"`
	Address Text   `json:"address"`
	Rooms   int    `json:"rooms"`
}

// StudyVisit is an excursion with a limited number of places.
type StudyVisit struct {
	Code     string `json:"code"`
	Name     Text   `json:"name"`
	Date     string `json:"date"`
	Capacity int    `json:"capacity"`
}

// Settings are the facts of the one conference a database serves.
type Settings struct {
	Name      Text   `json:"name"`
	ShortName string `json:"short_name"`
	Theme     Text   `json:"theme"`
	Organiser Text   `json:"organiser"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	City      Text   `json:"city"`
	Venue     Text   `json:"venue"`
	TimeZone  string `json:"time_zone"`
	Capacity  int    `json:"capacity"`
	// OfferHours is how long a place that came free is offered to the
	// next on the waiting list; 0 gives it to them at once.
	OfferHours         int    `json:"offer_hours"`
	RegistrationOpens  string `json:"registration_opens"`  // YYYY-MM-DD; empty = open now
	RegistrationCloses string `json:"registration_closes"` // YYYY-MM-DD, inclusive; empty = no end
	Currency           string `json:"currency"`
	// PassportRetentionDays: the server erases passport data this many days
	// after the conference ends; 0 leaves it to `delegate purge-passports`.
	PassportRetentionDays int `json:"passport_retention_days"`
	// HealthRetentionDays: dietary and accessibility needs are erased this
	// many days after the conference; InactiveRetentionDays: all personal
	// data of cancelled and declined registrations; AccountingRetentionYears:
	// the billed party of invoices, this many years after. 0: kept.
	HealthRetentionDays      int `json:"health_retention_days"`
	InactiveRetentionDays    int `json:"inactive_retention_days"`
	AccountingRetentionYears int `json:"accounting_retention_years"`
	// ContactRetentionDays: focal points' addresses and the contact data of
	// delegation requests are erased this many days after the conference.
	ContactRetentionDays int `json:"contact_retention_days"`
	// SecondFactorRequired makes a second factor obligatory for the admin
	// and finance roles.
	SecondFactorRequired bool `json:"second_factor_required"`
	// BankAccounts are where fees are paid by transfer, one a currency.
	BankAccounts []BankAccount `json:"bank_accounts"`
	// PaymentDeadline is the day (venue time) after which an unpaid fee
	// is overdue; empty: the day before the conference.
	PaymentDeadline string `json:"payment_deadline"`
	// StatementColumns are the headings of the bank statement's columns,
	// as finance chose them last.
	StatementColumns StatementColumns `json:"statement_columns"`
	// IssuerTaxID is the organiser's tax or VAT number, on invoices.
	IssuerTaxID string `json:"issuer_tax_id"`
	// NoteVerbaleFirst approves members of a Member State delegation only
	// once the delegation's note verbale is in: until then they wait as
	// pending, whatever their category.
	NoteVerbaleFirst bool         `json:"note_verbale_first"`
	Secretariat      Contact      `json:"secretariat"`
	Signatory        Signatory    `json:"signatory"`
	Categories       []Category   `json:"categories"`
	Hotels           []Hotel      `json:"hotels"`
	StudyVisits      []StudyVisit `json:"study_visits"`
	UpdatedAt        time.Time    `json:"updated_at"`
}

// Category returns the category with code.
func (s Settings) Category(code string) (Category, bool) {
	i := slices.IndexFunc(s.Categories, func(c Category) bool { return c.Code == code })
	if i < 0 {
		return Category{}, false
	}
	return s.Categories[i], true
}

// Hotel returns the hotel with code.
func (s Settings) Hotel(code string) (Hotel, bool) {
	i := slices.IndexFunc(s.Hotels, func(h Hotel) bool { return h.Code == code })
	if i < 0 {
		return Hotel{}, false
	}
	return s.Hotels[i], true
}

// StudyVisit returns the study visit with code.
func (s Settings) StudyVisit(code string) (StudyVisit, bool) {
	i := slices.IndexFunc(s.StudyVisits, func(v StudyVisit) bool { return v.Code == code })
	if i < 0 {
		return StudyVisit{}, false
	}
	return s.StudyVisits[i], true
}

// Start and End are the first and last days of the conference.
func (s Settings) Start() time.Time { t, _ := ParseDate(s.StartDate); return t }

// PaymentDue is the last day to pay a fee (venue calendar): the setting,
// else the day before the conference.
func (s Settings) PaymentDue() time.Time {
	if t, err := ParseDate(s.PaymentDeadline); err == nil {
		return t
	}
	return s.Start().AddDate(0, 0, -1)
}

// PaymentReference is what a transfer quotes for r's fee: the
// registration's reference (it names the conference already), which
// reconciliation finds in a bank statement's text.
func (s Settings) PaymentReference(r *Registration) string { return r.Reference }

// End is the last day of the conference.
func (s Settings) End() time.Time { t, _ := ParseDate(s.EndDate); return t }

// PassportValidUntil is the earliest passport expiry accepted: six months
// after the conference ends.
func (s Settings) PassportValidUntil() time.Time { return s.End().AddDate(0, 6, 0) }

// Location is the venue's time zone.
func (s Settings) Location() *time.Location {
	if loc, ok := zones.Load(s.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	zones.Store(s.TimeZone, loc)
	return loc
}

// zones caches loaded time zones: loading one reads the zone database.
var zones sync.Map

// RegistrationOpen reports whether registrations are taken at now.
func (s Settings) RegistrationOpen(now time.Time) bool {
	day := now.In(s.Location()).Format(DateLayout)
	if s.RegistrationOpens != "" && day < s.RegistrationOpens {
		return false
	}
	if s.RegistrationCloses != "" && day > s.RegistrationCloses {
		return false
	}
	return true
}

// FeeFor is what a registration in cat made at now costs.
func (s Settings) FeeFor(cat Category, now time.Time) int64 {
	if cat.EarlyDeadline != "" && cat.EarlyFee > 0 &&
		now.In(s.Location()).Format(DateLayout) <= cat.EarlyDeadline {
		return cat.EarlyFee
	}
	return cat.Fee
}

// DateLayout is how calendar dates are written: YYYY-MM-DD.
const DateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, error) { return time.Parse(DateLayout, s) }

// Settings returns the current conference settings (a copy the caller may
// change).
func (db *DB) Settings() Settings {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.settings.clone()
}

func (s *Settings) clone() Settings {
	c := *s
	c.Categories = slices.Clone(s.Categories)
	c.Hotels = slices.Clone(s.Hotels)
	c.StudyVisits = slices.Clone(s.StudyVisits)
	return c
}

func (db *DB) loadSettings(ctx context.Context) (Settings, error) {
	var data, updated string
	err := db.read.QueryRowContext(ctx, "SELECT data, updated_at FROM settings WHERE id = 1").Scan(&data, &updated)
	if err != nil {
		return Settings{}, fmt.Errorf("load settings: %w", err)
	}
	var s Settings
	if err := json.Unmarshal([]byte(data), &s); err != nil {
		return Settings{}, fmt.Errorf("decode settings: %w", err)
	}
	s.UpdatedAt = parseTime(updated)
	db.mu.Lock()
	db.settings = &s
	db.mu.Unlock()
	return s.clone(), nil
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
