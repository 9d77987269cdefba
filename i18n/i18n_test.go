package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"delegate/i18n"
	"delegate/store"
	"delegate/templates"
)

func TestEveryKeyInEveryLanguage(t *testing.T) {
	t.Parallel()
	en := i18n.Keys("en")
	if len(en) < 100 {
		t.Fatalf("English catalog has only %d keys", len(en))
	}
	for _, lang := range i18n.Languages[1:] {
		other := i18n.Keys(lang)
		for _, k := range en {
			if !slices.Contains(other, k) {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
		for _, k := range other {
			if !slices.Contains(en, k) {
				t.Errorf("%s has %q, which English lacks", lang, k)
			}
		}
	}
}

// usedKeys collects every message key the code and templates name: literal
// keys in templates and Go files, and the keys built from status words,
// categories of message and choices.
func usedKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	literal := regexp.MustCompile(`"((?:admin|role|letter|verify|export|report|receipt|error|field|register|manage|home|nav|footer|common|status|payment|email|gnlc|dietary|title|lang|format|month)\.[A-Za-z0-9_.]+)"`)
	add := func(text string) {
		for _, m := range literal.FindAllStringSubmatch(text, -1) {
			if !strings.HasSuffix(m[1], ".") && !strings.HasSuffix(m[1], "_") {
				keys = append(keys, m[1])
			}
		}
	}
	fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(templates.FS, path)
			add(string(b))
		}
		return nil
	})
	for _, dir := range []string{"../store", "../handlers", "../mailer"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			add(string(b))
		}
	}
	for _, s := range store.Statuses {
		keys = append(keys, "status."+s, "status."+s+".desc")
	}
	for _, s := range store.PaymentStatuses {
		keys = append(keys, "payment."+s)
	}
	for _, k := range store.MailKinds {
		keys = append(keys, "email."+k+".subject", "email."+k+".body", "email."+k+".next")
	}
	for _, x := range store.DietaryNeeds {
		keys = append(keys, "dietary."+x)
	}
	for _, x := range store.Titles {
		keys = append(keys, "title."+x)
	}
	for _, r := range store.Roles {
		keys = append(keys, "role."+r)
	}
	for _, x := range []string{"newest", "oldest", "name", "country", "status"} {
		keys = append(keys, "admin.list.sort."+x)
	}
	for _, x := range []string{"arrivals", "rooming", "meals", "accessibility", "visits"} {
		keys = append(keys, "report."+x, "report."+x+".desc")
	}
	for _, x := range []string{"card", "desk"} {
		keys = append(keys, "receipt.method."+x)
	}
	for _, x := range []string{"paid", "waived"} {
		keys = append(keys, "admin.done.payment_"+x)
	}
	for _, x := range []string{"revoked_badge", "not_approved", "payment_due"} {
		keys = append(keys, "admin.checkin."+x, "error."+x)
	}
	for _, x := range []string{"a6", "a4-4up", "cr80"} {
		keys = append(keys, "admin.badges.layout."+x)
	}
	for _, x := range []string{"queued", "sent", "failed"} {
		keys = append(keys, "admin.mail."+x)
	}
	for _, x := range []string{"approve", "reject"} {
		keys = append(keys, "admin.bulk."+x)
	}
	for _, x := range []string{"name", "address", "phone", "fax", "email", "website"} {
		keys = append(keys, "admin.settings.sec_"+x)
	}
	for m := 1; m <= 12; m++ {
		keys = append(keys, "month."+strconv.Itoa(m))
	}
	return keys
}

