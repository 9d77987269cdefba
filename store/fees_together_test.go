package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"delegate/store"
)

// One transfer pays several fees: a line quoting the delegation's
// payment reference, or two registrations' references, that comes to
// exactly what they owe is matched to them together and recorded as one
// part each, all in one transaction; a line that does not add up is left
// to finance; a bank reference counts once, whole or in parts (15.2, 15.4).
func TestFeesPaidTogether(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	dlg, err := db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Alcaldía de Bogotá", Kind: "city", Country: "CO", Quota: 4})
	if err != nil {
		t.Fatal(err)
	}
	member := func(email, category string) store.Registration {
		d := details(email)
		d.Category = category
		r, err := db.AddMember(ctx, store.System, dlg.ID, d, false, 0)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	m1, m2 := member("uno@bogota.gov.co", "city_official"), member("dos@bogota.gov.co", "city_official")
	member("tres@bogota.gov.co", "member_state") // no fee
	alone := func(email string) store.Registration {
		d := details(email)
		d.Category = "city_official"
		r, err := db.CreateRegistration(ctx, store.System, d)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := alone("a@quito.gob.ec"), alone("b@quito.gob.ec")

	owed, err := db.DelegationOwed(ctx, dlg.ID)
	if err != nil || len(owed) != 2 || owed[0].Left != 10000 || owed[0].Currency != "USD" {
		t.Fatalf("the delegation owes %+v, %v; want two early-bird fees of USD 100", owed, err)
	}
	ref := store.DelegationReference(dlg.ID)
	line := func(n int, amount int64, text, bankRef string) store.StatementLine {
		return store.StatementLine{Line: n, Date: "2015-06-10", Amount: amount, Currency: "USD", Text: text, BankRef: bankRef}
	}
	lines := []store.StatementLine{
		line(2, 20000, "Alcaldia de Bogota pago "+ref, "BK-1"),
		line(3, 15000, "pago iclc del "+ref[9:], "BK-2"), // short of the two fees
		line(4, 20000, a.Reference+" y "+b.Reference, "BK-3"),
		line(5, 10000, a.Reference+", "+b.Reference, "BK-4"),
		line(6, 20000, "ICLC-DEL-999", "BK-5"),
	}
	matches, err := db.MatchStatement(ctx, lines)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"together", "ambiguous", "together", "ambiguous", "unknown"}
	for i, m := range matches {
		if m.Status != want[i] {
			t.Errorf("line %d (%s): %s, want %s", m.Line, m.Text, m.Status, want[i])
		}
	}
	if m := matches[0]; m.Reference != m1.Reference+" "+m2.Reference || len(m.Together) != 2 || m.Name != "Alcaldía de Bogotá" {
		t.Errorf("the delegation's line: %q, %+v", m.Reference, m.Together)
	}
	if m := matches[1]; m.Left != 20000 {
		t.Errorf("the short line says they owe %d together, want 20000", m.Left)
	}

	// a transfer that is not what they owe records nothing
	var conflict *store.ConflictError
	err = db.RecordTransfers(ctx, store.System, []string{a.Reference, b.Reference}, store.Transfer{Amount: 15000, Currency: "USD", Date: "2015-06-10", BankRef: "BK-9"})
	if !errors.As(err, &conflict) || conflict.Reason != "transfer_split" {
		t.Fatalf("a transfer short of the fees: %v", err)
	}
	if got, _ := db.ReceivedFor(ctx, &a); got.Amount != 0 {
		t.Errorf("a refused split left %d received", got.Amount)
	}

	for _, m := range []store.Match{matches[0], matches[2]} {
		var refs []string
		for _, o := range m.Together {
			refs = append(refs, o.Reference)
		}
		if err := db.RecordTransfers(ctx, store.System, refs, store.Transfer{Amount: m.Amount, Currency: m.Currency, Date: m.Date, BankRef: m.BankRef}); err != nil {
			t.Fatalf("record line %d: %v", m.Line, err)
		}
	}
	for _, r := range []store.Registration{m1, m2, a, b} {
		got, _ := db.FindRegistration(ctx, r.Reference)
		rec, _ := db.ReceivedFor(ctx, &got)
		if got.PaymentStatus != store.PaymentPaid || rec.Amount != 10000 {
			t.Errorf("%s after the transfer: %s, %d received", r.Reference, got.PaymentStatus, rec.Amount)
		}
	}
	again, _ := db.MatchStatement(ctx, lines[:1])
	if again[0].Status != "recorded" {
		t.Errorf("the same line again: %s, want recorded", again[0].Status)
	}
	err = db.RecordTransfers(ctx, store.System, []string{m1.Reference, m2.Reference}, store.Transfer{Amount: 20000, Currency: "USD", Date: "2015-06-10", BankRef: "BK-1"})
	if !errors.As(err, &conflict) {
		t.Errorf("the same bank reference split again: %v", err)
	}
	c := alone("c@quito.gob.ec")
	if _, _, err := db.RecordTransfer(ctx, store.System, c.Reference, store.Transfer{Amount: 10000, Currency: "USD", Date: "2015-06-10", BankRef: "BK-3"}); !errors.As(err, &conflict) ||
		conflict.Reason != "transfer_recorded" {
		t.Errorf("a bank reference recorded in parts, recorded again whole: %v", err)
	}

	// one of them paid meanwhile: none of the split is written
	d := alone("d@quito.gob.ec")
	if _, _, err := db.RecordTransfer(ctx, store.System, d.Reference, store.Transfer{Amount: 10000, Currency: "USD", Date: "2015-06-10", BankRef: "BK-6"}); err != nil {
		t.Fatal(err)
	}
	err = db.RecordTransfers(ctx, store.System, []string{c.Reference, d.Reference}, store.Transfer{Amount: 20000, Currency: "USD", Date: "2015-06-11", BankRef: "BK-7"})
	if !errors.As(err, &conflict) {
		t.Errorf("a split over a paid fee: %v", err)
	}
	if got, _ := db.ReceivedFor(ctx, &c); got.Amount != 0 {
		t.Errorf("a refused split half-wrote: %d received by the other", got.Amount)
	}

	// without a bank reference: the parts are still one transfer
	e, f := alone("e@quito.gob.ec"), alone("f@quito.gob.ec")
	if err := db.RecordTransfers(ctx, store.System, []string{e.Reference, f.Reference}, store.Transfer{Amount: 20000, Currency: "USD", Date: "2015-06-11"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []store.Registration{e, f} {
		if got, _ := db.FindRegistration(ctx, r.Reference); got.PaymentStatus != store.PaymentPaid {
			t.Errorf("%s after a transfer without a bank reference: %s", r.Reference, got.PaymentStatus)
		}
	}
}

// One invoice for a delegation's fees: the members not yet invoiced,
// a line each, numbered in the one series; a member on it is not
// invoiced again alone, and sees it among their invoices; once credited
// in full the fees can be invoiced again (15.3).
func TestDelegationInvoice(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	dlg, err := db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Alcaldía de Cali", Kind: "city", Country: "CO", Quota: 4})
	if err != nil {
		t.Fatal(err)
	}
	var members []store.Registration
	for i, category := range []string{"city_official", "city_official", "city_official", "member_state"} {
		d := details(fmt.Sprintf("m%d@cali.gov.co", i))
		d.Category = category
		r, err := db.AddMember(ctx, store.System, dlg.ID, d, i == 0, i+1)
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, r)
	}
	alone, err := db.IssueInvoice(ctx, store.System, members[2].Reference, store.Billing{Name: "Secretaría de Educación"})
	if err != nil {
		t.Fatal(err)
	}
	billing := store.Billing{Name: "Municipio de Santiago de Cali", Address: "CAM, Avenida 2 Norte 10-70", TaxID: "NIT 890399011-3"}
	inv, err := db.IssueDelegationInvoice(ctx, store.System, dlg.ID, "usd", "es", billing)
	if err != nil {
		t.Fatal(err)
	}
	lines, _ := db.InvoiceLines(ctx, inv.ID)
	if inv.Number != alone.Number+1 || inv.Amount != 20000 || inv.Currency != "USD" || inv.Language != "es" || len(lines) != 2 ||
		lines[0].Reference != members[0].Reference || lines[1].Reference != members[1].Reference || inv.DelegationID != dlg.ID {
		t.Fatalf("the delegation's invoice: %+v with lines %+v", inv, lines)
	}
	var conflict *store.ConflictError
	if _, err := db.IssueDelegationInvoice(ctx, store.System, dlg.ID, "USD", "es", billing); !errors.As(err, &conflict) || conflict.Reason != "no_fee" {
		t.Errorf("the same fees invoiced twice: %v", err)
	}
	if _, err := db.IssueInvoice(ctx, store.System, members[1].Reference, billing); !errors.As(err, &conflict) || conflict.Reason != "invoice_issued" {
		t.Errorf("a member on the delegation's invoice invoiced alone: %v", err)
	}
	if invs, _ := db.Invoices(ctx, members[1].ID); len(invs) != 1 || invs[0].ID != inv.ID {
		t.Errorf("the second member's invoices: %+v", invs)
	}
	note, err := db.CreditInvoice(ctx, store.System, inv.ID, inv.Amount, "Issued to the wrong body")
	if err != nil {
		t.Fatal(err)
	}
	if invs, _ := db.Invoices(ctx, members[1].ID); len(invs) != 2 || invs[1].ID != note.ID {
		t.Errorf("the member does not see the credit note: %+v", invs)
	}
	if again, err := db.IssueDelegationInvoice(ctx, store.System, dlg.ID, "USD", "es", billing); err != nil || again.Number != inv.Number+1 {
		t.Errorf("invoiced again once credited: %+v, %v", again, err)
	}
	if list, _ := db.DelegationInvoices(ctx, dlg.ID); len(list) != 3 {
		t.Errorf("the delegation's invoices and credit notes: %d, want 3", len(list))
	}
}
