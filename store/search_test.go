package store_test

import (
	"context"
	"testing"

	"delegate/store"
)

// TestSearchFindsWhatItDidBefore: the trigram index finds what a scan of
// every registration found, case and accents ignored, parts of words,
// words of one or two letters, addresses with their punctuation, and an
// edited name under its new spelling only.
func TestSearchFindsWhatItDidBefore(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	people := []struct{ given, family, email, org string }{
		{"Nguyễn Thị", "Hương", "huong@hanoi.example.vn", "Hà Nội People's Committee"},
		{"Li", "Wei", "li.wei@example.cn", "Beijing Academy"},
		{"Jürgen", "Müller", "j.mueller@hamburg.example.de", "Behörde für Schule"},
		{"芳", "王", "wang@example.cn", "Beijing Municipal Education Commission"},
	}
	var refs []string
	for _, p := range people {
		d := details(p.email)
		d.GivenNames, d.FamilyName, d.Organisation = p.given, p.family, p.org
		if p.family == "王" {
			d.BadgeName = "Wang Fang"
		}
		r, err := db.CreateRegistration(ctx, store.System, d)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r.Reference)
	}
	find := func(q string) int {
		t.Helper()
		_, total, err := db.FindRegistrations(ctx, store.Filter{Q: q})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return total
	}
	for q, want := range map[string]int{
		"huong": 1, "HƯƠNG": 1, "nguyen thi": 1, "muller": 1, "Müll": 1, "schule hamburg": 1,
		"li":  1, // two letters: no trigram, found by a scan
		"wei": 1, "li.wei@": 1, "example.cn": 2, "beijing": 2, "municipal educ": 1, "芳": 1, "王": 1,
		"müller huong": 0, "nobody": 0, refs[2]: 1,
	} {
		if got := find(q); got != want {
			t.Errorf("search %q: %d found, want %d", q, got, want)
		}
	}
	r, _ := db.FindRegistration(ctx, refs[2])
	d := r.Details
	d.FamilyName = "Schmidt"
	if _, err := db.UpdateRegistration(ctx, store.System, refs[2], d); err != nil {
		t.Fatal(err)
	}
	if find("muller") != 0 || find("schmidt") != 1 {
		t.Errorf("after the edit: muller %d, schmidt %d; want 0 and 1", find("muller"), find("schmidt"))
	}
}