func TestEveryUsedKeyExists(t *testing.T) {
	t.Parallel()
	keys := usedKeys(t)
	if len(keys) < 150 {
		t.Fatalf("found only %d keys in use; the scan is broken", len(keys))
	}
	for _, lang := range i18n.Languages {
		l := i18n.For(lang)
		for _, k := range keys {
			if !l.Has(k) {
				t.Errorf("%s: key %q is used but missing", lang, k)
			}
		}
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	day := time.Date(2016, 3, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		lang, date, money, rng, country string
	}{
		{"en", "30 March 2016", "USD 1,500.00", "28–30 September 2015", "Senegal"},
		{"es", "30 de marzo de 2016", "1.500,00 USD", "del 28 al 30 de septiembre de 2015", "Senegal"},
		{"fr", "30 mars 2016", "1 500,00 USD", "du 28 au 30 septembre 2015", "Sénégal"},
	}
	for _, tt := range tests {
		l := i18n.For(tt.lang)
		if got := l.Date(day); got != tt.date {
			t.Errorf("%s date: got %q, want %q", tt.lang, got, tt.date)
		}
		if got := l.Money(150000, "USD"); got != tt.money {
			t.Errorf("%s money: got %q, want %q", tt.lang, got, tt.money)
		}
		got := l.DateRange(time.Date(2015, 9, 28, 0, 0, 0, 0, time.UTC), time.Date(2015, 9, 30, 0, 0, 0, 0, time.UTC))
		if got != tt.rng {
			t.Errorf("%s range: got %q, want %q", tt.lang, got, tt.rng)
		}
		long := l.DateRange(time.Date(2015, 9, 30, 0, 0, 0, 0, time.UTC), time.Date(2015, 10, 2, 0, 0, 0, 0, time.UTC))
		if want := map[string]string{"en": "30 September 2015 – 2 October 2015", "es": "del 30 de septiembre de 2015 al 2 de octubre de 2015",
			"fr": "du 30 septembre 2015 au 2 octobre 2015"}[tt.lang]; long != want {
			t.Errorf("%s range over two months: got %q, want %q", tt.lang, long, want)
		}
		if got := l.CountryName("SN"); got != tt.country {
			t.Errorf("%s country: got %q, want %q", tt.lang, got, tt.country)
		}
		if got := l.T("error.passport_expiry", day); !strings.Contains(got, tt.date) {
			t.Errorf("%s: a date argument is not written as a date: %q", tt.lang, got)
		}
	}
	if got := i18n.For("en").Money(5000, "JPY"); got != "JPY 5,000" {
		t.Errorf("yen have no minor unit: got %q", got)
	}
}

func TestCountriesSortedInTheLanguage(t *testing.T) {
	t.Parallel()
	es := i18n.For("es").Countries()
	if len(es) < 190 {
		t.Fatalf("only %d countries", len(es))
	}
	pos := func(list []i18n.Country, code string) int {
		return slices.IndexFunc(list, func(c i18n.Country) bool { return c.Code == code })
	}
	// Spanish sorts "Égypte"-like accents with their letter: Egipto before España, Estados Unidos after España
	if !(pos(es, "EG") < pos(es, "ES") && pos(es, "ES") < pos(es, "US")) {
		t.Errorf("Spanish order wrong: Egipto %d, España %d, Estados Unidos %d", pos(es, "EG"), pos(es, "ES"), pos(es, "US"))
	}
	fr := i18n.For("fr").Countries()
	if fr[pos(fr, "EG")].Name != "Égypte" || pos(fr, "EG") > pos(fr, "FI") {
		t.Errorf("French: Égypte should sort among the E's, got position %d", pos(fr, "EG"))
	}
	for _, c := range es {
		if !store.ValidCountry(c.Code) {
			t.Errorf("listed %s, which the store refuses", c.Code)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]string{
		"fr-SN,fr;q=0.9,en;q=0.5": "fr",
		"es-MX":                   "es",
		"de-DE,de;q=0.9":          "en",
		"":                        "en",
		"vi,en;q=0.8":             "en",
		"pt-BR,es;q=0.8":          "es",
	} {
		if got := i18n.Match(header); got != want {
			t.Errorf("Match(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestAmountsInAFormField(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, code string
		want     int64
		ok       bool
		plain    string
	}{
		{"150", "USD", 15000, true, "150.00"},
		{"150,5", "EUR", 15050, true, "150.50"},
		{" 1200.25 ", "MXN", 120025, true, "1200.25"},
		{"5000", "JPY", 5000, true, "5000"},
		{"5000.5", "JPY", 0, false, ""},
		{"1.234", "USD", 0, false, ""},
		{"-3", "USD", 0, false, ""},
		{"", "USD", 0, true, "0.00"},
	} {
		got, ok := i18n.ParseAmount(c.in, c.code)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d, %v", c.in, c.code, got, ok, c.want, c.ok)
		}
		if ok {
			if p := i18n.PlainAmount(got, c.code); p != c.plain {
				t.Errorf("PlainAmount(%d, %s) = %q, want %q", got, c.code, p, c.plain)
			}
		}
	}
}

// The country lists offer the current ISO 3166-1 countries and territories,
// each once, under the names UN documents use, and the store refuses
// withdrawn and reserved codes (13.2).
func TestCountryListsAreCurrentISOWithUNNames(t *testing.T) {
	t.Parallel()
	for _, lang := range i18n.Languages {
		list := i18n.For(lang).Countries()
		if len(list) != 249 {
			t.Errorf("%s: %d countries, want the 249 of ISO 3166-1", lang, len(list))
		}
		names := map[string]string{}
		for _, c := range list {
			if other, ok := names[c.Name]; ok {
				t.Errorf("%s: %q is both %s and %s", lang, c.Name, other, c.Code)
			}
			names[c.Name] = c.Code
		}
	}
	for code, want := range map[string][3]string{
		"KR": {"Republic of Korea", "República de Corea", "République de Corée"},
		"VN": {"Viet Nam", "Viet Nam", "Viet Nam"},
		"TR": {"Türkiye", "Türkiye", "Türkiye"},
		"BO": {"Bolivia (Plurinational State of)", "Bolivia (Estado Plurinacional de)", "Bolivie (État plurinational de)"},
		"KN": {"Saint Kitts and Nevis", "San Cristóbal y Nieves", "Saint-Christophe-et-Niévès"},
		"DE": {"Germany", "Alemania", "Allemagne"},
	} {
		for i, lang := range i18n.Languages {
			if got := i18n.For(lang).CountryName(code); got != want[i] {
				t.Errorf("%s in %s: %q, want %q", code, lang, got, want[i])
			}
		}
	}
	for _, code := range []string{"DD", "VD", "UK", "EU", "EZ", "UN", "ZR", "YU", "AC", "XK", "QO", "de", "DEU"} {
		if store.ValidCountry(code) {
			t.Errorf("the store accepts %q", code)
		}
	}
}
