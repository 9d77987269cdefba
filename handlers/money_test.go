package handlers_test

import (
	"net/url"
	"strconv"
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

// Finance records transfers: one short of the fee is kept as a partial
// payment (the fee still due, the rest shown), the one that completes it
// pays the fee and releases the letter; a bank reference counts once; an
// invoice to the ministry and a credit note read back in the delegate's
// language (15.3, 15.4).
func TestTransfersAndInvoices(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	out := e.register(t, with(valid("official@example.sn"), "category", "city_official"))
	ref := out["reference"].(string)
	private := strings.TrimPrefix(out["manage_url"].(string), "https://iclc.example.org")
	if _, err := e.db.ApproveRegistration(ctx, store.System, ref); err != nil {
		t.Fatal(err)
	}
	finance := e.login(t, "finance")
	path := "/admin/registrations/" + ref
	transfer := func(amount, currency, bankRef string) {
		t.Helper()
		w := e.do(t, request{method: "POST", path: path + "/transfer?lang=en", session: finance, form: url.Values{"amount": {amount},
			"currency": {currency}, "date": {"2015-06-10"}, "bank_ref": {bankRef}}})
		if w.Code != 303 {
			t.Fatalf("transfer %s: %d %s", amount, w.Code, clip(w.Body.String()))
		}
	}
	page := func() string {
		return e.do(t, request{method: "GET", path: path + "?lang=en", session: finance}).Body.String()
	}
	en := i18n.For("en")
	transfer("40.00", "USD", "BK-1")
	if p := page(); !strings.Contains(p, "Received so far: "+en.Money(4000, "USD")) || !strings.Contains(p, en.Money(6000, "USD")+" still due (partly paid)") {
		t.Errorf("after a partial transfer:\n%s", clip(p))
	}
	transfer("10.00", "USD", "BK-1")
	transfer("60.00", "EUR", "BK-3")
	if p := page(); !strings.Contains(p, "A transfer with this bank reference is already recorded.") && !strings.Contains(p, "The fee is in USD") {
		t.Errorf("a repeated reference or another currency was not refused:\n%s", clip(p))
	}
	r, _ := e.db.FindRegistration(ctx, ref)
	if r.PaymentStatus != store.PaymentUnpaid || r.LetterState() != store.LetterPayment {
		t.Fatalf("after a part of the fee: %s, letter %s", r.PaymentStatus, r.LetterState())
	}
	w := e.do(t, request{method: "POST", path: path + "/invoice", session: finance, form: url.Values{
		"billed_name": {"Ministère de l'Éducation nationale"}, "billed_address": {"Rue Alpha Achamyou Diop, Dakar"}, "tax_id": {"SN-0042"}}})
	if w.Code != 303 {
		t.Fatalf("invoice: %d", w.Code)
	}
	invs, _ := e.db.Invoices(ctx, r.ID)
	fr := i18n.For("fr")
	due := pdftest.OneLine(t, e.do(t, request{method: "GET", path: "/admin/invoices/" + strconv.FormatInt(invs[0].ID, 10), session: finance}).Body.Bytes())
	for _, want := range []string{"FACTURE", "Facture n° 1", "Ministère de l'Éducation nationale", "SN-0042", "Total : " + fr.Money(10000, "USD"),
		"MONTANT DÛ · " + fr.Money(6000, "USD")} {
		if !strings.Contains(due, want) {
			t.Errorf("the invoice lacks %q:\n%s", want, due)
		}
	}
	transfer("60.00", "USD", "BK-2")
	r, _ = e.db.FindRegistration(ctx, ref)
	if r.PaymentStatus != store.PaymentPaid || r.LetterState() != store.LetterIssued {
		t.Fatalf("after the rest: %s, letter %s", r.PaymentStatus, r.LetterState())
	}
	if m, ok := mailTo(t, e, store.MailPaid, "official@example.sn"); !ok || m.Language != "fr" {
		t.Errorf("no word to the delegate that the fee is paid: %+v", m)
	}
	paid := pdftest.OneLine(t, e.do(t, request{method: "GET", path: private + "/invoice.pdf"}).Body.Bytes())
	if !strings.Contains(paid, "RÉGLÉE") || !strings.Contains(paid, "Facture n° 1") {
		t.Errorf("the delegate's invoice once paid:\n%s", paid)
	}
	receipt := pdftest.OneLine(t, e.do(t, request{method: "GET", path: private + "/receipt.pdf"}).Body.Bytes())
	if !strings.Contains(receipt, fr.Money(10000, "USD")) || !strings.Contains(receipt, "par virement bancaire") {
		t.Errorf("the receipt of two transfers:\n%s", receipt)
	}
	w = e.do(t, request{method: "POST", path: "/admin/invoices/" + strconv.FormatInt(invs[0].ID, 10) + "/credit", session: finance,
		form: url.Values{"amount": {"30.00"}, "reason": {"Remboursement partiel"}}})
	if w.Code != 303 {
		t.Fatalf("credit: %d", w.Code)
	}
	invs, _ = e.db.Invoices(ctx, r.ID)
	note := pdftest.OneLine(t, e.do(t, request{method: "GET", path: "/admin/invoices/" + strconv.FormatInt(invs[1].ID, 10), session: finance}).Body.Bytes())
	for _, want := range []string{"AVOIR", "Avoir n° 1", "FACTURE N° 1", "Remboursement partiel", "Total crédité : " + fr.Money(3000, "USD")} {
		if !strings.Contains(note, want) {
			t.Errorf("the credit note lacks %q:\n%s", want, note)
		}
	}
	if w := e.do(t, request{method: "POST", path: path + "/transfer", session: e.login(t, "viewer"), form: url.Values{"amount": {"1"}}}); w.Code != 403 {
		t.Errorf("a viewer records a transfer: %d", w.Code)
	}
}
