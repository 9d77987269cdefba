package store

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"delegate/i18n"
)

// foldPool holds accent-removing transformers; one is not safe for
// concurrent use and building one allocates.
var foldPool = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// Fold makes text comparable for search: lower case, without accents.
func Fold(s string) string {
	t := foldPool.Get().(transform.Transformer)
	defer foldPool.Put(t)
	t.Reset()
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// validEmail reports whether e is one plain address with a dot in its
// domain, at most 254 characters.
func validEmail(e string) bool {
	a, err := mail.ParseAddress(e)
	return err == nil && a.Address == e && len(e) <= 254 && strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".")
}

// ValidCountry reports whether code is a current ISO 3166-1 alpha-2
// country code.
func ValidCountry(code string) bool { return i18n.IsCountry(code) }

var (
	passportSeparators = strings.NewReplacer(" ", "", "-", "")
	passportPattern    = regexp.MustCompile(`^[A-Z0-9]{5,20}$`)
	flightPattern      = regexp.MustCompile(`^[A-Z0-9]{2,3} ?[0-9]{1,5}[A-Z]?$`)
	phonePattern       = regexp.MustCompile(`^\+?[0-9 ()./-]{4,30}$`)
)

// normalise trims what was typed and puts codes in their canonical case.
func (d *Details) normalise() {
	for _, p := range []*string{&d.Title, &d.GivenNames, &d.FamilyName, &d.BadgeName, &d.Email,
		&d.Phone, &d.Organisation, &d.JobTitle, &d.City, &d.GNLC, &d.Category, &d.Language,
		&d.ArrivalDate, &d.DepartureDate, &d.Hotel, &d.StudyVisit, &d.PassportExpiry, &d.DateOfBirth,
		&d.DietaryNotes, &d.Accessibility, &d.PassportFamilyName, &d.PassportGivenNames} {
		*p = strings.TrimSpace(*p)
	}
	for _, p := range []*string{&d.Country, &d.Nationality, &d.PassportNumber, &d.ArrivalFlight, &d.DepartureFlight, &d.AccessCode} {
		*p = strings.ToUpper(strings.TrimSpace(*p))
	}
	d.PassportNumber = passportSeparators.Replace(d.PassportNumber)
	d.Language = strings.ToLower(d.Language)
	var diet []string
	for _, x := range d.Dietary {
		x = strings.TrimSpace(x)
		if x != "" && !slices.Contains(diet, x) {
			diet = append(diet, x)
		}
	}
	d.Dietary = diet
	if d.Category != "mayor" && d.Category != "city_official" {
		d.GNLC = "" // asked of the city categories only
	}
	if !d.InvitationLetter {
		d.Nationality, d.PassportNumber, d.PassportExpiry, d.DateOfBirth = "", "", "", ""
		d.PassportFamilyName, d.PassportGivenNames = "", ""
	}
}

// Validate normalises d and checks every rule of a registration against the
// settings s at time now, section by section of the form.
func (d *Details) Validate(s *Settings, now time.Time) error {
	d.normalise()
	v := &ValidationError{}
	d.checkAbout(v)
	d.checkParticipation(v, s)
	if d.InvitationLetter {
		d.checkLetter(v, s)
	}
	d.checkTravel(v, s)
	d.checkNeeds(v)
	if !d.ConsentPrivacy {
		v.Add("consent_privacy", "error.consent_privacy")
	}
	return v.Err()
}

// checkAbout checks the delegate: name, contact and organisation.
func (d *Details) checkAbout(v *ValidationError) {
	oneOf(v, "title", d.Title, Titles, false)
	text(v, "given_names", d.GivenNames, 100, true)
	text(v, "family_name", d.FamilyName, 100, true)
	text(v, "badge_name", d.BadgeName, 40, false)
	if !Drawable(d.NameOnBadge()) {
		v.Add("badge_name", "error.badge_script")
	}
	if d.Email == "" {
		v.Add("email", "error.required")
	} else if !validEmail(d.Email) {
		v.Add("email", "error.email")
	}
	if d.Phone != "" && !phonePattern.MatchString(d.Phone) {
		v.Add("phone", "error.phone")
	}
	text(v, "organisation", d.Organisation, 200, true)
	if !Drawable(d.Organisation) {
		v.Add("organisation", "error.latin_letters")
	}
	text(v, "job_title", d.JobTitle, 200, true)
	text(v, "city", d.City, 100, false)
	country(v, "country", d.Country)
}

// checkParticipation checks the category, the GNLC answer and the
// language of the delegate's messages.
func (d *Details) checkParticipation(v *ValidationError, s *Settings) {
	if d.Category == "" {
		v.Add("category", "error.required")
	} else if _, ok := s.Category(d.Category); !ok {
		v.Add("category", "error.choice")
	}
	oneOf(v, "gnlc", d.GNLC, []string{"member", "interested"}, false)
	oneOf(v, "language", d.Language, Languages, true)
}

