package mailer_test

import (
	"strings"
	"testing"

	"delegate/mailer"
	"delegate/store"
)

func sampleRegistration(lang string) *store.Registration {
	return &store.Registration{
		Reference: "ICLC-7K3M9P", Status: store.StatusPending, PaymentStatus: store.PaymentUnpaid,
		Fee: store.Money{Amount: 10000, Currency: "USD"}, ManageToken: "tok123",
		Details: store.Details{GivenNames: "Nguyễn Thị", FamilyName: "Hương", Email: "huong@example.vn",
			Category: "city_official", Language: lang},
	}
}

func TestComposeEveryKindInEveryLanguage(t *testing.T) {
	t.Parallel()
	c, err := mailer.NewComposer("https://iclc.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	s := store.DefaultSettings()
	want := map[string][]string{
		"en": {"Dear Nguyễn Thị Hương,", "Education Officer", "USD 100.00 (Not paid yet)", "28–30 September 2015", "Mexico City"},
		"es": {"Estimado/a Nguyễn Thị Hương:", "100,00 USD (Pendiente de pago)", "del 28 al 30 de septiembre de 2015", "Ciudad de México"},
		"fr": {"Bonjour Nguyễn Thị Hương,", "100,00 USD (Non payé)", "du 28 au 30 septembre 2015", "Mexico"},
	}
	for lang, phrases := range want {
		for _, kind := range store.MailKinds {
			r := sampleRegistration(lang)
			r.StatusReason = "Nombre <b>complet</b>"
			m, err := c.Compose(kind, r, &s)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, kind, err)
			}
			if m.Subject == "" || strings.Contains(m.Subject+m.Text, "email.") {
				t.Errorf("%s %s: untranslated: %q", lang, kind, m.Subject)
			}
			for _, p := range phrases[:1] {
				if !strings.Contains(m.Text, p) || !strings.Contains(m.HTML, p) {
					t.Errorf("%s %s lacks %q", lang, kind, p)
				}
			}
			link := "https://iclc.example.org/r/" + store.TokenPlaceholder
			if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
				t.Errorf("%s %s lacks the private link", lang, kind)
			}
			if strings.Contains(m.Text+m.HTML, "tok123") {
				t.Errorf("%s %s holds the private link's secret", lang, kind)
			}
			if kind == store.MailRejected && !strings.Contains(m.HTML, "Nombre &lt;b&gt;complet&lt;/b&gt;") {
				t.Errorf("%s: the organisers' note is not escaped in HTML", lang)
			}
			if !strings.Contains(m.Text, "learningcities@unesco.org") {
				t.Errorf("%s %s lacks the secretariat's address", lang, kind)
			}
		}
		m, _ := c.Compose(store.MailReceived, sampleRegistration(lang), &s)
		for _, p := range phrases[1:] {
			if p == "Education Officer" {
				continue
			}
			if !strings.Contains(m.Text, p) {
				t.Errorf("%s received message lacks %q:\n%s", lang, p, m.Text)
			}
		}
	}
}

// TestComposeFromCache writes the same kind of message for two delegates:
// each gets their own name and reference, escaped in HTML, and neither
// message holds a link's secret.
func TestComposeFromCache(t *testing.T) {
	t.Parallel()
	c, _ := mailer.NewComposer("https://iclc.example.org")
	s := store.DefaultSettings()
	a, b := sampleRegistration("en"), sampleRegistration("en")
	b.GivenNames, b.FamilyName, b.Reference, b.ManageToken = "Seán", "O'Brien <Jr>", "ICLC-OTHER2", "tok456"
	ma, _ := c.Compose(store.MailReceived, a, &s)
	mb, _ := c.Compose(store.MailReceived, b, &s)
	if !strings.Contains(ma.Text, "Dear Nguyễn Thị Hương,") || !strings.Contains(ma.Subject, "ICLC-7K3M9P") {
		t.Errorf("first: %q", ma.Subject)
	}
	if !strings.Contains(mb.Text, "Dear Seán O'Brien <Jr>,") || !strings.Contains(mb.HTML, "Dear Seán O&#39;Brien &lt;Jr&gt;,") ||
		!strings.Contains(mb.Subject, "ICLC-OTHER2") || strings.Contains(ma.Text+ma.HTML+mb.Text+mb.HTML, "tok456") {
		t.Errorf("second, from the cache:\n%s", mb.Text)
	}
	if strings.Contains(ma.Text+ma.HTML+mb.Text+mb.HTML, "__delegate_") {
		t.Error("a stand-in was left in a message")
	}
}

func BenchmarkCompose(b *testing.B) {
	c, err := mailer.NewComposer("https://iclc.example.org")
	if err != nil {
		b.Fatal(err)
	}
	s := store.DefaultSettings()
	r := sampleRegistration("es")
	for b.Loop() {
		if _, err := c.Compose(store.MailReceived, r, &s); err != nil {
			b.Fatal(err)
		}
	}
}

// TestExcellencyIsGreetedAsSuch: a delegate titled H.E. is greeted by the
// form of address, in each language, even when the message of the same
// kind was written for another delegate before.
func TestExcellencyIsGreetedAsSuch(t *testing.T) {
	t.Parallel()
	c, _ := mailer.NewComposer("https://iclc.example.org")
	s := store.DefaultSettings()
	for lang, want := range map[string]string{"en": "Your Excellency,", "es": "Excelencia:", "fr": "Excellence,"} {
		plain := sampleRegistration(lang)
		he := sampleRegistration(lang)
		he.Title = "H.E."
		mp, _ := c.Compose(store.MailApproved, plain, &s)
		mh, _ := c.Compose(store.MailApproved, he, &s)
		if first := strings.SplitN(mh.Text, "\n", 2)[0]; first != want || strings.Contains(mp.Text, want) {
			t.Errorf("%s: H.E. greeted %q, want %q; the other delegate greeted as H.E.: %v", lang, strings.SplitN(mh.Text, "\n", 2)[0], want, strings.Contains(mp.Text, want))
		}
	}
}

// TestNamesInTheirScript: a message greets a name in its own script and
// order, with its Latin form after it.
func TestNamesInTheirScript(t *testing.T) {
	t.Parallel()
	c, _ := mailer.NewComposer("https://iclc.example.org")
	s := store.DefaultSettings()
	r := sampleRegistration("en")
	r.GivenNames, r.FamilyName, r.BadgeName = "伟", "王", "Wang Wei"
	m, _ := c.Compose(store.MailReceived, r, &s)
	if !strings.Contains(m.Text, "Dear 王伟 (Wang Wei),") || !strings.Contains(m.HTML, "Dear 王伟 (Wang Wei),") {
		t.Errorf("greeting: %s", strings.SplitN(m.Text, "\n", 2)[0])
	}
}
