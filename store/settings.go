package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
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
	Name    string `json:"name"`
	Address string `json:"address"`
	Phone   string `json:"phone"`
	Fax     string `json:"fax"`
	Email   string `json:"email"`
	Website string `json:"website"`
}

// Signatory signs the invitation letters.
type Signatory struct {
	Name  string `json:"name"`
	Title Text   `json:"title"`
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
	// CostsCovered says, for the invitation letter, who bears which costs.
	CostsCovered Text `json:"costs_covered"`
}

// Hotel is a block of rooms held for delegates.
type Hotel struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Address string `json:"address"`
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
	Name               Text   `json:"name"`
	ShortName          string `json:"short_name"`
	Theme              Text   `json:"theme"`
	Organiser          Text   `json:"organiser"`
	StartDate          string `json:"start_date"`
	EndDate            string `json:"end_date"`
	City               Text   `json:"city"`
	Venue              Text   `json:"venue"`
	TimeZone           string `json:"time_zone"`
	Capacity           int    `json:"capacity"`
	RegistrationOpens  string `json:"registration_opens"`  // YYYY-MM-DD; empty = open now
	RegistrationCloses string `json:"registration_closes"` // YYYY-MM-DD, inclusive; empty = no end
	Currency           string `json:"currency"`
	// PassportRetentionDays: the server erases passport data this many days
	// after the conference ends; 0 leaves it to `delegate purge-passports`.
	PassportRetentionDays int          `json:"passport_retention_days"`
	Secretariat           Contact      `json:"secretariat"`
	Signatory             Signatory    `json:"signatory"`
	Categories            []Category   `json:"categories"`
	Hotels                []Hotel      `json:"hotels"`
	StudyVisits           []StudyVisit `json:"study_visits"`
	UpdatedAt             time.Time    `json:"updated_at"`
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

var (
	codePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
	colourPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	currencyCode  = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Validate checks the settings and says which field is wrong.
func (s *Settings) Validate() error {
	v := &ValidationError{}
	if strings.TrimSpace(s.Name.En) == "" {
		v.Add("name.en", "error.required")
	}
	start, err1 := ParseDate(s.StartDate)
	if err1 != nil {
		v.Add("start_date", "error.date")
	}
	end, err2 := ParseDate(s.EndDate)
	if err2 != nil {
		v.Add("end_date", "error.date")
	}
	if err1 == nil && err2 == nil && end.Before(start) {
		v.Add("end_date", "error.end_before_start")
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" {
		v.Add("time_zone", "error.time_zone")
	}
	if s.Capacity < 0 {
		v.Add("capacity", "error.not_negative")
	}
	if s.PassportRetentionDays < 0 {
		v.Add("passport_retention_days", "error.not_negative")
	}
	for _, f := range []struct{ name, value string }{
		{"registration_opens", s.RegistrationOpens}, {"registration_closes", s.RegistrationCloses},
	} {
		if f.value != "" {
			if _, err := ParseDate(f.value); err != nil {
				v.Add(f.name, "error.date")
			}
		}
	}
	if !currencyCode.MatchString(s.Currency) {
		v.Add("currency", "error.currency")
	}
	if len(s.Categories) == 0 {
		v.Add("categories", "error.required")
	}
	seen := map[string]bool{}
	for i, c := range s.Categories {
		f := fmt.Sprintf("categories.%d.", i)
		checkCode(v, seen, f+"code", c.Code)
		if strings.TrimSpace(c.Name.En) == "" {
			v.Add(f+"name.en", "error.required")
		}
		if !colourPattern.MatchString(c.Colour) {
			v.Add(f+"colour", "error.colour")
		}
		if c.Fee < 0 {
			v.Add(f+"fee", "error.not_negative")
		}
		if c.EarlyFee < 0 || c.EarlyFee > c.Fee {
			v.Add(f+"early_fee", "error.early_fee")
		}
		if c.EarlyDeadline != "" {
			if _, err := ParseDate(c.EarlyDeadline); err != nil {
				v.Add(f+"early_deadline", "error.date")
			}
		}
	}
	seen = map[string]bool{}
	for i, h := range s.Hotels {
		f := fmt.Sprintf("hotels.%d.", i)
		checkCode(v, seen, f+"code", h.Code)
		if strings.TrimSpace(h.Name) == "" {
			v.Add(f+"name", "error.required")
		}
		if h.Rooms < 0 {
			v.Add(f+"rooms", "error.not_negative")
		}
	}
	seen = map[string]bool{}
	for i, sv := range s.StudyVisits {
		f := fmt.Sprintf("study_visits.%d.", i)
		checkCode(v, seen, f+"code", sv.Code)
		if strings.TrimSpace(sv.Name.En) == "" {
			v.Add(f+"name.en", "error.required")
		}
		if _, err := ParseDate(sv.Date); err != nil {
			v.Add(f+"date", "error.date")
		}
		if sv.Capacity < 0 {
			v.Add(f+"capacity", "error.not_negative")
		}
	}
	return v.Err()
}

func checkCode(v *ValidationError, seen map[string]bool, field, code string) {
	switch {
	case !codePattern.MatchString(code):
		v.Add(field, "error.code")
	case seen[code]:
		v.Add(field, "error.code_taken")
	}
	seen[code] = true
}

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

func writeSettings(ctx context.Context, tx *sql.Tx, s *Settings, now time.Time) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO settings (id, data, updated_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		string(data), formatTime(now))
	return err
}

