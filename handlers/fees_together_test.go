package handlers_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"delegate/i18n"
	"delegate/pdf/pdftest"
	"delegate/store"
)

// A city hall's finance office pays its two officials' fees in one
// transfer: the focal point downloads one pro-forma invoice for the
// delegation in Spanish, with both fees, the total, the account and the
// delegation's payment reference; the bank's statement line quoting it is
// matched to both fees and confirmed in one press, which pays them both
// (journey 10; 15.2, 15.4).
func TestOneTransferForADelegation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	s := e.db.Settings()
	s.BankAccounts = []store.BankAccount{{Currency: "USD", Holder: "UNESCO Institute for Lifelong Learning", Account: "DE89 3704 0044 0532 0130 00", BIC: "COBADEHHXXX"}}
	if _, err := e.db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	dlg, err := e.db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Alcaldía de Medellín", Kind: "city", Country: "CO", Quota: 3,
		FocalPoints: []string{"hacienda@medellin.gov.co"}})
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, m := range [][2]string{{"Rosa", "Quintero"}, {"Juan", "Arango"}} {
		d := store.Details{GivenNames: m[0], FamilyName: m[1], Email: strings.ToLower(m[0]) + "@medellin.gov.co", Organisation: "Alcaldía de Medellín",
			JobTitle: "Secretaria de Educación", Country: "CO", Category: "city_official", Language: "es", ConsentPrivacy: true}
		r, err := e.db.AddMember(ctx, store.System, dlg.ID, d, false, 0)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r.Reference)
	}
	ref := store.DelegationReference(dlg.ID)
	es := i18n.For("es")
	base := "/focal/delegations/" + strconv.FormatInt(dlg.ID, 10)
	cookie := map[string]string{"Cookie": "delegate_focal=" + focalSignIn(t, e, "hacienda@medellin.gov.co")}
	page := e.do(t, request{method: "GET", path: base + "?lang=es", header: cookie}).Body.String()
	for _, want := range []string{"2 miembros deben " + es.Money(20000, "USD") + " en total.", base + "/proforma.pdf?currency=USD",
		"indicando " + ref, base + "/members/" + refs[0] + "/proforma.pdf"} {
		if !strings.Contains(page, want) {
			t.Errorf("the focal point's page lacks %q", want)
		}
	}
	doc := e.do(t, request{method: "GET", path: base + "/proforma.pdf?currency=USD&lang=es", header: cookie})
	if doc.Code != 200 {
		t.Fatalf("the delegation's pro-forma: %d", doc.Code)
	}
	text := pdftest.OneLine(t, doc.Body.Bytes())
	for _, want := range []string{"FACTURA PROFORMA", "Para la delegación " + ref, "Facturado a Alcaldía de Medellín",
		"Rosa Quintero " + refs[0] + " · Cuota", "Juan Arango " + refs[1] + " · Cuota", es.Money(10000, "USD"), "Total pendiente: " + es.Money(20000, "USD"),
		"DE89 3704 0044 0532 0130 00", "Referencia de pago " + ref, "las cuotas de 2 miembros"} {
		if !strings.Contains(text, want) {
			t.Errorf("the delegation's pro-forma lacks %q:\n%s", want, text)
		}
	}
	if _, err := e.db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Alcaldía de Cali", Kind: "city", Country: "CO", Quota: 1,
		FocalPoints: []string{"cali@cali.gov.co"}}); err != nil {
		t.Fatal(err)
	}
	stranger := map[string]string{"Cookie": "delegate_focal=" + focalSignIn(t, e, "cali@cali.gov.co")}
	if w := e.do(t, request{method: "GET", path: base + "/proforma.pdf", header: stranger}); w.Code != 404 {
		t.Errorf("another delegation's focal point got its pro-forma: %d", w.Code)
	}
	finance := e.login(t, "finance")
	if page := e.do(t, request{method: "GET", path: "/admin/delegations/" + strconv.FormatInt(dlg.ID, 10) + "?lang=en", session: finance}).Body.String(); !strings.Contains(page, "/proforma.pdf?currency=USD") ||
		!strings.Contains(page, "payment reference "+ref) {
		t.Errorf("finance's delegation page has no pro-forma for the delegation")
	}

	csv := "Date,Amount,Description\n2015-06-12,200.00,Municipio de Medellin orden de pago 4471 " + strings.ToLower(ref) + "\n"
	statement := statementUpload(t, e, finance, csv, map[string]string{"date": "Date", "amount": "Amount", "text": "Description"}).Body.String()
	if !strings.Contains(statement, "Pays the fees together") || !strings.Contains(statement, "Alcaldía de Medellín:") {
		t.Fatalf("the statement's line:\n%s", clip(statement))
	}
	form := url.Values{}
	for _, m := range regexpAll(`name="(take|lines\.\d+\.[a-z_]+)" value="([^"]*)"`, statement) {
		form.Add(m[1], m[2])
	}
	if got := form.Get("lines.0.reference"); got != refs[1]+" "+refs[0] { // in the list's order: Arango, Quintero
		t.Fatalf("the line is ticked for %q", got)
	}
	w := e.do(t, request{method: "POST", path: "/admin/finance/statement/confirm?lang=en", session: finance, form: form})
	if w.Code != 303 {
		t.Fatalf("confirm: %d", w.Code)
	}
	for _, r := range refs {
		got, _ := e.db.FindRegistration(ctx, r)
		if got.PaymentStatus != store.PaymentPaid {
			t.Errorf("%s after the transfer: %s", r, got.PaymentStatus)
		}
	}
	if page := e.do(t, request{method: "GET", path: base + "?lang=es", header: cookie}).Body.String(); strings.Contains(page, "/proforma.pdf") {
		t.Error("the focal point's page still offers a pro-forma once the fees are paid")
	}
	if w := e.do(t, request{method: "GET", path: base + "/proforma.pdf", header: cookie}); w.Code != 404 {
		t.Errorf("a pro-forma with nothing owed: %d", w.Code)
	}

	// the city hall gets one invoice of both fees, in Spanish
	admin := "/admin/delegations/" + strconv.FormatInt(dlg.ID, 10)
	e.do(t, request{method: "POST", path: admin + "/invoice?lang=en", session: finance, form: url.Values{"billed_name": {""}}})
	if invs, _ := e.db.DelegationInvoices(ctx, dlg.ID); len(invs) != 0 {
		t.Error("an invoice without whom it is billed to was issued")
	}
	w = e.do(t, request{method: "POST", path: admin + "/invoice?lang=en", session: finance, form: url.Values{
		"billed_name": {"Municipio de Medellín"}, "billed_address": {"Calle 44 N 52-165, Medellín"}, "tax_id": {"NIT 890905211-1"},
		"currency": {"USD"}, "language": {"es"}}})
	if w.Code != 303 {
		t.Fatalf("issue the delegation's invoice: %d", w.Code)
	}
	if page := e.do(t, request{method: "GET", path: base + "?lang=es", header: cookie}).Body.String(); !strings.Contains(page, base+"/invoice.pdf") {
		t.Error("the focal point's page does not offer the delegation's invoice")
	}
	invoice := e.do(t, request{method: "GET", path: base + "/invoice.pdf", header: cookie})
	if invoice.Code != 200 {
		t.Fatalf("the delegation's invoice: %d", invoice.Code)
	}
	text = pdftest.OneLine(t, invoice.Body.Bytes())
	for _, want := range []string{"FACTURA", "Factura n.º 1", "Facturado a Municipio de Medellín", "NIT 890905211-1", "Delegación Alcaldía de Medellín",
		"Cuotas de inscripción de 2 miembros", "Juan Arango " + refs[1], "Rosa Quintero " + refs[0], "Total: " + es.Money(20000, "USD"),
		"PAGADA", "Referencia de pago " + ref} {
		if !strings.Contains(text, want) {
			t.Errorf("the delegation's invoice lacks %q:\n%s", want, text)
		}
	}
	if w := e.do(t, request{method: "GET", path: base + "/invoice.pdf", header: stranger}); w.Code != 404 {
		t.Errorf("another delegation's focal point got its invoice: %d", w.Code)
	}
	// credited in part from the delegation's page; the export names the delegation's reference
	invs, _ := e.db.DelegationInvoices(ctx, dlg.ID)
	w = e.do(t, request{method: "POST", path: "/admin/invoices/" + strconv.FormatInt(invs[0].ID, 10) + "/credit?lang=en", session: finance,
		form: url.Values{"amount": {"50.00"}, "reason": {"One official could not travel"}}})
	if w.Code != 303 || w.Header().Get("Location") != admin {
		t.Errorf("a credit note of the delegation's invoice: %d to %s", w.Code, w.Header().Get("Location"))
	}
	if page := e.do(t, request{method: "GET", path: admin + "?lang=en", session: finance}).Body.String(); !strings.Contains(page, "Credit note no. 1") ||
		!strings.Contains(page, "credited") {
		t.Error("the delegation's page does not list its credit note")
	}
	export := e.do(t, request{method: "GET", path: "/admin/finance/invoices.csv?lang=en", session: finance}).Body.String()
	if !strings.Contains(export, ref+",Municipio de Medellín") || strings.Count(export, ref) != 2 {
		t.Errorf("the invoices' export:\n%s", export)
	}
}
