package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"delegate/store"
)

// statementUpload posts a bank statement as the statement page's form does.
func statementUpload(t *testing.T, e *env, session, csv string, cols map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	return e.do(t, statementRequest(session, csv, cols))
}

// statementRequest is the statement page's form posting a bank statement.
func statementRequest(session, csv string, cols map[string]string) request {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range cols {
		mw.WriteField("columns."+k, v)
	}
	fw, _ := mw.CreateFormFile("statement", "statement.csv")
	fw.Write([]byte(csv))
	mw.Close()
	return request{method: "POST", path: "/admin/finance/statement?lang=en", session: session, raw: body.Bytes(),
		header: map[string]string{"Content-Type": mw.FormDataContentType()}}
}

// A bank statement's lines are matched by the reference their text
// quotes: one pays a fee, one pays part of another (a second line later
// settling it), one quotes two registrations, one none; confirming
// records the ticked ones; the same statement again finds them recorded
// (15.4).
func TestBankStatement(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	refOf := func(email string) string {
		return e.register(t, with(valid(email), "category", "city_official"))["reference"].(string)
	}
	a, b := refOf("a@example.sn"), refOf("b@example.sn")
	finance := e.login(t, "finance")
	cols := map[string]string{"date": "Buchungstag", "amount": "Betrag", "text": "Verwendungszweck", "currency": "Währung"}
	csv := "Buchungstag;Betrag;Währung;Verwendungszweck\n" +
		"03.06.2015;100,00;USD;Fee " + strings.ToLower(a) + " Ministry of Education\n" +
		"04.06.2015;40,00;USD;Payment " + strings.Replace(b, "-", " ", 1) + "\n" +
		"05.06.2015;100,00;USD;" + a + " and " + b + "\n" +
		"06.06.2015;75,00;USD;Conference fee, no reference\n" +
		"07.06.2015;-12,50;USD;Bank charges\n"
	if w := statementUpload(t, e, finance, csv, map[string]string{"date": "Datum", "amount": "Betrag", "text": "Verwendungszweck"}); w.Code != 422 ||
		!strings.Contains(w.Body.String(), `The file has no column headed &#34;Datum&#34;.`) {
		t.Fatalf("a missing column: %d\n%s", w.Code, clip(w.Body.String()))
	}
	w := statementUpload(t, e, finance, csv, cols)
	page := w.Body.String()
	for _, want := range []string{"Pays the fee", "Part of the fee", "Quotes more than one registration", "No registration found"} {
		if !strings.Contains(page, want) {
			t.Errorf("the matched statement lacks %q", want)
		}
	}
	if strings.Contains(page, "Bank charges") {
		t.Error("a debit was matched")
	}
	if got := e.db.Settings().StatementColumns; got.Date != "Buchungstag" || got.Currency != "Währung" {
		t.Errorf("the columns were not kept: %+v", got)
	}
	// confirm what the page ticked: its hidden fields, as a browser posts them
	form := url.Values{}
	for _, m := range regexpAll(`name="(take|lines\.\d+\.[a-z_]+)" value="([^"]*)"`, page) {
		form.Add(m[1], strings.ReplaceAll(m[2], "&#43;", "+"))
	}
	if len(form["take"]) != 2 {
		t.Fatalf("ticked %v, want the two that name one registration", form["take"])
	}
	if w := e.do(t, request{method: "POST", path: "/admin/finance/statement/confirm?lang=en", session: finance, form: form}); w.Code != 303 {
		t.Fatalf("confirm: %d", w.Code)
	}
	ra, _ := e.db.FindRegistration(ctx, a)
	rb, _ := e.db.FindRegistration(ctx, b)
	gotB, _ := e.db.ReceivedFor(ctx, &rb)
	if ra.PaymentStatus != store.PaymentPaid || rb.PaymentStatus != store.PaymentUnpaid || gotB.Amount != 4000 || gotB.Left != 6000 {
		t.Errorf("after confirming: %s; %s with %+v", ra.PaymentStatus, rb.PaymentStatus, gotB)
	}
	again := statementUpload(t, e, finance, csv+"20.06.2015;60,00;USD;"+b+"\n", cols).Body.String()
	if !strings.Contains(again, "Recorded already: 2") || !strings.Contains(again, "Pays the fee: 1") {
		t.Errorf("the same statement again:\n%s", clip(again))
	}
}

// regexpAll is every match of pattern in s, with its groups.
func regexpAll(pattern, s string) [][]string {
	return regexp.MustCompile(pattern).FindAllStringSubmatch(s, -1)
}
