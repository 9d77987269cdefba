package handlers_test

import (
	"strings"
	"testing"

	"delegate/i18n"
	"delegate/store"
)

// The finance page counts fees overdue (past the deadline), partly paid,
// paid and waived, by category, and the money moved by method; payments
// and invoices export; one press readies the reminder to everyone
// overdue, which goes to them alone (15.6).
func TestFinancePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	var refs []string
	for _, email := range []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org"} {
		refs = append(refs, e.register(t, with(valid(email), "category", "city_official", "language", "en"))["reference"].(string))
	}
	e.register(t, valid("mayor@example.org")) // no fee: not counted
	s := e.db.Settings()
	s.PaymentDeadline = "2015-06-01" // the tests' clock is on 15 June
	if _, err := e.db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.db.RecordTransfer(ctx, store.System, refs[0], store.Transfer{Amount: 2500, Currency: "USD", Date: "2015-06-02", BankRef: "BK-9"}); err != nil {
		t.Fatal(err)
	}
	r, _ := e.db.FindRegistration(ctx, refs[2])
	e.db.RecordPayment(ctx, store.System, refs[2], store.DeskPayment(r, store.PaymentPaid))
	r, _ = e.db.FindRegistration(ctx, refs[3])
	e.db.RecordPayment(ctx, store.System, refs[3], store.DeskPayment(r, store.PaymentWaived))
	if _, err := e.db.IssueInvoice(ctx, store.System, refs[2], store.Billing{Name: "Alcaldía de Quito", TaxID: "EC-77"}); err != nil {
		t.Fatal(err)
	}
	en := i18n.For("en")
	admin := e.login(t, "admin")
	e.run(t, []scenario{
		{name: "finance page", req: request{method: "GET", path: "/admin/finance?lang=en", session: e.login(t, "finance")}, wantStatus: 200, want: []string{
			"The deadline has passed", "<td>Overdue</td><td>2</td><td>" + en.Money(20000, "USD") + "</td>",
			"<td>Of those due, partly paid</td><td>1</td>", "<td>Paid</td><td>1</td><td>" + en.Money(10000, "USD") + "</td>",
			"<td>Waived</td><td>1</td>", "City official — Not paid yet</td><td>2</td>",
			"Paid · Bank transfer</td><td>" + en.Money(2500, "USD"), "Paid · At the registration desk</td><td>" + en.Money(10000, "USD")}},
		{name: "viewer", req: request{method: "GET", path: "/admin/finance", session: e.login(t, "viewer")}, wantStatus: 403},
		{name: "payments", req: request{method: "GET", path: "/admin/finance/payments.csv?lang=en", session: admin}, wantStatus: 200,
			want: []string{refs[0] + ",Aminata Diop,Paid,Bank transfer,25.00,USD,BK-9,partial", refs[2] + ",Aminata Diop,Paid,At the registration desk,100.00,USD"}},
		{name: "invoices", req: request{method: "GET", path: "/admin/finance/invoices.csv?lang=en", session: admin}, wantStatus: 200,
			want: []string{"Invoice,1,2015-06-15," + refs[2] + ",Alcaldía de Quito,EC-77,100.00,USD"}},
		{name: "reminder", req: request{method: "GET", path: "/admin/messages/new?preset=overdue&lang=en", session: admin}, wantStatus: 200,
			want: []string{"Your conference fee is still due", "it was to be paid by " + en.Date(s.PaymentDue()), `<option value="unpaid" selected>`}},
	})
	form := map[string][]string{"payment": {"unpaid"}, "send": {"1"}}
	for _, lang := range store.Languages {
		form["subject."+lang] = []string{"Fee due"}
		form["body."+lang] = []string{"Please pay."}
	}
	if w := e.do(t, request{method: "POST", path: "/admin/messages", session: admin, form: form}); w.Code != 303 {
		t.Fatalf("send the reminder: %d %s", w.Code, clip(w.Body.String()))
	}
	sent, _ := e.db.FindOutbox(ctx, store.OutboxFilter{})
	var to []string
	for _, m := range sent {
		if m.Kind == store.MailMessage {
			to = append(to, m.To)
		}
	}
	if len(to) != 2 || !strings.Contains(strings.Join(to, ","), "a@example.org") || !strings.Contains(strings.Join(to, ","), "b@example.org") {
		t.Errorf("the reminder went to %v, want the two still owing", to)
	}
}