// checkLetter checks what a visa invitation letter prints: a passport
// valid six months after the conference, and an adult's date of birth.
func (d *Details) checkLetter(v *ValidationError, s *Settings) {
	// the name as the passport prints it in Latin letters; some passports
	// have no given name
	text(v, "passport_family_name", d.PassportFamilyName, 100, true)
	text(v, "passport_given_names", d.PassportGivenNames, 100, false)
	for _, f := range []struct{ name, value string }{
		{"passport_family_name", d.PassportFamilyName}, {"passport_given_names", d.PassportGivenNames},
	} {
		if !latinName(f.value) {
			v.Add(f.name, "error.passport_latin")
		}
	}
	country(v, "nationality", d.Nationality)
	switch {
	case d.PassportNumber == "":
		v.Add("passport_number", "error.required")
	case !passportPattern.MatchString(d.PassportNumber):
		v.Add("passport_number", "error.passport_number")
	}
	validUntil := s.PassportValidUntil()
	if exp, ok := date(v, "passport_expiry", d.PassportExpiry, true); ok && exp.Before(validUntil) {
		v.Add("passport_expiry", "error.passport_expiry", validUntil)
	}
	if dob, ok := date(v, "date_of_birth", d.DateOfBirth, true); ok {
		if dob.Year() < 1900 || !dob.Before(s.Start().AddDate(-10, 0, 0)) {
			v.Add("date_of_birth", "error.date_of_birth")
		}
	}
}

// checkTravel checks the dates (within two weeks of the conference),
// flights, hotel and study visit.
func (d *Details) checkTravel(v *ValidationError, s *Settings) {
	from, to := s.Start().AddDate(0, 0, -14), s.End().AddDate(0, 0, 14)
	arr, arrOK := date(v, "arrival_date", d.ArrivalDate, false)
	dep, depOK := date(v, "departure_date", d.DepartureDate, false)
	if arrOK && (arr.Before(from) || arr.After(to)) {
		v.Add("arrival_date", "error.travel_window", from, to)
	}
	if depOK && (dep.Before(from) || dep.After(to)) {
		v.Add("departure_date", "error.travel_window", from, to)
	}
	if arrOK && depOK && dep.Before(arr) {
		v.Add("departure_date", "error.departure_before_arrival")
	}
	for _, f := range []struct{ name, value string }{{"arrival_flight", d.ArrivalFlight}, {"departure_flight", d.DepartureFlight}} {
		if f.value != "" && !flightPattern.MatchString(f.value) {
			v.Add(f.name, "error.flight")
		}
	}
	if _, ok := s.Hotel(d.Hotel); d.Hotel != "" && !ok {
		v.Add("hotel", "error.choice")
	}
	if _, ok := s.StudyVisit(d.StudyVisit); d.StudyVisit != "" && !ok {
		v.Add("study_visit", "error.choice")
	}
}

// checkNeeds checks dietary and accessibility needs.
func (d *Details) checkNeeds(v *ValidationError) {
	for _, x := range d.Dietary {
		if !slices.Contains(DietaryNeeds, x) {
			v.Add("dietary", "error.choice")
		}
	}
	text(v, "dietary_notes", d.DietaryNotes, 500, false)
	text(v, "accessibility", d.Accessibility, 500, false)
}

// latinName reports whether s is written in Latin letters, as a passport's
// visual zone prints a name: letters with their accents, spaces, hyphens,
// apostrophes and full stops.
func latinName(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Latin, r) && !unicode.Is(unicode.Mn, r) && !strings.ContainsRune(" -'’.", r) {
			return false
		}
	}
	return true
}

// text checks a free-text field: required, at most max characters, and no
// control characters (a line break in a name could forge mail headers).
func text(v *ValidationError, field, value string, max int, required bool) {
	multiline := max >= 500
	switch {
	case value == "" && required:
		v.Add(field, "error.required")
	case !utf8.ValidString(value):
		v.Add(field, "error.characters")
	case utf8.RuneCountInString(value) > max:
		v.Add(field, "error.too_long", max)
	case strings.IndexFunc(value, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))
	}) >= 0:
		v.Add(field, "error.characters")
	case strings.IndexFunc(value, hidden) >= 0:
		// zero-width spaces, bidi controls and the like: invisible, they
		// could make a blank badge pass "required" or disguise a name
		v.Add(field, "error.characters")
	}
}

// hidden reports whether r is an invisible character a name does not
// need: a format character other than the joiners (ZWJ, ZWNJ) some
// scripts write with, or a Hangul filler.
func hidden(r rune) bool {
	return (unicode.Is(unicode.Cf, r) && r != 0x200C && r != 0x200D) || r == 0x3164 || r == 0x115F || r == 0x1160
}

func oneOf(v *ValidationError, field, value string, choices []string, required bool) {
	switch {
	case value == "" && required:
		v.Add(field, "error.required")
	case value != "" && !slices.Contains(choices, value):
		v.Add(field, "error.choice")
	}
}

func country(v *ValidationError, field, code string) {
	switch {
	case code == "":
		v.Add(field, "error.required")
	case !ValidCountry(code):
		v.Add(field, "error.country")
	}
}

func date(v *ValidationError, field, value string, required bool) (time.Time, bool) {
	if value == "" {
		if required {
			v.Add(field, "error.required")
		}
		return time.Time{}, false
	}
	t, err := ParseDate(value)
	if err != nil {
		v.Add(field, "error.date")
		return t, false
	}
	return t, true
}
