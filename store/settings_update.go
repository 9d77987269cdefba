package store

// Changing the settings: the checks, the write, and what a change sets off
// (promotion when the capacity grows, mail and letters when the dates move).

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

var (
	codePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
	colourPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	currencyCode  = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Validate checks the settings and says which field is wrong: the
// conference, then each list.
func (s *Settings) Validate() error {
	v := &ValidationError{}
	s.checkConference(v)
	s.checkCategories(v)
	s.checkHotels(v)
	s.checkStudyVisits(v)
	s.checkMoney(v)
	return v.Err()
}

// checkMoney checks the bank accounts (one a currency, each with its
// holder and account) and the payment deadline.
func (s *Settings) checkMoney(v *ValidationError) {
	seen := map[string]bool{}
	for i, b := range s.BankAccounts {
		f := fmt.Sprintf("bank_accounts.%d.", i)
		switch {
		case !currencyCode.MatchString(b.Currency):
			v.Add(f+"code", "error.currency")
		case seen[b.Currency]:
			v.Add(f+"code", "error.code_taken")
		}
		seen[b.Currency] = true
		text(v, f+"holder", b.Holder, 200, true)
		text(v, f+"account", b.Account, 64, true)
		text(v, f+"bic", b.BIC, 11, false)
		text(v, f+"bank", b.Bank, 300, false)
	}
	if s.PaymentDeadline != "" {
		if _, err := ParseDate(s.PaymentDeadline); err != nil {
			v.Add("payment_deadline", "error.date")
		}
	}
	text(v, "issuer_tax_id", s.IssuerTaxID, 64, false)
}

// checkConference checks the name, dates, time zone, capacity, the
// registration window and the currency.
func (s *Settings) checkConference(v *ValidationError) {
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
	if s.OfferHours < 0 || s.OfferHours > 24*30 {
		v.Add("offer_hours", "error.range", 0, 24*30)
	}
	for field, n := range map[string]int{"passport_retention_days": s.PassportRetentionDays, "health_retention_days": s.HealthRetentionDays,
		"inactive_retention_days": s.InactiveRetentionDays, "accounting_retention_years": s.AccountingRetentionYears,
		"contact_retention_days": s.ContactRetentionDays} {
		if n < 0 {
			v.Add(field, "error.not_negative")
		}
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
}

// checkCategories checks each category: a unique code, a name, a badge
// colour and fees that make sense.
func (s *Settings) checkCategories(v *ValidationError) {
	if len(s.Categories) == 0 {
		v.Add("categories", "error.required")
	}
	checkList(v, "categories", s.Categories, func(c Category) string { return c.Code }, func(f string, c Category) {
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
	})
}

// checkHotels checks each hotel: a unique code, a name, rooms.
func (s *Settings) checkHotels(v *ValidationError) {
	checkList(v, "hotels", s.Hotels, func(h Hotel) string { return h.Code }, func(f string, h Hotel) {
		if strings.TrimSpace(h.Name.En) == "" {
			v.Add(f+"name.en", "error.required")
		}
		if h.Rooms < 0 {
			v.Add(f+"rooms", "error.not_negative")
		}
	})
}

// checkStudyVisits checks each study visit: a unique code, a name, a
// date, places.
func (s *Settings) checkStudyVisits(v *ValidationError) {
	checkList(v, "study_visits", s.StudyVisits, func(sv StudyVisit) string { return sv.Code }, func(f string, sv StudyVisit) {
		if strings.TrimSpace(sv.Name.En) == "" {
			v.Add(f+"name.en", "error.required")
		}
		if _, err := ParseDate(sv.Date); err != nil {
			v.Add(f+"date", "error.date")
		}
		if sv.Capacity < 0 {
			v.Add(f+"capacity", "error.not_negative")
		}
	})
}

// checkList checks a list of the settings: each item's code valid and
// unique in the list, then check with the item's field prefix, e.g.
// "hotels.2.".
func checkList[T any](v *ValidationError, name string, list []T, code func(T) string, check func(prefix string, item T)) {
	seen := map[string]bool{}
	for i, x := range list {
		f := fmt.Sprintf("%s.%d.", name, i)
		checkCode(v, seen, f+"code", code(x))
		check(f, x)
	}
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
// registrations at once; new dates tell every live delegate, and reissue
// their letters, in the background after the first chunk.
func (db *DB) UpdateSettings(ctx context.Context, actor Actor, s Settings) (Settings, error) {
	if err := s.Validate(); err != nil {
		return Settings{}, err
	}
	old := db.Settings()
	now := db.Now()
	var queued bool
	var dates Campaign // the message of new dates, queued after the change
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkCodesInUse(ctx, tx, &s); err != nil {
			return err
		}
		if err := writeSettings(ctx, tx, &s, now); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, "settings.update", 0, settingsChanges(&old, &s)); err != nil {
			return err
		}
		switch {
		case old.StartDate != s.StartDate || old.EndDate != s.EndDate:
			var err error
			if dates, err = db.startCampaign(ctx, tx, actor, MailDatesChanged); err != nil {
				return err
			}
		case old.Signatory.Name == "" && s.Signatory.Name != "":
			n, err := db.syncLetters(ctx, tx, &s, false) // the letters held for a signatory
			if err != nil {
				return err
			}
			queued = n > 0
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
	saved, err := db.loadSettings(ctx)
	if err == nil && dates.ID != 0 {
		// every live delegate, the first chunk now and the rest in the
		// background (each letter reissued in its delegate's chunk)
		_, err = db.queueSoon(ctx, dates)
	}
	return saved, err
}

// checkCodesInUse refuses settings that drop a category, hotel or study
// visit a live registration uses.
func checkCodesInUse(ctx context.Context, tx *sql.Tx, s *Settings) error {
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
			WHERE `+use.column+` <> '' AND `+sqlLive)
		codes, err := collect(rows, err, scanString)
		if err != nil {
			return err
		}
		for _, code := range codes {
			if !use.has(code) {
				v.Add(use.field, "error.code_in_use", code)
			}
		}
	}
	return v.Err()
}

// startCampaign writes a campaign of the system's message kind to every
// live delegate, queued once the change that starts it is saved.
func (db *DB) startCampaign(ctx context.Context, tx *sql.Tx, actor Actor, kind string) (Campaign, error) {
	c := Campaign{Author: actor.String(), Kind: kind, CreatedAt: db.Now()}
	res, err := tx.ExecContext(ctx, "INSERT INTO campaigns (author, filter, texts, created_at, kind) VALUES (?, '{}', '{}', ?, ?)",
		c.Author, formatTime(c.CreatedAt), kind)
	if err != nil {
		return c, err
	}
	c.ID, err = res.LastInsertId()
	return c, err
}

// reissueLetter issues registration id's letter anew, with the dates of s.
func (db *DB) reissueLetter(ctx context.Context, tx *sql.Tx, id int64, s *Settings) error {
	r, err := db.scanDetailed(tx.QueryRowContext(ctx, "SELECT "+detailColumns+" FROM registrations WHERE id = ?", id))
	if err != nil {
		return notFound(err)
	}
	_, err = db.syncLetter(ctx, tx, &r, s, true)
	return err
}

// syncLetters brings the letter of every approved registration that asked
// for one in line with s. With reissue every letter is issued anew (new
// dates, told by the dates message); without, the letters now due are
// issued and their delegates told (a signatory set at last). It returns
// how many it issued.
func (db *DB) syncLetters(ctx context.Context, tx *sql.Tx, s *Settings, reissue bool) (int, error) {
	holders, err := db.scanAll(tx.QueryContext(ctx, "SELECT "+detailColumns+` FROM registrations
		WHERE status = 'approved' AND invitation_letter`))
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range holders {
		issued, err := db.syncLetter(ctx, tx, &holders[i], s, reissue)
		if err != nil {
			return 0, err
		}
		if issued && !reissue {
			if err := db.queue(ctx, tx, MailLetterReady, &holders[i], s); err != nil {
				return 0, err
			}
		}
		if issued {
			n++
		}
	}
	return n, nil
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

// DateChange is what saving new conference dates sets off: a message to
// every live delegate and each valid invitation letter issued anew.
type DateChange struct {
	Emailed         int `json:"emailed"`
	LettersReissued int `json:"letters_reissued"`
}

// DatesChanged reports whether s moves the conference's dates.
func (db *DB) DatesChanged(s Settings) bool {
	old := db.Settings()
	return old.StartDate != s.StartDate || old.EndDate != s.EndDate
}

// DateChangeConsequences counts what new dates would set off, from the
// tallies.
func (db *DB) DateChangeConsequences(ctx context.Context) (DateChange, error) {
	var d DateChange
	err := db.read.QueryRowContext(ctx, `SELECT
		coalesce(sum(CASE WHEN dim = 'status' AND key IN ('pending','approved','waitlisted') THEN n END), 0),
		coalesce(sum(CASE WHEN dim = 'letters_issued' THEN n END), 0)
		FROM tallies WHERE dim IN ('status', 'letters_issued')`).Scan(&d.Emailed, &d.LettersReissued)
	return d, err
}
