// Package i18n holds the message catalogs of delegate in English, Spanish
// and French, and formats dates, money and country names for a language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

//go:embed catalog/*.json
var catalogFS embed.FS

// Languages are the languages delegate speaks, the default first.
var Languages = []string{"en", "es", "fr"}

var (
	tags     = []language.Tag{language.English, language.Spanish, language.French}
	matcher  = language.NewMatcher(tags)
	catalogs = map[string]map[string]string{}
	locals   = map[string]*Localizer{}
)

func init() {
	for i, lang := range Languages {
		data, err := catalogFS.ReadFile("catalog/" + lang + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", lang, err))
		}
		catalogs[lang] = m
		locals[lang] = &Localizer{Lang: lang, tag: tags[i], msgs: m}
	}
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return slices.Contains(Languages, lang) }

// Match picks the best of Languages for an Accept-Language header.
func Match(acceptLanguage string) string {
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return "en"
	}
	_, i, conf := matcher.Match(prefs...)
	if conf == language.No {
		return "en"
	}
	return Languages[i]
}

// Keys returns the message keys of lang's catalog, sorted.
func Keys(lang string) []string {
	var keys []string
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Localizer translates and formats for one language.
type Localizer struct {
	Lang string
	tag  language.Tag
	msgs map[string]string

	once      sync.Once
	countries []Country
}

// For returns the localizer of lang, or English for an unknown language.
func For(lang string) *Localizer {
	if l, ok := locals[lang]; ok {
		return l
	}
	return locals["en"]
}

// Has reports whether key is in the catalog.
func (l *Localizer) Has(key string) bool { _, ok := l.msgs[key]; return ok }

// T returns the message for key with args put in (fmt verbs); a time.Time
// argument is written as a date in the language. A missing key shows itself,
// so it is seen and fixed.
func (l *Localizer) T(key string, args ...any) string {
	msg, ok := l.msgs[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	args = slices.Clone(args) // the caller's arguments stay as they were
	for i, a := range args {
		if t, ok := a.(time.Time); ok {
			args[i] = l.Date(t)
		}
	}
	return fmt.Sprintf(msg, args...)
}

// Date writes t as a day: "30 March 2016", "30 de marzo de 2016",
// "30 mars 2016".
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.T("format.date", t.Day(), l.T("month."+strconv.Itoa(int(t.Month()))), t.Year())
}

// DateTime writes t as a day and a time of day: "17 June 2015, 14:00",
// "17 de junio de 2015, a las 14:00", "17 juin 2015 à 14:00"; t is in the
// zone it should be read in.
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.T("format.datetime", l.Date(t), t.Format("15:04"))
}

// DateString writes a YYYY-MM-DD date as Date does, or returns s unchanged
// when it is not one.
func (l *Localizer) DateString(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return l.Date(t)
}

// DateRange writes the days from start to end as a sentence carries them:
// "28–30 September 2015", "du 28 au 30 septembre 2015", "del 28 al 30 de
// septiembre de 2015" (French and Spanish bring their own preposition, so
// the sentences around it have none).
func (l *Localizer) DateRange(start, end time.Time) string {
	if start.Year() == end.Year() && start.Month() == end.Month() {
		return l.T("format.date_range", start.Day(), l.Date(end))
	}
	return l.T("format.date_range_long", l.Date(start), l.Date(end))
}

// Country is an ISO 3166-1 alpha-2 code and its name in a language.
type Country struct {
	Code string
	Name string
}

// Countries lists every country, sorted by name as the language sorts.
func (l *Localizer) Countries() []Country {
	l.once.Do(func() {
		var list []Country
		for _, code := range strings.Fields(isoCountries) {
			list = append(list, Country{Code: code, Name: l.CountryName(code)})
		}
		c := collate.New(l.tag)
		slices.SortFunc(list, func(x, y Country) int { return c.CompareString(x.Name, y.Name) })
		l.countries = list
	})
	return l.countries
}

// continents are the UN M.49 regions a country is counted under.
var continents = []string{"002", "019", "142", "150", "009"}

// Continent returns the UN M.49 continent of a country and its name in the
// language, or empty strings when unknown.
func (l *Localizer) Continent(country string) (code, name string) {
	r, err := language.ParseRegion(country)
	if err != nil {
		return "", ""
	}
	for _, c := range continents {
		cr := language.MustParseRegion(c)
		if cr.Contains(r) {
			return c, display.Regions(l.tag).Name(cr)
		}
	}
	return "", ""
}
