package handlers_test

import (
	"net/url"
	"strings"
	"testing"

	"delegate/i18n"
	"delegate/pdf/pdftest"
	"delegate/store"
)

// The price is shown before registering: the home page lists each public
// category's fee, its early-bird fee and deadline, and "no fee"; the
// form's categories say what registering today costs (15.1).
func TestFeesShownUpFront(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	es := i18n.For("es")
	home := e.do(t, request{method: "GET", path: "/?lang=es"}).Body.String()
	for _, want := range []string{"Cuotas", "Funcionario municipal", es.Money(15000, "USD"), "Sin cuota",
		es.Money(10000, "USD") + " si se inscribe hasta el " + es.DateString("2015-07-31")} {
		if !strings.Contains(home, want) {
			t.Errorf("the home page lacks %q", want)
		}
	}
	if strings.Contains(home, "Personal") { // staff is a restricted category: not offered
		t.Errorf("the home page lists a restricted category")
	}
	en := i18n.For("en")
	form := e.do(t, request{method: "GET", path: "/register?lang=en"}).Body.String()
	for _, want := range []string{"City official — " + en.Money(10000, "USD"), "Mayor or city leader — No fee",
		"early-bird fees apply until " + en.DateString("2015-07-31") + ", Mexico City time"} {
		if !strings.Contains(form, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
}

// A delegate who owes a fee is told how to pay it and what waits for it;
// with the bank's details in the settings they download a pro-forma
// invoice in their language with the account and a payment reference
// naming the registration (15.2).
func TestProformaInvoice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	out := e.register(t, with(valid("official@example.sn"), "category", "city_official"))
	ref := out["reference"].(string)
	private := strings.TrimPrefix(out["manage_url"].(string), "https://iclc.example.org")
	page := e.do(t, request{method: "GET", path: private + "?lang=en"}).Body.String()
	for _, want := range []string{"Fee due: " + i18n.For("en").Money(10000, "USD") + ".", "Pay it at the registration desk on arrival",
		"It is issued once your registration is approved and the fee received.", private + "/proforma.pdf"} {
		if !strings.Contains(page, want) {
			t.Errorf("the private page lacks %q", want)
		}
	}
	if strings.Contains(page, "/pay\"") {
		t.Errorf("a pay button with online payment off")
	}
	admin := e.login(t, "admin")
	bank := url.Values{"bank_accounts.count": {"1"}, "bank_accounts.0.code": {"pesos"}, "bank_accounts.0.holder": {""},
		"bank_accounts.0.account": {"DE89 3704 0044 0532 0130 00"}, "payment_deadline": {"2015-09-20"}}
	w := e.do(t, request{method: "POST", path: "/admin/settings/money?lang=en", session: admin, form: bank})
	if w.Code != 422 || !strings.Contains(w.Body.String(), `value="DE89 3704 0044 0532 0130 00"`) || !strings.Contains(w.Body.String(), `<a href="#bank_accounts.0.holder">This field is required.</a>`) ||
		!strings.Contains(w.Body.String(), "three-letter currency code") {
		t.Fatalf("a bad bank account: %d\n%s", w.Code, clip(w.Body.String()))
	}
	bank.Set("bank_accounts.0.code", "USD")
	bank.Set("bank_accounts.0.holder", "UNESCO Institute for Lifelong Learning")
	bank.Set("bank_accounts.0.bic", "COBADEHHXXX")
	bank.Set("bank_accounts.0.bank", "Commerzbank, Hamburg")
	if w := e.do(t, request{method: "POST", path: "/admin/settings/money", session: admin, form: bank}); w.Code != 303 {
		t.Fatalf("save the bank account: %d %s", w.Code, clip(w.Body.String()))
	}
	if page := e.do(t, request{method: "GET", path: private + "?lang=en"}).Body.String(); !strings.Contains(page, "Pay it by bank transfer with the pro-forma invoice") {
		t.Errorf("the private page does not offer a transfer:\n%s", clip(page))
	}
	doc := e.do(t, request{method: "GET", path: private + "/proforma.pdf"})
	text := pdftest.OneLine(t, doc.Body.Bytes())
	fr := i18n.For("fr")
	for _, want := range []string{"FACTURE PRO FORMA", "Pour l'inscription " + ref, "MONTANT DÛ · " + fr.Money(10000, "USD"),
		"à régler avant le " + fr.DateString("2015-09-20"), "DE89 3704 0044 0532 0130 00", "COBADEHHXXX", "Commerzbank, Hamburg",
		"Référence de paiement " + ref, "Facturé à Aminata Diop", "Ville de Dakar"} {
		if !strings.Contains(text, want) {
			t.Errorf("the pro-forma invoice lacks %q:\n%s", want, text)
		}
	}
	if _, _, err := e.db.RecordPayment(t.Context(), store.System, ref, store.Payment{EventID: "desk-1", Kind: store.PaymentPaid,
		Amount: 10000, Currency: "USD", Method: "desk"}); err != nil {
		t.Fatal(err)
	}
	if w := e.do(t, request{method: "GET", path: private + "/proforma.pdf"}); w.Code != 404 {
		t.Errorf("a pro-forma once paid: %d", w.Code)
	}
}