// UpdateSettings replaces the conference settings. A code that live
// registrations use cannot be removed; a higher capacity promotes waitlisted
// registrations at once; new dates tell every live delegate.
func (db *DB) UpdateSettings(ctx context.Context, actor Actor, s Settings) (Settings, error) {
	if err := s.Validate(); err != nil {
		return Settings{}, err
	}
	old := db.Settings()
	now := db.Now()
	var queued bool
	err := db.tx(ctx, func(tx *sql.Tx) error {
		v := &ValidationError{}
		for _, use := range []struct {
			field, column string
			has           func(string) bool
		}{
			{"categories", "category", func(c string) bool { _, ok := s.Category(c); return ok }},
			{"hotels", "hotel", func(c string) bool { _, ok := s.Hotel(c); return ok }},
			{"study_visits", "study_visit", func(c string) bool { _, ok := s.StudyVisit(c); return ok }},
		} {
			rows, err := tx.QueryContext(ctx, `SELECT DISTINCT `+use.column+` FROM registrations
				WHERE `+use.column+` <> '' AND status IN ('pending','approved','waitlisted')`)
			if err != nil {
				return err
			}
			for rows.Next() {
				var code string
				if err := rows.Scan(&code); err != nil {
					rows.Close()
					return err
				}
				if !use.has(code) {
					v.Add(use.field, "error.code_in_use", code)
				}
			}
			rows.Close()
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := writeSettings(ctx, tx, &s, now); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, "settings.update", 0, settingsChanges(&old, &s)); err != nil {
			return err
		}
		if old.StartDate != s.StartDate || old.EndDate != s.EndDate {
			n, err := db.tellLive(ctx, tx, &s, MailDatesChanged)
			if err != nil {
				return err
			}
			queued = queued || n > 0
			// letters print the dates: every one is reissued (the dates
			// message tells the delegate)
			live, err := db.scanAll(tx.QueryContext(ctx, "SELECT "+detailColumns+` FROM registrations
				WHERE status = 'approved' AND invitation_letter`))
			if err != nil {
				return err
			}
			for i := range live {
				if _, err := db.syncLetter(ctx, tx, &live[i], &s, true); err != nil {
					return err
				}
			}
		}
		n, err := db.promote(ctx, tx, &s, actor)
		queued = queued || n > 0
		return err
	})
	if err != nil {
		return Settings{}, err
	}
	if queued {
		db.signalQueued()
	}
	return db.loadSettings(ctx)
}

func settingsChanges(old, s *Settings) map[string]any {
	ch := map[string]any{}
	if old.StartDate != s.StartDate || old.EndDate != s.EndDate {
		ch["dates"] = []string{old.StartDate + "/" + old.EndDate, s.StartDate + "/" + s.EndDate}
	}
	if old.Capacity != s.Capacity {
		ch["capacity"] = []int{old.Capacity, s.Capacity}
	}
	return ch
}
