package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"delegate/store"
)

// TestRetentionRunsByItself moves the clock past each period in turn:
// each time the dry run lists exactly what the run then erases, and
// nothing else goes.
func TestRetentionRunsByItself(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	s := db.Settings()
	s.PassportRetentionDays, s.HealthRetentionDays, s.InactiveRetentionDays, s.AccountingRetentionYears = 30, 60, 90, 2
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	d := everyField()
	d.Email = "keep@example.org"
	kept, err := db.CreateRegistration(ctx, store.System, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.IssueInvoice(ctx, store.System, kept.Reference, store.Billing{Name: "Ministère des Finances", TaxID: "SN-123"}); err != nil {
		t.Fatal(err)
	}
	gone, err := db.CreateRegistration(ctx, store.System, details("cancelled@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CancelRegistration(ctx, store.System, gone.Reference, ""); err != nil {
		t.Fatal(err)
	}
	end := s.End()
	step := func(at time.Time, rule string, want []string) {
		t.Helper()
		clk.Set(at)
		dry, err := db.Retain(ctx, store.System, true)
		if err != nil {
			t.Fatal(err)
		}
		ran, err := db.Retain(ctx, store.System, false)
		if err != nil {
			t.Fatal(err)
		}
		for i, item := range dry {
			if item.Rule == rule && !slices.Equal(item.References, want) {
				t.Errorf("%s on %s: dry run lists %v, want %v", rule, at.Format("2006-01-02"), item.References, want)
			}
			if !slices.Equal(item.References, ran[i].References) {
				t.Errorf("%s: the dry run listed %v, the run erased %v", item.Rule, item.References, ran[i].References)
			}
		}
		if again, _ := db.Retain(ctx, store.System, true); len(again[slices.IndexFunc(again, func(x store.RetentionItem) bool { return x.Rule == rule })].References) != 0 {
			t.Errorf("%s: something is left after the run", rule)
		}
	}
	// before the first period nothing is due
	clk.Set(end.AddDate(0, 0, 10))
	if items, _ := db.Retain(ctx, store.System, true); len(items) != 5 || items[0].References != nil || items[0].Due.IsZero() {
		t.Errorf("ten days after: %+v", items)
	}
	step(end.AddDate(0, 0, 32), store.RetainPassport, []string{kept.Reference})
	if r := find(t, db, kept); r.HasPassport || r.DietaryNotes == "" {
		t.Errorf("after the passport period: passport %v, dietary notes %q (kept)", r.HasPassport, r.DietaryNotes)
	}
	step(end.AddDate(0, 0, 62), store.RetainHealth, []string{kept.Reference})
	if r := find(t, db, kept); r.DietaryNotes != "" || r.Accessibility != "" || len(r.Dietary) != 0 || r.FamilyName == "" {
		t.Errorf("after the health period: %q %q %v, name %q (kept)", r.DietaryNotes, r.Accessibility, r.Dietary, r.FamilyName)
	}
	step(end.AddDate(0, 0, 92), store.RetainInactive, []string{gone.Reference})
	if r := find(t, db, gone); r.Erased == nil || r.Email != "" {
		t.Errorf("the cancelled registration after its period: %+v", r)
	}
	if r := find(t, db, kept); r.Erased != nil {
		t.Error("a live registration was erased as inactive")
	}
	if invs, _ := db.Invoices(ctx, kept.ID); invs[0].Name != "Ministère des Finances" {
		t.Errorf("the invoice lost its billed party before the accounting period: %+v", invs[0])
	}
	step(end.AddDate(2, 0, 2), store.RetainAccounting, []string{kept.Reference})
	if invs, _ := db.Invoices(ctx, kept.ID); invs[0].Name != "" || invs[0].TaxID != "" || invs[0].Number != 1 || invs[0].Amount == 0 {
		t.Errorf("the invoice after the accounting period: %+v", invs[0])
	}
}

// TestContactsRetention: past its period after the conference, the
// contact data of focal points and of those who asked for a delegation
// goes (addresses, names, messages, the reason given for a refusal, the
// sign-in links and the messages sent to them, those values in the audit
// log) and is not in the database file or its WAL; the delegations keep
// their names and members. The dry run listed exactly that beforehand.
func TestContactsRetention(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	s := db.Settings()
	s.ContactRetentionDays = 120
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	focal := "natcom.secretary@example.ke"
	ke, err := db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Kenya", Kind: "member_state", Country: "KE", Quota: 5,
		FocalPoints: []string{focal}, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddMember(ctx, store.System, ke.ID, details("deputy.minister@example.ke"), true, 1); err != nil {
		t.Fatal(err)
	}
	req, err := db.RequestDelegation(ctx, store.System, store.DelegationRequest{ContactName: "Achieng Otieno", Email: "achieng.otieno@example.ke",
		Message: "Our city education board will send three officials", Delegation: store.Delegation{Name: "Kisumu County", Kind: "city",
			Country: "KE", Quota: 3, Language: "en"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RefuseDelegationRequest(ctx, store.System, req.ID, "Please come through the National Commission of Kenya"); err != nil {
		t.Fatal(err)
	}
	if err := db.SendFocalLink(ctx, focal, "en"); err != nil {
		t.Fatal(err)
	}
	typed := []string{focal, "achieng.otieno@example.ke", "Achieng Otieno", "Our city education board", "Please come through the National"}
	contacts := func(items []store.RetentionItem) store.RetentionItem {
		return items[slices.IndexFunc(items, func(x store.RetentionItem) bool { return x.Rule == store.RetainContacts })]
	}
	clk.Set(s.End().AddDate(0, 0, 30))
	if dry, _ := db.Retain(ctx, store.System, true); contacts(dry).References != nil || contacts(dry).Due.IsZero() {
		t.Errorf("thirty days after: %+v", contacts(dry))
	}
	clk.Set(s.End().AddDate(0, 0, 122))
	dry, err := db.Retain(ctx, store.System, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"delegation-" + strconv.FormatInt(ke.ID, 10), "request-" + strconv.FormatInt(req.ID, 10), "sign-in-links"}
	if got := contacts(dry).References; !slices.Equal(got, want) {
		t.Errorf("the dry run lists %v, want %v", got, want)
	}
	ran, err := db.Retain(ctx, store.System, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := contacts(ran).References; !slices.Equal(got, want) {
		t.Errorf("the run erased %v, the dry run listed %v", got, want)
	}
	if again, _ := db.Retain(ctx, store.System, true); len(contacts(again).References) != 0 {
		t.Errorf("left after the run: %v", contacts(again).References)
	}
	if list, _ := db.FocalDelegations(ctx, focal); len(list) != 0 {
		t.Errorf("the focal point still has %d delegations", len(list))
	}
	if d, err := db.FindDelegation(ctx, ke.ID); err != nil || d.Name != "Kenya" || d.Members != 1 {
		t.Errorf("the delegation after: %+v, %v", d, err)
	}
	if r, _ := db.FindDelegationRequest(ctx, req.ID); r.ContactName != "" || r.Email != "" || r.Reason != "" || r.Name != "Kisumu County" {
		t.Errorf("the request after: %+v", r)
	}
	for _, f := range []string{db.Path(), db.Path() + "-wal"} {
		if found := holds(t, f, typed); len(found) > 0 {
			t.Errorf("%s still holds %q", filepath.Base(f), found)
		}
	}
}
