package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"delegate/store"
)

// TestNewEdition starts the next edition from a database full of
// delegates: the settings, places, organisers and access codes come over
// with the dates moved, and the new file holds nothing of any delegate.
func TestNewEdition(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	oldPath, newPath := filepath.Join(dir, "iclc2015.db"), filepath.Join(dir, "iclc2017.db")
	vars := map[string]string{"DELEGATE_DB": oldPath}
	ctx := context.Background()
	call := func(stdin string, args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, args, environment(vars), strings.NewReader(stdin), &out, &errOut)
		return out.String(), errOut.String(), err
	}
	if _, errOut, err := call("", "demo", "--registrations", "60", "--seed", "3"); err != nil {
		t.Fatalf("demo: %v %s", err, errOut)
	}
	if _, _, err := call("correct horse battery staple\n", "user", "add", "--email", "dpo@uil.example", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	cfg := config{dbPath: oldPath}
	old, err := cfg.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := old.Settings()
	s.Categories[1].EarlyDeadline = "2015-07-31"
	s.RegistrationCloses = "2015-09-15"
	if _, err := old.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	if _, err := old.CreateAccessCode(ctx, store.System, store.NewAccessCode{Category: "speaker", MaxUses: 40, Note: "speakers"}); err != nil {
		t.Fatal(err)
	}
	regs, _, err := old.FindRegistrations(ctx, store.Filter{PerPage: 20, Sort: "name"})
	if err != nil || len(regs) < 10 {
		t.Fatalf("demo registrations: %v %d", err, len(regs))
	}
	oldCodes, _ := old.FindAccessCodes(ctx)
	old.Close()

	// the dates asked for, as a new user would type them
	out, errOut, err := call("2017-09-19\n2017-09-21\n", "new-edition", "--from", oldPath, newPath)
	if err != nil || !strings.Contains(errOut, "First day of the new edition") || !strings.Contains(out, "no delegate copied") {
		t.Fatalf("new-edition: %v\n%s\n%s", err, out, errOut)
	}
	if _, _, err := call("", "new-edition", "--from", oldPath, "--start", "2017-09-19", "--end", "2017-09-21", newPath); err == nil {
		t.Error("the new edition was written over")
	}
	ncfg := config{dbPath: newPath}
	db, err := ncfg.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ns := db.Settings()
	if ns.StartDate != "2017-09-19" || ns.EndDate != "2017-09-21" || ns.RegistrationCloses != "2017-09-06" ||
		ns.Categories[1].EarlyDeadline != "2017-07-22" || len(ns.Categories) != len(s.Categories) ||
		ns.Categories[1].Fee != s.Categories[1].Fee || len(ns.Hotels) != len(s.Hotels) || ns.Signatory != s.Signatory ||
		ns.Name != s.Name || ns.Secretariat != s.Secretariat {
		t.Errorf("settings: %+v", ns)
	}
	if _, err := db.Authenticate(ctx, "dpo@uil.example", "correct horse battery staple"); err != nil {
		t.Errorf("the organiser cannot sign in to the new edition: %v", err)
	}
	if st, _ := db.Stats(ctx); st.Total != 0 {
		t.Errorf("%d registrations came over", st.Total)
	}
	codes, _ := db.FindAccessCodes(ctx)
	if len(codes) != len(oldCodes) || codes[0].Code == oldCodes[0].Code || codes[0].Uses != 0 {
		t.Errorf("access codes: %+v, from %+v", codes, oldCodes)
	}
	db.Close()
	data, _ := os.ReadFile(newPath)
	wal, _ := os.ReadFile(newPath + "-wal")
	data = append(data, wal...)
	for _, r := range regs {
		for _, v := range []string{r.Email, r.FamilyName + ", " + r.GivenNames, r.Reference} {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("the new edition holds %q of a delegate", v)
			}
		}
		if bytes.Contains(data, []byte(r.Email)) || (len(r.FamilyName) > 5 && bytes.Contains(data, []byte(r.FamilyName))) {
			t.Errorf("the new edition holds %s's name or address", r.Reference)
		}
	}
}
